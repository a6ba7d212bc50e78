"""Cockpit pieces: cached figures per scope, KPI cards with links, the lights board and charts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from core.clock import china_today
from core.manifest import resolve
from metrics.lights.board import (
    OPEN_STATUSES,
    department_lights,
    kpis,
    open_over_time,
    region_lights,
    top_departments,
)
from services.lights.read import cockpit_frames, data_stamp
from services.platform.scope import Scope
from systems import MENU_ORDER
from ui.lights.format import level_text
from ui.platform.charts import plotly_chart
from ui.platform.db import cache_key, unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import t

COLOURS = {"red": "#d93025", "yellow": "#f9ab00", "green": "#1e8e3e"}
OPEN = ",".join(OPEN_STATUSES)
ACTIVE_ORDERS = "issued,answered,returned"
CENTRE = "pages/lights/centre.py"
ORDERS = "pages/lights/orders.py"
HISTORY_DAYS = 90


@dataclass(frozen=True)
class Cockpit:
    kpis: dict[str, int]
    regions: pl.DataFrame
    departments: pl.DataFrame
    series: pl.DataFrame
    top: pl.DataFrame
    today: date


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def _compute(url: str, scope: Scope, stamp: tuple, today: date) -> Cockpit:  # noqa: ARG001
    with unit_of_work() as session:
        frames = cockpit_frames(session=session, scope=scope)
    depts = department_lights(frames.departments, frames.alerts)
    series = open_over_time(frames.events, start=today - timedelta(days=HISTORY_DAYS), end=today)
    return Cockpit(
        kpis=kpis(frames.alerts, frames.orders, series, today=today),
        regions=region_lights(frames.regions, depts, frames.alerts),
        departments=depts, series=series, top=top_departments(depts, 10), today=today,
    )


def cockpit_data(scope: Scope) -> Cockpit:
    """Keyed by scope and by a cheap stamp of the alert tables, so it is never stale."""
    with unit_of_work() as session:
        stamp = data_stamp(session=session)
    return _compute(cache_key(), scope, stamp,
                    china_today())


def kpi_cards(c: Cockpit) -> None:
    k = c.kpis
    cols = st.columns(4)
    cards = [
        (t("lights.cockpit.open_red"), k["open_red"], k["open_red"] - k["open_red_last_month"],
         CENTRE, {"level": "red", "status": OPEN}),
        (t("lights.cockpit.open_yellow"), k["open_yellow"],
         k["open_yellow"] - k["open_yellow_last_month"], CENTRE, {"level": "yellow", "status": OPEN}),
        (t("lights.cockpit.orders_open"), k["orders_open"], None, ORDERS, {"status": ACTIVE_ORDERS}),
        (t("lights.cockpit.orders_overdue"), k["orders_overdue"], None, ORDERS,
         {"status": ACTIVE_ORDERS, "overdue": "1"}),
    ]
    for col, (label, value, delta, page, params) in zip(cols, cards, strict=True):
        with col.container(border=True):
            st.metric(label, value, delta=delta, delta_color="inverse",
                      help=t("lights.cockpit.delta_help") if delta is not None else None)
            st.page_link(page, label=t("lights.cockpit.view", n=value), query_params=params,
                         icon=":material/arrow_forward:")


# A region's colour: its departments' score, red counting 1 and yellow 0.5, over all of
# them (0 = every department green). One red department no longer turns a city red.
SCORE_SCALE = [[0.0, COLOURS["green"]], [0.25, COLOURS["yellow"]], [0.5, COLOURS["red"]],
               [1.0, COLOURS["red"]]]


# The word on a region's tile is the board colour its index lies nearest (stops: green 0,
# yellow 25, red 50 and above): green up to 12, yellow 13–37, red from 38. The index is a
# whole number rounded half up in integer arithmetic, so the word and the number shown agree.
BAND_LIMITS = ((12, "green"), (37, "yellow"))


def region_scores(regions: pl.DataFrame) -> pl.DataFrame:
    """regions (red, yellow, green departments) + score (0..1), index (the score × 100 as shown,
    rounded half up), band (green / yellow / red, from the index) and lit share (red or yellow)."""
    total = pl.col("red") + pl.col("yellow") + pl.col("green")
    points = 2 * pl.col("red") + pl.col("yellow")  # half points: red 2, yellow 1
    index = pl.when(total > 0).then((200 * points + 2 * total) // (4 * total)).otherwise(0)
    band = pl.lit("red")
    for limit, name in reversed(BAND_LIMITS):
        band = pl.when(pl.col("index") <= limit).then(pl.lit(name)).otherwise(band)
    return regions.with_columns(
        pl.when(total > 0).then((pl.col("red") + 0.5 * pl.col("yellow")) / total)
        .otherwise(0.0).alias("score"),
        index.cast(pl.Int64).alias("index"),
        pl.when(total > 0).then((pl.col("red") + pl.col("yellow")) / total)
        .otherwise(0.0).alias("lit_share")).with_columns(band.alias("band"))


def board_figure(regions: pl.DataFrame) -> go.Figure:
    regions = region_scores(regions)
    codes = set(regions["code"])
    parents = [p if p in codes else "" for p in regions["parent_code"].to_list()]
    values = (regions["red"] + regions["yellow"] + regions["green"]).to_list()
    labels = [f"{n}<br>{i}" for n, i in zip(regions["name"], regions["index"], strict=True)]
    hover = [t("lights.cockpit.board_hover", red=r, yellow=y, green=g, open_red=orr, open_yellow=oy)
             for r, y, g, orr, oy in regions.select("red", "yellow", "green", "open_red",
                                                     "open_yellow").iter_rows()]
    fig = go.Figure(go.Treemap(
        ids=regions["code"].to_list(), labels=labels, parents=parents, values=values,
        branchvalues="total", hovertext=hover, hoverinfo="label+text", maxdepth=3,
        marker={"colors": regions["score"].to_list(), "colorscale": SCORE_SCALE, "cmin": 0,
                "cmax": 1, "showscale": True,
                "colorbar": {"title": {"text": t("lights.cockpit.score_legend")},
                             "tickvals": [0, 0.25, 0.5, 1], "ticktext": ["0", "25", "50", "100"]}},
    ))
    fig.update_layout(margin={"t": 10, "l": 0, "r": 0, "b": 0}, height=440)
    return fig


def lights_board(c: Cockpit, root: str | None) -> None:
    regions = region_scores(c.regions)
    plotly_chart(board_figure(c.regions), width="stretch", key="board")
    # the regions one level below the root: tiles, each a link to its open alerts
    codes = set(regions["code"])
    if root not in codes:
        root = next((code for code, p in zip(regions["code"], regions["parent_code"], strict=True)
                     if p not in codes), None)
    top = regions.filter(pl.col("parent_code") == root).sort("score", "name", descending=[True, False])
    if top.height == 0:
        top = regions.filter(pl.col("code") == root)
    cols = st.columns(4)
    for i, r in enumerate(top.iter_rows(named=True)):
        with cols[i % 4].container(border=True):
            st.markdown(f"**{md_escape(r['name'])}**　{level_text(r['band'])}")
            st.caption(t("lights.cockpit.tile", score=r["index"],
                         share=f"{r['lit_share'] * 100:.0f}", red=r["red"], yellow=r["yellow"],
                         green=r["green"]))
            st.page_link(CENTRE, icon=":material/arrow_forward:",
                         query_params={"region": r["code"], "status": OPEN},
                         label=t("lights.cockpit.tile_link", red=r["open_red"], yellow=r["open_yellow"]))


def trend_chart(c: Cockpit) -> None:
    fig = go.Figure()
    for level in ("red", "yellow"):
        part = c.series.filter(pl.col("level") == level)
        fig.add_trace(go.Scatter(x=part["day"].to_list(), y=part["open"].to_list(), mode="lines",
                                 name=t(f"lights.level.{level}"), line={"color": COLOURS[level]}))
    fig.update_layout(margin={"t": 10, "l": 0, "r": 0, "b": 0}, height=320,
                      yaxis_title=t("lights.cockpit.open_alerts"), legend={"orientation": "h"})
    plotly_chart(fig, width="stretch", key="trend")


def top_departments_chart(c: Cockpit) -> None:
    top = c.top
    if top.height == 0:
        st.info(t("lights.cockpit.no_red"))
        return
    labels = [f"{n}（{r}）" for n, r in zip(top["name"], top["region_name"], strict=True)]
    fig = go.Figure(go.Bar(x=top["open_red"].to_list()[::-1], y=labels[::-1], orientation="h",
                           marker={"color": COLOURS["red"]}))
    fig.update_layout(margin={"t": 10, "l": 0, "r": 0, "b": 0}, height=40 + 28 * top.height,
                      xaxis_title=t("lights.cockpit.open_red"))
    plotly_chart(fig, width="stretch", key="top")
    for dept_id, label, n in zip(top["id"], labels, top["open_red"], strict=True):
        st.page_link(CENTRE, label=t("lights.cockpit.dept_link", name=label, n=n),
                     query_params={"dept": str(dept_id), "level": "red", "status": OPEN})


def cockpit_sections() -> list[Callable[[Scope], None]]:
    """The cockpit sections the systems manifest declares, in menu order."""
    return [resolve(system.cockpit) for system in MENU_ORDER if system.cockpit]
