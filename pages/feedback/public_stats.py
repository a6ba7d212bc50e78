"""诉求统计公开 / Complaint statistics (no login): published tickets of the last 12 months by
category, city and month — counts, on-time and satisfaction rates; no content, no personal data."""

import plotly.express as px
import polars as pl
import streamlit as st

from core.clock import china_today
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


def _table(frame: pl.DataFrame, key: str, label: str) -> pl.DataFrame:
    return frame.select(pl.col(key).alias(label),
                        pl.col("received").alias(t("feedback.col.received_count")),
                        (pl.col("on_time_rate") * 100).round(1).alias(t("feedback.col.on_time_rate") + " %"),
                        (pl.col("satisfaction_rate") * 100).round(1).alias(t("feedback.col.satisfaction_rate") + " %"))


by_month = _table(stats["month"], "month", t("feedback.col.month"))
st.subheader(t("feedback.public.by_month"))
plotly_chart(px.bar(by_month.to_pandas(), x=t("feedback.col.month"), y=t("feedback.col.received_count")),
                width="stretch")
left, right = st.columns(2)
with left:
    st.subheader(t("feedback.public.by_category"))
    cat_frame = stats["category_code"].with_columns(pl.col("category_code").replace_strict(cats, default=pl.col("category_code")))
    data_table(_table(cat_frame, "category_code", t("feedback.col.category")), hide_index=True, width="stretch")
with right:
    st.subheader(t("feedback.public.by_region"))
    data_table(_table(stats["city"], "city", t("feedback.col.region")), hide_index=True, width="stretch")
