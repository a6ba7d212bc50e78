"""The cockpit's e-supervision section: cases in progress, this month's on-time rate and open
S4 lights, each a link to the page behind it (called by pages/cockpit.py)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from metrics.supervision import on_time_rate
from services import esupervision as es
from services.scope import Scope
from services.supervision import china_today
from ui.db import get_engine
from ui.i18n import t

OPEN = "open,acknowledged,supervising,rectified"


@st.cache_data(ttl=120, max_entries=64, show_spinner=False)
def _kpis(url: str, scope: Scope, today: date, stamp: tuple) -> dict:  # noqa: ARG001
    engine = get_engine()
    month = today.replace(day=1)
    timed = es.timed_cases(engine, scope, today=today, since=month)
    cases = timed.cases
    in_progress = cases.filter(pl.col("status").is_in(["in_progress", "suspended"])).height
    done = cases.filter(pl.col("finished_on") >= month)
    rate = on_time_rate(done.with_columns(pl.lit("").alias("_all")), ["_all"])
    return {"in_progress": in_progress,
            "on_time_rate": float(rate["on_time_rate"][0]) if rate.height else None,
            "concluded": int(rate["concluded"].sum()) if rate.height else 0,
            "lights": es.open_s4_alerts(engine, scope), "unknown_years": timed.unknown_years}


def esupervision_section(scope: Scope) -> None:
    engine = get_engine()
    k = _kpis(engine.url.render_as_string(hide_password=False), scope, china_today(),
              es.data_stamp(engine))
    st.subheader(t("supervision.cockpit.title"))
    cols = st.columns(4)
    rate = k["on_time_rate"]
    cards = [
        (t("supervision.cockpit.in_progress"), k["in_progress"], "pages/supervision_cases.py", {}),
        (t("supervision.cockpit.on_time_rate"), "—" if rate is None else f"{rate:.1f}%",
         "pages/supervision_stats.py", {}),
        (t("supervision.cockpit.red"), k["lights"]["red"], "pages/lights_centre.py",
         {"system": "S4", "level": "red", "status": OPEN}),
        (t("supervision.cockpit.yellow"), k["lights"]["yellow"], "pages/lights_centre.py",
         {"system": "S4", "level": "yellow", "status": OPEN}),
    ]
    for col, (label, value, page, params) in zip(cols, cards, strict=True):
        with col.container(border=True):
            st.metric(label, value)
            st.page_link(page, label=t("supervision.cockpit.view"), query_params=params or None,
                         icon=":material/arrow_forward:")
    st.caption(t("supervision.cockpit.caption", n=k["concluded"]))
