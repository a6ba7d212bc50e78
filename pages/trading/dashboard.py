"""交易红旗看板 / Red flags of public resource trading: lights per rule and domain, the
red-process rate per buyer and per agency, Cardinal's fences drawn as box plots."""

import streamlit as st

from services.platform.export import to_xlsx
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.i18n import t
from ui.platform.tables import data_table, percent_column
from ui.trading.charts import fences_figure
from ui.trading.dashboard_tables import agency_rates, buyer_rates, rule_pivot
from ui.trading.display import labelled
from ui.trading.filters import register_filters
from ui.trading.register_cache import dashboard_when_ready

ctx = require_user("admin", "leader", "supervisor", "evaluator")
st.title(t("trading.dashboard.title"))
st.caption(t("trading.dashboard.caption"))
flt = register_filters(ctx)
data = dashboard_when_ready(ctx.scope, flt)
if data is None:  # computed in the background; the page reruns when it is in
    st.stop()

st.subheader(t("trading.dashboard.by_rule"))
by_rule = data["by_rule"]
if by_rule.height == 0:
    st.info(t("trading.dashboard.none"))
else:
    data_table(rule_pivot(by_rule), hide_index=True, width="stretch")

left, right = st.columns(2)
rates = {t(f"trading.col.{c}"): percent_column() for c in ("red_rate", "flag_rate")}
with left:
    st.subheader(t("trading.dashboard.by_buyer"))
    buyers = buyer_rates(data["by_buyer"])
    data_table(buyers, hide_index=True, width="stretch", height=320, column_config=rates)
with right:
    st.subheader(t("trading.dashboard.by_agency"))
    agencies = agency_rates(data["by_agency"])
    data_table(agencies, hide_index=True, width="stretch", height=320, column_config=rates)

st.subheader(t("trading.dashboard.fences"))
fences = data["fences"]
if fences.height:
    plotly_chart(fences_figure(fences), width="stretch", key="tr_fences")
    for m in fences.unique("indicator", maintain_order=True).iter_rows(named=True):
        st.caption(t("trading.dashboard.fence_caption", indicator=m["indicator"], q1=f"{m['q1']:.4f}",
                     q3=f"{m['q3']:.4f}", lower=f"{m['lower_fence']:.4f}",
                     upper=f"{m['upper_fence']:.4f}", n=m["n"]))

st.subheader(t("trading.dashboard.flags_list"))
table = data["flagged"]
flagged = labelled(table, {"ocid": "ocid", "title": "title", "domain": "domain",
                           "department_name": "buyer", "red": "red", "yellow": "yellow",
                           "rules": "rules"})
event = data_table(flagged, hide_index=True, width="stretch", key="tr_flagged",
                     on_select="rerun", selection_mode="single-row")
rows = event.selection.rows if event and event.selection else []
if rows:
    st.page_link("pages/trading/process.py", label=t("trading.register.open"),
                 query_params={"ocid": table["ocid"][rows[0]]}, icon=":material/open_in_new:")
st.download_button(t("trading.export"), file_name="trading_flags.xlsx", icon=":material/download:",
                   data=lambda: to_xlsx({t("trading.dashboard.sheet"): flagged,
                                         t("trading.dashboard.by_buyer"): buyers,
                                         t("trading.dashboard.by_agency"): agencies}))
