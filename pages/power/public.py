"""权力清单公开 / Public power list: published powers only, readable without login. Shows the
public facts and the flow chart; never drafts, versions in progress, risk points or notes."""

import polars as pl
import streamlit as st

from models.power import POWER_CATEGORIES
from services.power import catalog as power_service
from ui.platform.db import unit_of_work
from ui.platform.i18n import t
from ui.power.widgets import flow_chart, pick_power

st.title(t("power.ui.public_title"))
st.caption(t("power.ui.public_help"))

c1, c2 = st.columns([3, 1])
search = c1.text_input(t("power.ui.public_search"), key="pub_search")
category = c2.selectbox(t("power.ui.category"), [None, *POWER_CATEGORIES], key="pub_cat",
                        format_func=lambda c: t("power.ui.all") if c is None else c)
with unit_of_work() as session:
    df = power_service.public_powers_frame(session=session, search=search or None,
                                           category=category, limit=300)
st.caption(t("power.ui.public_count", n=df.height))
if df.is_empty():
    st.info(t("power.ui.public_none"))
    st.stop()

chosen = pick_power(df, key="pub_table", public=True)
if chosen is None:
    st.caption(t("power.ui.public_pick"))
    st.stop()

with unit_of_work() as session:
    power = power_service.get_power(None, chosen, session=session, public=True)  # in force only
if power is None:
    st.stop()
st.subheader(power["name"])
fee = t("power.ui.free") if power["fee_standard"] is None else f"{power['fee_standard']:g}"
facts = pl.DataFrame({
    t("power.ui.field"): [t("power.ui.code"), t("power.ui.category"), t("power.ui.department"),
                          t("power.ui.legal_basis"), t("power.ui.statutory"),
                          t("power.ui.promised"), t("power.ui.fee"), t("power.ui.online")],
    t("power.ui.value"): [power["code"], power["category"], power["department"],
                          power["legal_basis"], str(power["statutory_limit_days"]),
                          str(power["promised_limit_days"]), fee,
                          t("power.ui.yes") if power["online_available"] else t("power.ui.no")],
})
st.dataframe(facts, hide_index=True, width="stretch")
with unit_of_work() as session:
    steps, edges = power_service.flow_frames(power["id"], session=session)
flow_chart(steps, edges, None)  # risk points are internal: never on the public chart
st.info(t("power.ui.complain", department=power["department"]), icon=":material/support_agent:")
