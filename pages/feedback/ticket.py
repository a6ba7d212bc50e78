"""工单详情 / Ticket detail: the ticket (contact masked except for the handling department),
its deadlines, the timeline of every transition, repeat candidates and the steps of the loop
the user may take now."""

import streamlit as st

from services.feedback import read
from services.feedback import tickets as svc
from services.platform.users import display_names
from ui.feedback.actions import action_form, candidates_table
from ui.feedback.view import (
    action_label,
    actor_of,
    channel_label,
    fields_table,
    names,
    satisfaction_label,
    status_label,
    timeline_table,
    urgency_label,
)
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import local_time
from ui.platform.i18n import t
from ui.platform.tables import data_table

ctx = require_user("admin", "leader", "supervisor", "data_officer")
actor = actor_of(ctx)
st.title(t("feedback.detail.title"))
if done := st.session_state.pop("fbd_done", None):
    st.success(t("feedback.detail.done", action=action_label(done)))
no = st.text_input(t("feedback.detail.pick"), value=st.query_params.get("no", ""), key="fbd_no").strip()
if not no:
    st.stop()
st.query_params["no"] = no
with unit_of_work() as s:
    ticket = svc.view_ticket(session=s, actor=actor, ticket_no=no)
    if ticket is not None:
        timeline = read.timeline(session=s, scope=ctx.scope, ticket_id=ticket.id)
        people = display_names(timeline["actor"].to_list(), session=s)
        kind = read.department_kind(session=s, category_code=ticket.category_code)
if ticket is None:
    st.warning(t("feedback.detail.not_found"))
    st.stop()

cats, regions, depts = names()
a, b, c, d = st.columns(4)
a.metric(t("feedback.col.status"), status_label(ticket.status))
b.metric(t("feedback.col.category"), cats.get(ticket.category_code, ticket.category_code))
c.metric(t("feedback.col.department"), depts.get(ticket.department_id, "—"))
d.metric(t("feedback.col.reply_due"), str(ticket.reply_due or "—"))
fields = {
    t("feedback.col.ticket_no"): ticket.ticket_no,
    t("feedback.col.channel"): channel_label(ticket.channel),
    t("feedback.col.received"): local_time(ticket.received_at),
    t("feedback.col.urgency"): urgency_label(ticket.urgency),
    t("feedback.col.region"): regions.get(ticket.region_code, ticket.region_code),
    t("feedback.col.address"): ticket.address,
    t("feedback.col.contact"): ticket.contact,
    t("feedback.col.reopens"): str(ticket.reopen_count),
    t("feedback.col.returns"): str(ticket.return_count),
    t("feedback.detail.satisfaction"): satisfaction_label(ticket.satisfaction),
}
data_table(fields_table(fields), hide_index=True, width="stretch",
           column_config={"k": st.column_config.TextColumn(""), "v": st.column_config.TextColumn("")})
st.caption(t("feedback.detail.deadlines", sign=ticket.sign_due or "—", reply=ticket.reply_due or "—",
             visit=ticket.visit_due or "—"))
st.text_area(t("feedback.col.content"), ticket.content, disabled=True, key="fbd_content")
if ticket.reply:
    st.text_area(t("feedback.detail.reply"), ticket.reply, disabled=True, key="fbd_reply")

st.subheader(t("feedback.detail.timeline"))
data_table(timeline_table(timeline, people), hide_index=True, width="stretch")

if actor.is_operator and ticket.status in ("received", "dispatched"):
    st.subheader(t("feedback.detail.candidates"))
    cands = candidates_table(actor, ticket)
    if cands.height:
        data_table(cands.drop("id"), hide_index=True, width="stretch")
    else:
        st.caption(t("feedback.detail.no_candidates"))

action_form(actor, ticket, kind)
