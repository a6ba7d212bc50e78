"""我要投诉 / Submit a complaint (no login): the public form; the ticket number and query code
in return. Rate-limited per browser session and client address."""

import streamlit as st

from services.feedback import read
from services.feedback import tickets as svc
from ui.feedback.intake import complaint_form
from ui.feedback.public import allow_submission
from ui.platform.db import unit_of_work
from ui.platform.i18n import error_text, t

st.title(t("feedback.public.submit_title"))
st.caption(t("feedback.public.submit_caption"))
with unit_of_work() as s:
    regions = read.regions(session=s)
choices = dict(zip(regions["code"], regions["name"], strict=True))
data = complaint_form("fbp", public=True, regions=choices)
if data is not None and allow_submission():
    try:
        with unit_of_work() as s:
            ticket, code = svc.create_ticket(session=s, actor="public", data=data, scope=None)
    except svc.FeedbackError as exc:
        st.error(error_text(exc))
    else:
        st.success(t("feedback.public.done", no=ticket.ticket_no, code=code))
        st.info(t("feedback.public.keep"))
        st.page_link("pages/feedback/public_status.py", label=t("feedback.nav.public_status"),
                     query_params={"no": ticket.ticket_no}, icon=":material/search:")
