"""The cockpit's e-supervision section: cases in progress, this month's on-time rate and open
S4 lights, each a link to the page behind it (called by pages/lights/cockpit.py)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from core.clock import china_today
from metrics.esupervision.timing import on_time_rate
from services.esupervision import read as es
from services.platform.scope import Scope
from ui.esupervision.ranking import ranking_section
from ui.esupervision.view import percent_text
from ui.platform.db import cache_key, unit_of_work
from ui.platform.i18n import t

OPEN = "open,acknowledged,supervising,rectified"


@st.cache_data(ttl=120, max_entries=64, show_spinner=False)
def _kpis(url: str, scope: Scope, today: date, stamp: tuple) -> dict:  # noqa: ARG001
    month = today.replace(day=1)
    with unit_of_work() as session:
        # the open cases and those concluded this month, received whenever (a case received
        # in the last days of the month before and concluded this month counts this month)
        timed = es.timed_cases(session=session, scope=scope, today=today, concluded_since=month)
        lights = es.open_s4_alerts(session=session, scope=scope)
    cases = timed.cases
    in_progress = cases.filter(pl.col("status").is_in(["in_progress", "suspended"])).height
    done = cases.filter(pl.col("finished_on") >= month)
    rate = on_time_rate(done.with_columns(pl.lit("").alias("_all")), ["_all"])
    return {"in_progress": in_progress,
            "on_time_rate": float(rate["on_time_rate"][0]) if rate.height else None,
            "concluded": int(rate["concluded"].sum()) if rate.height else 0,
            "lights": lights, "unknown_years": timed.unknown_years}


def esupervision_section(scope: Scope) -> None:
    with unit_of_work() as session:
        stamp = es.data_stamp(session=session)
    k = _kpis(cache_key(), scope, china_today(), stamp)
    st.subheader(t("esupervision.cockpit.title"))
    cols = st.columns(4)
    rate = k["on_time_rate"]
    cards = [
        (t("esupervision.cockpit.in_progress"), k["in_progress"], "pages/esupervision/cases.py", {}),
        (t("esupervision.cockpit.on_time_rate"), percent_text(rate),
         "pages/esupervision/stats.py", {}),
        (t("esupervision.cockpit.red"), k["lights"]["red"], "pages/lights/centre.py",
         {"system": "S4", "level": "red", "status": OPEN}),
        (t("esupervision.cockpit.yellow"), k["lights"]["yellow"], "pages/lights/centre.py",
         {"system": "S4", "level": "yellow", "status": OPEN}),
    ]
    for col, (label, value, page, params) in zip(cols, cards, strict=True):
        with col.container(border=True):
            st.metric(label, value)
            st.page_link(page, label=t("esupervision.cockpit.view"), query_params=params or None,
                         icon=":material/arrow_forward:")
    st.caption(t("esupervision.cockpit.caption", n=k["concluded"]))
    ranking_section(scope)
