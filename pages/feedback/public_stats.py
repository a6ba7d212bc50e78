"""诉求统计公开 / Complaint statistics (no login): published tickets of the last 12 months by
category, city and month — counts, on-time and satisfaction rates; no content, no personal data."""

import plotly.express as px
import streamlit as st

from core.clock import china_today
from ui.feedback.public import stats_table
from ui.feedback.view import names, public_stats_when_ready
from ui.platform.charts import plotly_chart
from ui.platform.i18n import t
from ui.platform.tables import data_table

st.title(t("feedback.public.stats_title"))
st.caption(t("feedback.public.stats_caption"))
stats = public_stats_when_ready(china_today())
if stats is None:
    st.stop()
cats, _, _ = names()

by_month = stats_table(stats["month"], "month", t("feedback.col.month"))
st.subheader(t("feedback.public.by_month"))
plotly_chart(px.bar(by_month.to_pandas(), x=t("feedback.col.month"), y=t("feedback.col.received_count")),
             width="stretch")
left, right = st.columns(2)
with left:
    st.subheader(t("feedback.public.by_category"))
    data_table(stats_table(stats["category_code"], "category_code", t("feedback.col.category"), cats),
               hide_index=True, width="stretch")
with right:
    st.subheader(t("feedback.public.by_region"))
    data_table(stats_table(stats["city"], "city", t("feedback.col.region")), hide_index=True, width="stretch")
