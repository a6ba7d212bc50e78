"""The cockpit's public-feedback section: open tickets, this month's on-time and satisfaction
rates and open S5 lights, with a link to the analysis (called by the cockpit page)."""

from __future__ import annotations

import streamlit as st

from core.clock import china_today
from services.feedback import read
from services.feedback.kpi_sql import kpis_from
from services.platform.scope import Scope
from ui.feedback.view import kpi_parts
from ui.platform.db import unit_of_work
from ui.platform.formatting import share_text
from ui.platform.i18n import t


def _pct(v: float | None) -> str:
    return share_text(v)


def feedback_section(scope: Scope) -> None:
    today = china_today()
    k = kpis_from(kpi_parts(scope, today, (), since=today.replace(day=1), until=today), []).row(0, named=True)
    with unit_of_work() as s:
        open_now = read.open_count(session=s, scope=scope)
        lights = read.open_lights(session=s, scope=scope)
    st.subheader(t("feedback.cockpit.title"))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("feedback.cockpit.open"), open_now)
    c2.metric(t("feedback.cockpit.on_time"), _pct(k.get("on_time_rate")))
    c3.metric(t("feedback.cockpit.satisfaction"), _pct(k.get("satisfaction_rate")))
    # the numbers alone: "红灯 10 · 黄灯 57" is cut off in a quarter-width card
    c4.metric(t("feedback.cockpit.lights"), f'{lights.get("red", 0)} / {lights.get("yellow", 0)}')
    st.page_link("pages/feedback/dashboard.py", label=t("feedback.cockpit.more"), icon=":material/insights:")
