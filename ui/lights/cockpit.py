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
from ui.lights.format import level_label, level_text
from ui.platform.db import get_engine, unit_of_work
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
    return _compute(get_engine().url.render_as_string(hide_password=False), scope, stamp,
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


def lights_board(c: Cockpit, root: str | None) -> None:
    regions = c.regions
    codes = set(regions["code"])
    parents = [p if p in codes else "" for p in regions["parent_code"].to_list()]
    values = (regions["red"] + regions["yellow"] + regions["green"]).to_list()
    labels = [f"{n}（{level_label(lt)}）" for n, lt in zip(regions["name"], regions["light"], strict=True)]
    hover = [t("lights.cockpit.board_hover", red=r, yellow=y, green=g, open_red=orr, open_yellow=oy)
             for r, y, g, orr, oy in regions.select("red", "yellow", "green", "open_red",
                                                     "open_yellow").iter_rows()]
    fig = go.Figure(go.Treemap(
        ids=regions["code"].to_list(), labels=labels, parents=parents, values=values,
        branchvalues="total", marker={"colors": [COLOURS[x] for x in regions["light"]]},
        hovertext=hover, hoverinfo="label+text", maxdepth=3,
    ))
    fig.update_layout(margin={"t": 10, "l": 0, "r": 0, "b": 0}, height=420)
    st.plotly_chart(fig, width="stretch", key="board")
    # the regions one level below the root, each a link to its open alerts
    if root not in codes:
        root = next((c for c, p in zip(regions["code"], parents, strict=True) if p == ""), None)
    top = regions.filter(pl.col("parent_code") == root)
    if top.height == 0:
        top = regions.filter(pl.col("code") == root)
    cols = st.columns(4)
    for i, r in enumerate(top.iter_rows(named=True)):
        cols[i % 4].page_link(
            CENTRE, icon=None, query_params={"region": r["code"], "status": OPEN},
            label=t("lights.cockpit.region_link", icon=level_text(r["light"]), name=r["name"],
                    red=r["open_red"], yellow=r["open_yellow"]))


def trend_chart(c: Cockpit) -> None:
    fig = go.Figure()
    for level in ("red", "yellow"):
        part = c.series.filter(pl.col("level") == level)
        fig.add_trace(go.Scatter(x=part["day"].to_list(), y=part["open"].to_list(), mode="lines",
                                 name=t(f"lights.level.{level}"), line={"color": COLOURS[level]}))
    fig.update_layout(margin={"t": 10, "l": 0, "r": 0, "b": 0}, height=320,
                      yaxis_title=t("lights.cockpit.open_alerts"), legend={"orientation": "h"})
    st.plotly_chart(fig, width="stretch", key="trend")


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
    st.plotly_chart(fig, width="stretch", key="top")
    for dept_id, label, n in zip(top["id"], labels, top["open_red"], strict=True):
        st.page_link(CENTRE, label=t("lights.cockpit.dept_link", name=label, n=n),
                     query_params={"dept": str(dept_id), "level": "red", "status": OPEN})


def cockpit_sections() -> list[Callable[[Scope], None]]:
    """The cockpit sections the systems manifest declares, in menu order."""
    return [resolve(system.cockpit) for system in MENU_ORDER if system.cockpit]
