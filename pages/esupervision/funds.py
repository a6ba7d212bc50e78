"""专项资金监控 / Special funds: progress of each fund against its budget and its payments.
Filters: region, department, budget year, payment period. Money in yuan throughout."""

from decimal import Decimal

import streamlit as st

from ui.esupervision.charts import lowest_funds
from ui.esupervision.view import (
    case_filters,
    fund_data,
    fund_years,
    funds_table,
    money_columns,
    payments_table,
)
from ui.lights.export import about_sheet, download
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.formatting import share_text
from ui.platform.i18n import t
from ui.platform.tables import data_table, page_of

ctx = require_user("leader", "supervisor", "data_officer")
st.title(t("esupervision.funds.title"))
st.caption(t("esupervision.funds.caption"))
flt = case_filters(ctx, key="sf", with_power=False)
years = fund_years(ctx.scope)
year = st.selectbox(t("esupervision.f.fund_year"), [None, *years], key="sf_year",
                    placeholder=t("esupervision.f.all"),
                    format_func=lambda y: t("esupervision.f.all") if y is None else str(y))
data = fund_data(ctx.scope, flt, year)
funds = data.funds

c1, c2, c3, c4 = st.columns(4)
budget = funds["budget"].sum() or Decimal("0")
paid = funds["paid"].sum() or Decimal("0")
c1.metric(t("esupervision.funds.count"), f"{funds.height:,}")
c2.metric(t("esupervision.funds.budget"), f"{budget:,.0f}")  # whole yuan: the table has the fen
c3.metric(t("esupervision.funds.paid"), f"{paid:,.0f}")
c4.metric(t("esupervision.funds.progress"), share_text(paid / budget if budget else None))

if funds.height == 0:
    st.info(t("esupervision.funds.none"))
    st.stop()
table = funds_table(funds)
data_table(page_of(table, key="sf_page"), hide_index=True, width="stretch", height=360,
           column_config=money_columns())
st.subheader(t("esupervision.funds.lowest"))
plotly_chart(lowest_funds(funds), width="stretch", key="fund_progress")

st.subheader(t("esupervision.funds.payments"))
codes = funds["code"].to_list()
wanted = st.query_params.get("fund")  # a link from an alert on this fund
if wanted in codes and "sf_fund" not in st.session_state:
    st.session_state["sf_fund"] = wanted
picked = st.selectbox(t("esupervision.funds.pick"), [None, *codes], key="sf_fund",
                      placeholder=t("esupervision.f.all"),
                      format_func=lambda c: c or t("esupervision.f.all"))
shown = payments_table(data.payments, picked)
data_table(page_of(shown, key=f"sf_pay_page_{picked}"), hide_index=True, width="stretch", height=360,
           column_config=money_columns())
labels = {**dict(flt.labels), t("esupervision.f.fund_year"): str(year or t("esupervision.f.all")),
          t("esupervision.funds.pick"): picked or t("esupervision.f.all")}
download(t("esupervision.export"), "special_funds.xlsx", lambda: {
    t("core.export.about_sheet"): about_sheet(ctx, labels, rows=table.height + shown.height),
    t("esupervision.funds.sheet"): table, t("esupervision.funds.payments"): shown}, key="sf_export")
