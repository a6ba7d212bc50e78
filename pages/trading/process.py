"""交易项目详情 / One trading process: its timeline (tender period, bids, award, contract),
its bids, award and contract, and its lights with the facts in words."""

import json

import streamlit as st

from services.trading import ocds_export, views
from services.trading.ocds_export import RegisterFilter
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import t
from ui.platform.tables import data_table
from ui.trading import process_tables as tables
from ui.trading.charts import timeline_figure
from ui.trading.display import domain_label, status_label
from ui.trading.filters import url_text_input
from ui.trading.flags import flags_list

ctx = require_user()
st.title(t("trading.process.title"))
ocid = url_text_input(t("trading.process.pick"), "ocid", "tr_ocid")
if not ocid:
    st.stop()
with unit_of_work() as session:
    view = views.process(session=session, scope=ctx.scope, ocid=ocid)
if view is None:
    st.warning(t("trading.process.missing"))
    st.stop()
p = view.process
st.subheader(md_escape(p["title"]))
st.markdown(" · ".join(md_escape(x) for x in (
    p["ocid"], domain_label(p["domain"]), p["method_details"], p["department_name"],
    p["agency_name"] or "", status_label(p["status"])) if x))
c = st.columns(3)
c[0].metric(t("trading.col.budget"), f"{p['budget']:,}")
c[1].metric(t("trading.col.max_price"), f"{p['max_price']:,}" if p["max_price"] is not None else "—")
c[2].metric(t("trading.col.bidders"), view.frames["tr_bids"]["tenderer_uscc"].n_unique())

st.subheader(t("trading.process.flags"))
flags_list(view.alerts)

st.subheader(t("trading.process.timeline"))
plotly_chart(timeline_figure(view), width="stretch", key="tr_timeline")

st.subheader(t("trading.process.bids"))
bids = tables.bids(view)
data_table(tables.bids_table(bids), hide_index=True, width="stretch")
for uscc, name in tables.tenderers(bids):
    st.page_link("pages/trading/party.py", label=f"{t('trading.process.party_link')}：{name}",
                 query_params={"uscc": uscc}, icon=":material/business:")

st.subheader(t("trading.process.awards"))
data_table(tables.awards_table(view), hide_index=True, width="stretch")
st.subheader(t("trading.process.contracts"))
data_table(tables.contracts_table(view), hide_index=True, width="stretch")
for line in tables.amendment_lines(view):
    st.markdown(md_escape(line))


def _package() -> bytes:
    with unit_of_work() as session:
        pkg = ocds_export.export_package(session=session, scope=ctx.scope,
                                         flt=RegisterFilter(ocids=(ocid,)))
    return json.dumps(pkg, ensure_ascii=False, indent=1).encode("utf-8")


st.download_button(t("trading.process.export_ocds"), data=_package, file_name=f"{ocid}.json",
                   mime="application/json", icon=":material/data_object:")
