"""The home page's to-dos and the menu's counts: what waits for the logged-in user."""

from __future__ import annotations

import polars as pl
import streamlit as st

from core.clock import china_today
from core.statuses import LIGHT_OPEN
from services.lights.todos import Todos, menu_counts, todos
from ui.lights.format import alerts_display, dashes, t
from ui.platform.context import UserContext
from ui.platform.db import unit_of_work
from ui.platform.tables import data_table

ORDERS_PAGE = "pages/lights/orders.py"
CENTRE_PAGE = "pages/lights/centre.py"
HOME_PAGE = "pages/platform/home.py"


def menu_badges(ctx: UserContext) -> dict[str, int]:
    """Counts shown after page titles in the menu (st.navigation titles are plain text)."""
    with unit_of_work() as session:
        waiting, red = menu_counts(session=session, scope=ctx.scope, roles=ctx.roles,
                                   today=china_today())
    return {ORDERS_PAGE: waiting, HOME_PAGE: waiting + red}


def _days_left_text(days: int, state: str) -> str:
    if state == "overdue":
        return t("lights.todo.overdue_by", n=-days) if days < 0 else t("lights.todo.overdue")
    return t("lights.todo.due_today") if days <= 0 else t("lights.todo.days_left", n=days)


def _to_answer(frame: pl.DataFrame) -> None:
    st.markdown(f"**{t('lights.todo.to_answer', n=frame.height)}**")
    for row in frame.filter(pl.col("state") != "pending").iter_rows(named=True):
        text = t("lights.todo.remind", no=row["order_no"], due=f"{row['due_date']:%Y-%m-%d}",
                 left=_days_left_text(row["days_left"], row["state"]))
        (st.error if row["state"] == "overdue" else st.warning)(text, icon=":material/alarm:")
    data_table(dashes(frame.select(
        pl.col("order_no").alias(t("lights.order.no")),
        pl.col("department_name").alias(t("lights.col.department")),
        pl.col("due_date").dt.strftime("%Y-%m-%d").alias(t("lights.order.due")),
        pl.Series(t("lights.todo.col_left"),
                  [_days_left_text(d, s) for d, s in zip(frame["days_left"], frame["state"],
                                                         strict=True)], dtype=pl.String),
    )), hide_index=True, width="stretch")
    st.caption(t("lights.todo.workdays_note"))
    for no in frame["order_no"]:
        st.page_link(ORDERS_PAGE, label=t("lights.todo.open_order", no=no),
                     icon=":material/assignment_late:", query_params={"order": no})


def _to_accept(frame: pl.DataFrame) -> None:
    st.markdown(f"**{t('lights.todo.to_accept', n=frame.height)}**")
    data_table(dashes(frame.select(
        pl.col("order_no").alias(t("lights.order.no")),
        pl.col("department_name").alias(t("lights.col.department")),
        pl.col("answered_by_name").alias(t("lights.todo.col_answered_by")),
        pl.col("answered_at").dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M")
        .alias(t("lights.order.answered_at")),
    )), hide_index=True, width="stretch")
    for no in frame["order_no"]:
        st.page_link(ORDERS_PAGE, label=t("lights.todo.open_order", no=no),
                     icon=":material/fact_check:", query_params={"order": no})


def _new_red(td: Todos) -> None:
    st.markdown(f"**{t('lights.todo.new_red', n=td.new_red.height, since=f'{td.since:%Y-%m-%d}')}**")
    shown = alerts_display(td.new_red)
    data_table(shown.drop(t("lights.col.updated")), hide_index=True, width="stretch")
    st.page_link(CENTRE_PAGE, label=t("lights.todo.open_centre"), icon=":material/e911_emergency:",
                 query_params={"level": "red", "status": ",".join(LIGHT_OPEN),
                               "since": td.since.isoformat()})


def show_todos(ctx: UserContext) -> None:
    with unit_of_work() as session:
        td = todos(session=session, scope=ctx.scope, roles=ctx.roles, today=china_today())
    st.subheader(t("lights.todo.title", n=td.total))
    if td.total == 0:
        st.success(t("lights.todo.none"), icon=":material/task_alt:")
        return
    if td.to_answer.height:
        _to_answer(td.to_answer)
    if td.to_accept.height:
        _to_accept(td.to_accept)
    if td.new_red.height:
        _new_red(td)
