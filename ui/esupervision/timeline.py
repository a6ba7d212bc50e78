"""A case's timeline: its steps (Plotly bars from start to finish) against the power's flow
chart and step limits, with its suspensions."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from services.esupervision import read as es
from services.platform.scope import Scope
from ui.esupervision.charts import timeline_figure
from ui.lights.format import dashes
from ui.platform.charts import plotly_chart
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import t
from ui.platform.tables import data_table


def case_timeline(scope: Scope, case_no: str, today: date) -> None:
    with unit_of_work() as session:
        case = es.case_by_no(session=session, scope=scope, case_no=case_no)
        if case is not None:
            steps = es.timed_steps(session=session, scope=scope, today=today,
                                   case_ids=[case["id"]]).sort("step_order")
            flow = es.power_steps(session=session, power_id=case["power_id"])
            susp = es.read_suspensions(session=session, scope=scope, case_ids=[case["id"]])
    if case is None:
        st.info(t("esupervision.timeline.not_found", case_no=md_escape(case_no)))
        return
    fig = timeline_figure(steps, susp, today)
    if fig is None:
        st.info(t("esupervision.timeline.no_steps", case_no=md_escape(case_no)))
    else:
        plotly_chart(fig, width="stretch", key="case_timeline")
        st.caption(t("esupervision.timeline.legend"))
    visited = steps.group_by("seq").agg(pl.len().alias("times"),
                                        pl.col("step_elapsed_workdays").sum().alias("used"))
    chart = (flow.join(visited, on="seq", how="left")
             .with_columns(pl.col("times", "used").fill_null(0))
             .select(pl.col("seq").alias(t("esupervision.timeline.seq")),
                     pl.col("name").alias(t("esupervision.timeline.step")),
                     pl.col("post").alias(t("esupervision.timeline.post")),
                     pl.col("limit_days").alias(t("esupervision.timeline.limit")),
                     pl.col("times").alias(t("esupervision.timeline.times")),
                     pl.col("used").alias(t("esupervision.timeline.used"))))
    data_table(dashes(chart), hide_index=True, width="stretch")
