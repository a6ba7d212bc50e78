"""诉求工单 / Tickets: every channel's tickets in the user's scope, filtered (filters in the URL
so a link can be shared), paged, with a link to each ticket's detail and an Excel export."""

import math

import streamlit as st

from core.clock import china_today
from metrics.feedback.flow import STATUSES
from models.feedback import CHANNELS
from services.platform.export import to_xlsx
from ui.feedback.view import (
    channel_label,
    names,
    status_label,
    ticket_counts,
    ticket_page,
    ticket_table,
    tickets,
)
from ui.platform.context import require_user
from ui.platform.formatting import no_nulls
from ui.platform.i18n import t
from ui.platform.tables import data_table

PAGE_SIZE = 50

ctx = require_user("admin", "leader", "supervisor", "data_officer")
st.title(t("feedback.tickets.title"))
st.caption(t("feedback.tickets.caption"))
cats, _, _ = names()
q = st.query_params
c1, c2, c3, c4 = st.columns(4)
status = c1.selectbox(t("feedback.tickets.status_filter"), ["", *STATUSES], key="fbl_status",
                      index=([""] + list(STATUSES)).index(q.get("status", "")) if q.get("status", "") in STATUSES else 0,
                      format_func=lambda s: status_label(s) if s else t("feedback.tickets.all"))
category = c2.selectbox(t("feedback.tickets.category_filter"), ["", *cats], key="fbl_cat",
                        index=([""] + list(cats)).index(q.get("category")) if q.get("category") in cats else 0,
                        format_func=lambda c: cats.get(c, t("feedback.tickets.all")))
channel = c3.selectbox(t("feedback.tickets.channel_filter"), ["", *CHANNELS], key="fbl_channel",
                       index=([""] + list(CHANNELS)).index(q.get("channel")) if q.get("channel") in CHANNELS else 0,
                       format_func=lambda c: channel_label(c) if c else t("feedback.tickets.all"))
text = c4.text_input(t("feedback.tickets.search"), value=q.get("q", ""), key="fbl_q").strip()
st.query_params.from_dict({k: v for k, v in {"status": status, "category": category,
                                              "channel": channel, "q": text}.items() if v})

filters = {"status": status, "category": category, "channel": channel, "text": text}
today = china_today()
counts = ticket_counts(ctx.scope, today, **filters)
m1, m2, m3 = st.columns(3)
m1.metric(t("feedback.col.tickets"), counts["total"])
m2.metric(t("feedback.tickets.open"), counts["open"])
m3.metric(t("feedback.tickets.overdue"), counts["overdue"])

if counts["total"] == 0:
    st.info(t("feedback.none"))
    st.stop()
pages = max(1, math.ceil(counts["total"] / PAGE_SIZE))
page = int(st.number_input(t("feedback.tickets.page"), min_value=1, max_value=pages, value=1,
                           step=1, key="fbl_page"))
shown = ticket_page(ctx.scope, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, **filters)
st.caption(t("feedback.tickets.count", n=counts["total"], page=page, pages=pages))
data_table(no_nulls(ticket_table(shown)), hide_index=True, width="stretch", height=460,
             column_config={"link": st.column_config.LinkColumn(t("feedback.nav.ticket"),
                                                                display_text=t("feedback.nav.ticket"))})
st.download_button(t("feedback.export"),
                   data=lambda: to_xlsx({t("feedback.tickets.sheet"):
                                         ticket_table(tickets(ctx.scope, **filters)).drop("link")}),
                   file_name="tickets.xlsx", icon=":material/download:")
