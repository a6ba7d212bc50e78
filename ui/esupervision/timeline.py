"""A case's timeline: its steps (Plotly bars from start to finish) against the power's flow
chart and step limits, with its suspensions."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from services.esupervision import read as es
from services.platform.scope import Scope
from ui.platform.db import unit_of_work
from ui.platform.i18n import t

COLOURS = {"ok": "#1e8e3e", "over": "#d93025", "open": "#1a73e8", "suspension": "#9aa0a6"}


def case_timeline(scope: Scope, case_no: str, today: date) -> None:
    with unit_of_work() as session:
        case = es.case_by_no(session=session, scope=scope, case_no=case_no)
        if case is not None:
            steps = es.timed_steps(session=session, scope=scope, today=today,
                                   case_ids=[case["id"]]).sort("step_order")
            flow = es.power_steps(session=session, power_id=case["power_id"])
            susp = es.read_suspensions(session=session, scope=scope, case_ids=[case["id"]])
    if case is None:
        st.info(t("esupervision.timeline.not_found", case_no=case_no))
        return
    fig = go.Figure()
    for r in steps.iter_rows(named=True):
        end = r["finished_on"] or today
        over = r["step_limit_days"] is not None and r["step_elapsed_workdays"] > r["step_limit_days"]
        kind = "over" if over else ("open" if r["finished_on"] is None else "ok")
        label = f"{r['seq']} {r['step_name'] or ''}"
        fig.add_trace(go.Bar(
            y=[label], x=[max((end - r["started_on"]).days, 0.3) * 86_400_000],
            base=[r["started_on"].isoformat()], orientation="h", marker_color=COLOURS[kind],
            showlegend=False,
            hovertext=t("esupervision.timeline.hover", used=r["step_elapsed_workdays"],
                        limit=r["step_limit_days"] if r["step_limit_days"] is not None else "—",
                        handler=r["handler"])))
    for r in susp.iter_rows(named=True):
        end = r["end_on"] or today
        fig.add_trace(go.Bar(
            y=[t("esupervision.timeline.suspension", kind=r["kind"])],
            x=[((end - r["start_on"]).days + 1) * 86_400_000], base=[r["start_on"].isoformat()],
            orientation="h", marker_color=COLOURS["suspension"], showlegend=False,
            hovertext=r["reason"] or t("esupervision.timeline.no_reason")))
    fig.add_vline(x=today.isoformat(), line_dash="dot")
    fig.update_layout(xaxis={"type": "date"}, yaxis={"autorange": "reversed"}, barmode="overlay",
                      height=80 + 36 * (steps.height + susp.height),
                      margin={"t": 10, "l": 0, "r": 0, "b": 0})
    st.plotly_chart(fig, width="stretch", key="case_timeline")
    st.caption(t("esupervision.timeline.legend"))
    visited = steps.group_by("seq").agg(pl.len().alias("times"),
                                        pl.col("step_elapsed_workdays").sum().alias("used"))
    chart = (flow.join(visited, on="seq", how="left")
             .with_columns(pl.col("times").fill_null(0))
             .select(pl.col("seq").alias(t("esupervision.timeline.seq")),
                     pl.col("name").alias(t("esupervision.timeline.step")),
                     pl.col("post").alias(t("esupervision.timeline.post")),
                     pl.col("limit_days").alias(t("esupervision.timeline.limit")),
                     pl.col("times").alias(t("esupervision.timeline.times")),
                     pl.col("used").alias(t("esupervision.timeline.used"))))
    st.dataframe(chart, hide_index=True, width="stretch")
