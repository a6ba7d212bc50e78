"""The cockpit's performance section: the latest computed period's average, 优秀 and 较差
departments and vetoes in scope, each a link to the ranking board."""

from __future__ import annotations

import streamlit as st

from services.platform.scope import Scope
from ui.performance.view import board, period_list
from ui.platform.i18n import t


def performance_section(scope: Scope) -> None:
    computed = [p for p in period_list() if p["computed_at"] is not None]
    if not computed:
        return
    period = computed[0]
    scores = board(scope, period)
    st.subheader(t("performance.cockpit.title", period=period["name"]))
    cards = [(t("performance.ranking.average"), f"{scores['total'].mean():.2f}" if scores.height else "—"),
             (t("performance.grade.excellent"), int((scores["grade"] == "excellent").sum())),
             (t("performance.grade.poor"), int((scores["grade"] == "poor").sum())),
             (t("performance.ranking.vetoed"), int(scores["vetoed"].sum()))]
    for col, (label, value) in zip(st.columns(4), cards, strict=True):
        with col.container(border=True):
            st.metric(label, value)
            st.page_link("pages/performance/ranking.py", label=t("performance.cockpit.view"),
                         query_params={"period": period["code"]}, icon=":material/arrow_forward:")
