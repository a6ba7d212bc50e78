"""交易主体画像 / One 统一社会信用代码: its bids and wins, contracts, the special-fund payments
it received (S4), the lights that involve it, and its co-bidders as a network."""

import streamlit as st

from models.trading import is_valid_uscc
from services.trading import views
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import t
from ui.platform.tables import data_table
from ui.trading.charts import network_figure
from ui.trading.display import labelled
from ui.trading.filters import url_text_input
from ui.trading.flags import flags_list

ctx = require_user()
st.title(t("trading.party.title"))
uscc = url_text_input(t("trading.party.pick"), "uscc", "tr_uscc").upper()
if not uscc:
    st.stop()
if not is_valid_uscc(uscc):
    st.error(t("trading.party.invalid"))
    st.stop()
with unit_of_work() as session:
    view = views.party(session=session, scope=ctx.scope, uscc=uscc)
if view.party is None:
    st.warning(t("trading.party.missing"))
    st.stop()
p = view.party
st.subheader(md_escape(p["name"]))
st.markdown(md_escape(t("trading.party.facts", name=p["uscc"], rep=p["legal_representative"] or "—",
                        address=p["address"] or "—", tel=p["telephone"] or "—")))
if p["controller_uscc"]:
    st.page_link("pages/trading/party.py", label=t("trading.party.controller", uscc=p["controller_uscc"]),
                 query_params={"uscc": p["controller_uscc"]}, icon=":material/account_tree:")

st.subheader(t("trading.party.flags"))
flags_list(view.alerts)

wins = int(view.bids["won"].sum()) if view.bids.height else 0
st.subheader(t("trading.party.bids", n=view.bids.height, w=wins))
data_table(labelled(view.bids, {"ocid": "ocid", "title": "title", "domain": "domain",
                                  "department_name": "buyer", "amount": "amount",
                                  "received_on": "received_on", "status": "status", "won": "won",
                                  "award_amount": "award_amount"}), hide_index=True, width="stretch")
for ocid in view.bids["ocid"].head(20).to_list():
    st.page_link("pages/trading/process.py", label=ocid, query_params={"ocid": ocid},
                 icon=":material/open_in_new:")

st.subheader(t("trading.party.contracts"))
data_table(labelled(view.contracts, {"ocid": "ocid", "title": "title", "contract_no": "contract_no",
                                       "amount": "amount", "status": "status"}),
             hide_index=True, width="stretch")

st.subheader(t("trading.party.payments"))
if view.payments.height == 0:
    st.caption(t("trading.party.no_payments"))
else:
    data_table(labelled(view.payments, {"fund_name": "fund", "department": "department",
                                          "amount": "amount", "paid_on": "paid_on",
                                          "voucher": "voucher"}), hide_index=True, width="stretch")

st.subheader(t("trading.party.network"))
if view.edges.height == 0:
    st.caption(t("trading.party.no_network"))
else:
    plotly_chart(network_figure(p["name"], view.edges.head(30)), width="stretch", key="tr_net")
    data_table(labelled(view.edges, {"name": "co_bidder", "tenderer_uscc": "uscc",
                                       "processes": "together"}), hide_index=True, width="stretch")
