"""办理进度查询 / Check progress (no login): by ticket number and query code, the status, the
public steps of the timeline and the reply; nothing else of the ticket."""

import streamlit as st

from services.feedback import public
from ui.feedback.public import public_timeline
from ui.feedback.view import satisfaction_label, status_label
from ui.platform.db import unit_of_work
from ui.platform.formatting import local_time
from ui.platform.i18n import t

st.title(t("feedback.public.status_title"))
st.caption(t("feedback.public.status_caption"))
with st.form("fbs"):
    no = st.text_input(t("feedback.col.ticket_no"), value=st.query_params.get("no", ""), key="fbs_no")
    code = st.text_input(t("feedback.public.code"), key="fbs_code", type="password")
    asked = st.form_submit_button(t("feedback.public.query"), type="primary")
if asked:
    with unit_of_work() as s:
        view = public.lookup(session=s, ticket_no=no, code=code)
    if view is None:
        st.error(t("feedback.public.no_match"))
        st.stop()
    a, b, c = st.columns(3)
    a.metric(t("feedback.col.status"), status_label(view["status"]))
    b.metric(t("feedback.col.category"), view["category"])
    c.metric(t("feedback.col.reply_due"), str(view["reply_due"] or "—"))
    st.caption(f'{t("feedback.col.ticket_no")}：{view["ticket_no"]}　{t("feedback.col.received")}：'
               f'{local_time(view["received_at"])}　{t("feedback.col.region")}：{view["region"]}')
    if view["reply"]:
        st.text_area(t("feedback.public.reply"), view["reply"], disabled=True, key="fbs_reply")
    if view["satisfaction"]:
        st.caption(f'{t("feedback.detail.satisfaction")}：{satisfaction_label(view["satisfaction"])}')
    st.table(public_timeline(view).to_pandas().set_index(t("feedback.col.at")))  # plain text cells
