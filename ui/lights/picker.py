"""The lights centre's table: alerts are picked by clicking their rows (one opens its detail,
several get the batch actions), and the alert just worked on stays in view.

The selection lives in the table widget; its key carries a version that an action bumps, so
after a rerun the row numbers of the old selection never point at other alerts."""

from __future__ import annotations

import polars as pl
import streamlit as st

from services.lights import orders as order_service
from ui.lights.format import style_levels
from ui.platform.context import UserContext
from ui.platform.i18n import t
from ui.platform.tables import data_table

TABLE_KEY = "lc_table"
VERSION_KEY = "lc_table_v"
FOCUS_KEY = "lc_focus"
LAST_PICK_KEY = "lc_last_pick"


def table_key() -> str:
    return f"{TABLE_KEY}_{st.session_state.get(VERSION_KEY, 0)}"


def reset_selection() -> None:
    """After an action: a fresh table (no rows ticked); the focus stays on what was worked on."""
    st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1
    st.session_state[LAST_PICK_KEY] = []


PAGE_SIZE = 500  # rows per page of the centre's table (every page reachable, none dropped)


def page_picker(total: int, flt_key: object) -> tuple[int, int]:
    """The page of the table to read, as (offset, limit), and the "共 N 条" line. The page box
    is keyed by the filter, so a new filter starts on its first page; changing the page drops
    the ticks (their row numbers belong to the old page)."""
    pages = max(1, -(-total // PAGE_SIZE))
    count = t("lights.centre.total_rows", n=f"{total:,}")
    if pages == 1:
        st.caption(count)
        return 0, PAGE_SIZE
    box, line = st.columns([1, 3], vertical_alignment="bottom")
    page = int(box.number_input(t("lights.centre.page", pages=pages), min_value=1,
                                max_value=pages, value=1, step=1,
                                key=f"lc_page_{abs(hash(flt_key))}", on_change=reset_selection))
    first, last = (page - 1) * PAGE_SIZE + 1, min(page * PAGE_SIZE, total)
    line.caption(count + t("lights.centre.page_rows", first=f"{first:,}", last=f"{last:,}"))
    return (page - 1) * PAGE_SIZE, PAGE_SIZE


def alerts_table(table: pl.DataFrame, ids: list[int]) -> list[int]:
    """Draw the table; the ids of the rows the user ticked."""
    event = data_table(style_levels(table, t("lights.col.level")), hide_index=True,
                         width="stretch", on_select="rerun", selection_mode="multi-row",
                         key=table_key())
    rows = event.selection.rows if event is not None and event.selection else []
    return [ids[r] for r in rows if 0 <= r < len(ids)]


def focused(picked: list[int], from_url: int | None) -> list[int]:
    """The alerts the page works on: the rows ticked, as soon as the ticks change; before the
    first tick, the alert named in the URL (a shared link)."""
    if FOCUS_KEY not in st.session_state:
        st.session_state[FOCUS_KEY] = [from_url] if from_url else []
        st.session_state[LAST_PICK_KEY] = []
    if picked != st.session_state.get(LAST_PICK_KEY, []):
        st.session_state[FOCUS_KEY] = list(picked)
        st.session_state[LAST_PICK_KEY] = list(picked)
    return list(st.session_state[FOCUS_KEY])


_BATCH = {  # action -> statuses it applies to (as the service allows)
    "acknowledge": ("open",),
    "dismiss": ("open", "acknowledged", "cleared"),
    "close": ("open", "acknowledged", "cleared"),
}


def batch_actions(ctx: UserContext, alerts: pl.DataFrame) -> None:
    """Acknowledge, dismiss (one reason for all) or close the ticked alerts, each action on
    those whose status allows it, all or nothing."""
    from ui.lights.detail import run_action

    st.subheader(t("lights.batch.title", n=alerts.height))
    eligible = {a: alerts.filter(pl.col("status").is_in(s))["id"].to_list() for a, s in _BATCH.items()}
    tab_ack, tab_dismiss, tab_close = st.tabs(
        [t("lights.act.acknowledge"), t("lights.act.dismiss"), t("lights.act.close")])
    with tab_ack:
        ids = eligible["acknowledge"]
        st.caption(t("lights.batch.applies", n=len(ids), skipped=alerts.height - len(ids)))
        if st.button(t("lights.batch.acknowledge", n=len(ids)), key="batch_ack",
                     disabled=not ids, icon=":material/visibility:"):
            run_action(lambda s: order_service.acknowledge(
                session=s, actor=ctx.username, scope=ctx.scope, alert_ids=ids),
                t("lights.batch.acknowledged", n=len(ids)))
    with tab_dismiss, st.form("batch_dismiss_form"):
        ids = eligible["dismiss"]
        st.caption(t("lights.batch.applies", n=len(ids), skipped=alerts.height - len(ids)))
        reason = st.text_area(t("lights.act.reason"), max_chars=500, key="batch_reason")
        if st.form_submit_button(t("lights.batch.dismiss", n=len(ids)), type="primary",
                                 disabled=not ids):
            run_action(lambda s: order_service.dismiss(
                session=s, actor=ctx.username, scope=ctx.scope, alert_ids=ids, reason=reason),
                t("lights.batch.dismissed", n=len(ids)))
    with tab_close, st.form("batch_close_form"):
        ids = eligible["close"]
        st.caption(t("lights.batch.applies", n=len(ids), skipped=alerts.height - len(ids)))
        note = st.text_input(t("lights.act.note"), max_chars=500, key="batch_note")
        if st.form_submit_button(t("lights.batch.close", n=len(ids)), type="primary",
                                 disabled=not ids):
            run_action(lambda s: order_service.close_alerts(
                session=s, actor=ctx.username, scope=ctx.scope, alert_ids=ids, note=note),
                t("lights.batch.closed", n=len(ids)))
