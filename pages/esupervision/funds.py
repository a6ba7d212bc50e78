"""专项资金监控 / Special funds: progress of each fund against its budget and its payments."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from services.platform.export import to_xlsx
from ui.esupervision.view import case_filters, fund_data, funds_table, payments_table
from ui.platform.context import require_user
from ui.platform.i18n import t

ctx = require_user("leader", "supervisor", "data_officer")
st.title(t("esupervision.funds.title"))
st.caption(t("esupervision.funds.caption"))
flt = case_filters(ctx, key="sf", with_power=False)
data = fund_data(ctx.scope, flt)
funds = data.funds

c1, c2, c3, c4 = st.columns(4)
budget, paid = float(funds["budget"].sum()), float(funds["paid"].sum())
c1.metric(t("esupervision.funds.count"), funds.height)
c2.metric(t("esupervision.funds.budget"), f"{budget / 10_000:,.1f}")
c3.metric(t("esupervision.funds.paid"), f"{paid / 10_000:,.1f}")
c4.metric(t("esupervision.funds.progress"), f"{paid * 100 / budget:.1f}%" if budget else "—")

if funds.height == 0:
    st.info(t("esupervision.funds.none"))
    st.stop()
table = funds_table(funds)
st.dataframe(table, hide_index=True, width="stretch", height=360)
lowest = funds.sort("progress").head(20)
fig = go.Figure(go.Bar(x=lowest["progress"].to_list(), y=lowest["name"].to_list(),
                       orientation="h", marker_color="#1a73e8",
                       hovertext=lowest["code"].to_list()))
fig.update_layout(height=60 + 22 * lowest.height, margin={"t": 10, "l": 0, "r": 0, "b": 0},
                  xaxis_title=t("esupervision.col.progress"), yaxis={"autorange": "reversed"})
st.subheader(t("esupervision.funds.lowest"))
st.plotly_chart(fig, width="stretch", key="fund_progress")

st.subheader(t("esupervision.funds.payments"))
codes = funds["code"].to_list()
picked = st.selectbox(t("esupervision.funds.pick"), [None, *codes], key="sf_fund",
                      format_func=lambda c: c or t("esupervision.f.all"))
payments = data.payments if picked is None else data.payments.filter(pl.col("fund_code") == picked)
shown = payments_table(payments)
st.dataframe(shown, hide_index=True, width="stretch", height=360)
st.download_button(t("esupervision.export"), to_xlsx({t("esupervision.funds.sheet"): table,
                                                     t("esupervision.funds.payments"): shown}),
                   file_name="special_funds.xlsx", icon=":material/download:")
