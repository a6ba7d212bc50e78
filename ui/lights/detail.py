"""One alert in detail (rule definition and basis, facts, history, orders) and the
supervisor's actions on it."""

from __future__ import annotations

import time
from datetime import timedelta

import polars as pl
import streamlit as st

from core.clock import china_today
from metrics.lights.registry import RULES
from services.lights import orders as order_service
from services.lights.read import alert_history, orders_frame
from services.platform.org import departments_frame
from ui.lights.format import (
    facts_text,
    history_display,
    level_badge,
    orders_display,
    rule_title,
    status_label,
    subject_label,
    system_label,
)
from ui.lights.picker import reset_selection
from ui.platform.context import UserContext
from ui.platform.db import unit_of_work
from ui.platform.formatting import local_time, md_escape
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table

FLASH_KEY = "lights_flash"
# A run can be cut short by another rerun (the login cookie component answers after a run);
# the confirmation then stays up for a few seconds instead of vanishing with that run.
FLASH_SECONDS = 8.0


def flash(message: str) -> None:
    """Show `message` after the rerun that follows an action."""
    st.session_state[FLASH_KEY] = (message, time.monotonic())
    st.rerun()


def show_flash() -> None:
    entry = st.session_state.get(FLASH_KEY)
    if not entry:
        return
    message, at = entry
    if time.monotonic() - at <= FLASH_SECONDS:
        st.success(message)
    else:
        st.session_state.pop(FLASH_KEY, None)


def alert_detail(ctx: UserContext, alert: dict) -> None:
    rule = RULES.get(alert["rule_id"])
    st.subheader(t("lights.detail.title", id=alert["id"], rule=rule_title(alert["rule_id"])))
    c1, c2, c3, c4 = st.columns(4)
    c1.markdown(f"**{t('lights.col.level')}**  \n{level_badge(alert['level'])}")
    c2.markdown(f"**{t('lights.col.status')}**  \n{status_label(alert['status'])}")
    c3.markdown(f"**{t('lights.col.department')}**  \n{md_escape(alert['department_name'] or '—')}"
                f"（{md_escape(alert['region_name'] or alert['region_code'] or '—')}）")
    c4.markdown(f"**{t('lights.col.detected')}**  \n{local_time(alert['detected_at'])}")
    subject = md_escape(subject_label(alert["subject_type"], alert["subject_id"]))
    st.markdown(f"**{t('lights.detail.system')}**：{system_label(alert['system'])}　"
                f"**{t('lights.detail.subject')}**：{subject}")
    if rule:
        st.markdown(f"**{t('lights.detail.definition')}**：{t(rule.definition_key)}")
        st.markdown(f"**{t('lights.detail.basis')}**：{t(rule.basis_key)}")
    else:
        st.warning(t("lights.detail.rule_unknown", rule=alert["rule_id"]))
    st.markdown(f"**{t('lights.detail.facts')}**：{md_escape(facts_text(alert['rule_id'], alert['facts']))}")
    with st.expander(t("lights.detail.facts_raw")):
        st.code(alert["facts"], language="json")
    if alert["dismiss_reason"]:
        st.markdown(f"**{t('lights.detail.dismiss_reason')}**：{md_escape(alert['dismiss_reason'])}")
    st.markdown(f"**{t('lights.detail.history')}**")
    with unit_of_work() as session:
        history = alert_history(session=session, scope=ctx.scope, alert_id=alert["id"])
        orders = orders_frame(session=session, scope=ctx.scope, alert_id=alert["id"])
    data_table(history_display(history), hide_index=True, width="stretch")
    if orders.height:
        st.markdown(f"**{t('lights.detail.orders')}**")
        data_table(orders_display(orders), hide_index=True, width="stretch")
        for no in orders["order_no"]:
            st.page_link("pages/lights/orders.py", label=t("lights.detail.open_order", no=no),
                         icon=":material/assignment:", query_params={"order": no})


def alert_actions(ctx: UserContext, alert: dict, table: pl.DataFrame) -> None:
    """Acknowledge, dismiss (reason required), issue a 督办 order, close."""
    st.markdown(f"**{t('lights.act.title')}**")
    status, alert_id = alert["status"], alert["id"]
    tab_ack, tab_dismiss, tab_order, tab_close = st.tabs(
        [t("lights.act.acknowledge"), t("lights.act.dismiss"), t("lights.act.order"),
         t("lights.act.close")])
    with tab_ack:
        if st.button(t("lights.act.acknowledge"), key="act_ack", disabled=status != "open",
                     icon=":material/visibility:"):
            run_action(lambda s: order_service.acknowledge(
                session=s, actor=ctx.username, scope=ctx.scope, alert_ids=[alert_id]),
                t("lights.act.acknowledged", id=alert_id))
    with tab_dismiss, st.form("act_dismiss_form"):
        reason = st.text_area(t("lights.act.reason"), max_chars=500, key="act_reason")
        if st.form_submit_button(t("lights.act.dismiss"), type="primary"):
            run_action(lambda s: order_service.dismiss(
                session=s, actor=ctx.username, scope=ctx.scope, alert_ids=[alert_id], reason=reason),
                t("lights.act.dismissed", id=alert_id))
    with tab_order:
        _order_form(ctx, alert, table)
    with tab_close, st.form("act_close_form"):
        note = st.text_input(t("lights.act.note"), max_chars=500, key="act_close_note")
        if st.form_submit_button(t("lights.act.close"), type="primary"):
            run_action(lambda s: order_service.close_alerts(
                session=s, actor=ctx.username, scope=ctx.scope, alert_ids=[alert_id], note=note),
                t("lights.act.closed", id=alert_id))


def run_action(action, success: str) -> None:  # noqa: ANN001
    """Run a lights action `action(session)` in one unit of work; show its error in the user's
    language (nothing written), or flash `success` once it has committed."""
    try:
        with unit_of_work() as session:
            action(session)
    except order_service.LightsError as exc:
        st.error(error_text(exc))
    else:
        reset_selection()
        flash(success)


def _order_form(ctx: UserContext, alert: dict, table: pl.DataFrame) -> None:
    workable = table.filter(pl.col("status").is_in(["open", "acknowledged"]))
    same_region = workable.filter(pl.col("region_code") == alert["region_code"])
    choices = same_region["id"].to_list()
    with unit_of_work() as session:
        depts = departments_frame(ctx.scope, region_code=alert["region_code"], session=session)
    dept_names = dict(zip(depts["id"], depts["name"], strict=True))
    if not dept_names:
        st.info(t("lights.act.no_department"))
        return
    dept_ids = list(dept_names)
    default_dept = alert["department_id"] if alert["department_id"] in dept_names else dept_ids[0]
    with st.form("act_order_form"):
        picked = st.multiselect(t("lights.act.order_alerts"), choices, format_func=lambda i: f"#{i}",
                                default=[alert["id"]] if alert["id"] in choices else [],
                                key="act_order_alerts", placeholder=t("core.choose"))
        dept = st.selectbox(t("lights.act.order_department"), dept_ids, key="act_order_dept",
                            index=dept_ids.index(default_dept), format_func=dept_names.get)
        due = st.date_input(t("lights.act.order_due"), key="act_order_due",
                            value=china_today() + timedelta(days=10), format="YYYY-MM-DD")
        instructions = st.text_area(t("lights.act.order_instructions"), max_chars=2000,
                                    key="act_order_instructions")
        if st.form_submit_button(t("lights.act.order_issue"), type="primary"):
            try:
                with unit_of_work() as session:
                    order = order_service.issue_order(
                        session=session, actor=ctx.username, scope=ctx.scope, alert_ids=picked,
                        department_id=dept, due_date=due, instructions=instructions)
            except order_service.LightsError as exc:
                st.error(error_text(exc))
            else:
                reset_selection()
                flash(t("lights.act.order_issued", no=order.order_no))


def subject_link(ctx: UserContext, alert: dict) -> None:
    """A link to the alert's subject on its system's page (the manifest's `subject_links`),
    when the user may open that page."""
    from systems import MENU_ORDER

    pages = {p.url_path: p for s in MENU_ORDER for p in s.pages}
    for system in MENU_ORDER:
        for subject_type, url_path, query_key in system.subject_links:
            page = pages.get(url_path)
            if subject_type != alert["subject_type"] or page is None:
                continue
            if page.public or ctx.has_any(*page.roles):
                st.page_link(page.path, icon=":material/open_in_new:",
                             query_params={query_key: alert["subject_id"]},
                             label=t("lights.detail.open_subject",
                                     subject=subject_label(alert["subject_type"], alert["subject_id"])))
            return
