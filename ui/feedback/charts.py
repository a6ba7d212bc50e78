"""Plotly figures of the S5 dashboard (frames in, figures out)."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from ui.platform.i18n import t


def trend(by_month: pl.DataFrame) -> go.Figure:
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=by_month["month"].to_list(), y=by_month["received"].to_list(),
                name=t("feedback.col.received_count"))
    fig.add_scatter(x=by_month["month"].to_list(), y=(by_month["on_time_rate"] * 100).round(1).to_list(),
                    name=t("feedback.kpi.on_time") + " %", mode="lines+markers", secondary_y=True)
    fig.update_layout(height=340, margin=dict(t=30, b=10), legend=dict(orientation="h"))
    return fig


def mix(categories: pl.DataFrame) -> go.Figure:
    fig = px.pie(categories.to_pandas(), names="name", values="tickets", hole=0.45)
    fig.update_layout(height=340, margin=dict(t=30, b=10))
    return fig


def region_treemap(regions: pl.DataFrame) -> go.Figure:
    """regions: city, county, tickets, on_time_rate (colour)."""
    fig = px.treemap(regions.to_pandas(), path=[px.Constant(t("feedback.dashboard.treemap")), "city", "county"],
                     values="tickets", color="on_time_rate", color_continuous_scale="RdYlGn",
                     range_color=(0.5, 1.0), labels={"on_time_rate": t("feedback.kpi.on_time"),
                                                     "tickets": t("feedback.col.received_count")})
    fig.update_layout(height=420, margin=dict(t=30, b=10))
    return fig
