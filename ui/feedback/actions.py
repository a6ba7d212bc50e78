"""The detail page's action form: the steps of the loop the user may take now, with the inputs
each needs (department, note, days, outcome, evaluation, master ticket)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from models.feedback import SATISFACTION, TicketPublic
from services.feedback import read
from services.feedback import tickets as svc
from services.feedback.repeats import merge_candidates
from services.feedback.tickets import Actor, FeedbackError
from ui.feedback.view import action_label, fb_error_text, satisfaction_label
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import t

NEEDS_DEPT = ("dispatch", "reassign")


def _dept_choices(actor: Actor, ticket: TicketPublic, kind: str) -> dict[int, str]:
    with unit_of_work() as s:
        depts = read.departments(session=s, scope=actor.scope)
    # the catalog's kind in the ticket's region first, then the same kind elsewhere, then the rest
    ranked = depts.with_columns(
        ((pl.col("kind") == kind).cast(pl.Int8) * 2 + (pl.col("region_code") == ticket.region_code).cast(pl.Int8))
        .alias("_rank")).sort(["_rank", "id"], descending=[True, False])
    return dict(zip(ranked["id"], ranked["name"], strict=True))


def candidates_table(actor: Actor, ticket: TicketPublic) -> pl.DataFrame:
    with unit_of_work() as s:
        found = merge_candidates(session=s, scope=actor.scope, ticket_id=ticket.id)
    return found.select(
        pl.col("id"), pl.col("ticket_no").alias(t("feedback.col.ticket_no")),
        pl.col("same_contact").alias(t("feedback.detail.same_contact")),
        pl.col("same_address").alias(t("feedback.detail.same_address")),
        pl.col("similarity").round(1).alias(t("feedback.col.similarity")))


def action_form(actor: Actor, ticket: TicketPublic, kind: str) -> None:
    allowed = svc.actions_for(actor, ticket)
    if not allowed:
        st.caption(t("feedback.detail.no_actions"))
        return
    action = st.radio(t("feedback.detail.actions"), allowed, format_func=action_label,
                      horizontal=True, key="fbd_action")
    kw: dict = {}
    with st.form("fbd_form", clear_on_submit=True):
        if action in NEEDS_DEPT:
            choices = _dept_choices(actor, ticket, kind)
            st.caption(t("feedback.detail.suggested", kind=md_escape(kind)))
            kw["department_id"] = st.selectbox(t("feedback.detail.department"), list(choices),
                                               format_func=choices.get, key="fbd_dept")
        if action == "merge":
            cands = candidates_table(actor, ticket)
            options = cands["id"].to_list()
            labels = dict(zip(options, cands[t("feedback.col.ticket_no")], strict=True))
            kw["master_id"] = st.selectbox(t("feedback.detail.master"), options, format_func=labels.get,
                                           key="fbd_master")
        if action == "request_extension":
            kw["days"] = int(st.number_input(t("feedback.detail.days"), 1, svc.MAX_EXTENSION_DAYS, 5,
                                             key="fbd_days"))
        if action == "visit":
            kw["resolved"] = st.toggle(t("feedback.detail.resolved"), value=True, key="fbd_resolved")
        if action == "evaluate":
            kw["satisfaction"] = st.radio(t("feedback.detail.satisfaction"), SATISFACTION,
                                          format_func=satisfaction_label, horizontal=True, key="fbd_sat")
        note = st.text_area(t("feedback.detail.note"), key="fbd_note", max_chars=4000)
        go = st.form_submit_button(action_label(action), type="primary")
    if go:
        try:
            with unit_of_work() as s:
                svc.act(session=s, actor=actor, ticket_id=ticket.id, action=action, note=note, **kw)
        except FeedbackError as exc:
            st.error(fb_error_text(exc))
            return
        st.session_state["fbd_done"] = action
        st.rerun()
