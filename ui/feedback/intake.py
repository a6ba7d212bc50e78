"""The complaint form shared by the operators' intake page and the public one: plain text
inputs only (nothing the citizen types is ever rendered as HTML or Markdown)."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from models.feedback import CHANNELS, URGENCIES, TicketCreate
from ui.feedback.view import channel_label, names, urgency_label
from ui.platform.forms import validation_message
from ui.platform.i18n import t


def complaint_form(key: str, *, public: bool, regions: dict[str, str]) -> TicketCreate | None:
    """The form; the validated submission when it was sent, else None (errors shown)."""
    cats, _, _ = names()
    with st.form(key, clear_on_submit=False):
        if public:
            channel, urgency = "minxin", "normal"
        else:
            c1, c2 = st.columns(2)
            channel = c1.selectbox(t("feedback.col.channel"), [c for c in CHANNELS if c != "open311"],
                                   format_func=channel_label, key=f"{key}_channel")
            urgency = c2.selectbox(t("feedback.col.urgency"), URGENCIES, format_func=urgency_label,
                                   key=f"{key}_urgency")
        c3, c4 = st.columns(2)
        category = c3.selectbox(t("feedback.col.category"), list(cats), format_func=cats.get,
                                key=f"{key}_category")
        region = c4.selectbox(t("feedback.col.region"), list(regions), format_func=regions.get,
                              key=f"{key}_region")
        address = st.text_input(t("feedback.col.address"), max_chars=200, key=f"{key}_address")
        content = st.text_area(t("feedback.col.content"), max_chars=4000, key=f"{key}_content")
        contact = st.text_input(t("feedback.public.contact") if public else t("feedback.col.contact"),
                                max_chars=32, key=f"{key}_contact")
        published = st.checkbox(t("feedback.public.publish"), value=True, key=f"{key}_publish")
        sent = st.form_submit_button(t("feedback.public.submit") if public else t("feedback.intake.submit"),
                                     type="primary")
    if not sent:
        return None
    if len(content.strip()) < 5:
        st.error(t("feedback.err.content_short"))
        return None
    try:
        return TicketCreate(channel=channel, category_code=category, region_code=region,
                            address=address, content=content, contact=contact, urgency=urgency,
                            published=published)
    except ValidationError as exc:
        st.error(validation_message(exc))
        return None
