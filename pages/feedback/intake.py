"""工单登记 / Register a ticket: operators (hotline, 民心网 desk, letters and visits) register a
complaint; the number and query code are shown once, and a repeat of a recent matter is named
so it can be merged from the detail page."""

import streamlit as st

from services.feedback import read
from services.feedback import tickets as svc
from ui.feedback.intake import complaint_form
from ui.feedback.view import actor_of
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.i18n import error_text, t

ctx = require_user("admin", "data_officer")
st.title(t("feedback.intake.title"))
st.caption(t("feedback.intake.caption"))
with unit_of_work() as s:
    regions = read.regions(session=s, scope=ctx.scope)
choices = dict(zip(regions["code"], regions["name"], strict=True))
data = complaint_form("fbi", public=False, regions=choices)
if data is not None:
    try:
        with unit_of_work() as s:
            ticket, code = svc.create_ticket(session=s, actor=ctx.username, data=data, scope=ctx.scope)
            repeat = svc.view_ticket_by_id(session=s, actor=actor_of(ctx), ticket_id=ticket.repeat_of_id)
    except svc.FeedbackError as exc:
        st.error(error_text(exc))
    else:
        st.success(t("feedback.intake.done", no=ticket.ticket_no, code=code))
        if repeat is not None:
            st.warning(t("feedback.intake.repeat", no=repeat.ticket_no))
        st.page_link("pages/feedback/ticket.py", label=t("feedback.nav.ticket"),
                     query_params={"no": ticket.ticket_no}, icon=":material/open_in_new:")
