"""职权详情 / Power detail: facts, lifecycle, edit form, flow chart and editor, risk points,
versions."""

import streamlit as st

from metrics.power.risk import without_measures
from services.platform.org import departments_frame
from services.power import catalog as power_service
from services.power import lifecycle
from services.power import risk as risk_service
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table
from ui.power.detail_parts import (
    flow_editor,
    lifecycle_buttons,
    risk_form,
    risks_display,
    versions_list,
)
from ui.power.links import select_linked_power
from ui.power.widgets import SELECTED_KEY, can_edit, flow_chart, power_form, status_label

ctx = require_user()
st.title(t("power.ui.detail_title"))
if select_linked_power(ctx) is False:
    st.warning(t("power.err_not_found"))

code = st.text_input(t("power.ui.open_code"), key="pd_code")
if code:
    with unit_of_work() as session:
        found = power_service.powers_frame(ctx.scope, session=session, search=code.strip(), limit=1)
    if found.height:
        st.session_state[SELECTED_KEY] = int(found["id"][0])
    else:
        st.warning(t("power.err_not_found"))

power_id = st.session_state.get(SELECTED_KEY)
with unit_of_work() as session:
    power = power_service.get_power(ctx.scope, power_id, session=session) if power_id else None
if power is None:
    st.info(t("power.ui.pick_first"))
    st.page_link("pages/power/catalog.py", label=t("power.ui.catalog_title"),
                 icon=":material/list:")
    st.stop()

st.subheader(f"{power['name']}")
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("power.ui.code"), power["code"])
c2.metric(t("power.ui.version"), power["version"])
c3.metric(t("power.ui.status"), status_label(power["status"]))
c4.metric(t("power.ui.promised"), t("power.ui.days", n=power["promised_limit_days"]))

editable = can_edit(ctx) and power["is_current"] and power["status"] != "abolished"
with unit_of_work() as session:
    steps, edges = power_service.flow_frames(power["id"], session=session)
    risks = risk_service.risks_frame(ctx.scope, session=session, power_id=power["id"])

tab_info, tab_flow, tab_risk, tab_versions = st.tabs([
    t("power.ui.tab_info"), t("power.ui.tab_flow"), t("power.ui.tab_risk"),
    t("power.ui.tab_versions")])

with tab_info:
    st.markdown(f"**{t('power.ui.category')}**：{md_escape(power['category'])}　　"
                f"**{t('power.ui.department')}**：{md_escape(power['department'])}")
    st.markdown(f"**{t('power.ui.legal_basis')}**：{md_escape(power['legal_basis'] or '-')}")
    fee = t("power.ui.free") if power["fee_standard"] is None else power["fee_standard"]
    st.markdown(f"**{t('power.ui.statutory')}**：{power['statutory_limit_days']}　　"
                f"**{t('power.ui.fee')}**：{fee}　　"
                f"**{t('power.ui.online')}**：{t('power.ui.yes') if power['online_available'] else t('power.ui.no')}")
    if power.get("internal_note"):
        st.caption(f"{t('power.ui.internal_note')}：{power['internal_note']}")
    if can_edit(ctx):
        lifecycle_buttons(ctx, power)
    if editable:
        with st.expander(t("power.ui.edit"), icon=":material/edit:"):
            if power["status"] == "published":
                st.info(t("power.ui.edit_published_note"))
            with unit_of_work() as session:
                depts = departments_frame(ctx.scope, session=session)
            data = power_form("pd_edit", depts, initial=power)
            if data is not None:
                try:
                    with unit_of_work() as session:
                        new_id = lifecycle.update_power(session=session, actor=ctx.username,
                                                        scope=ctx.scope, power_id=power["id"],
                                                        data=data)
                except ValueError as exc:
                    st.error(error_text(exc))
                else:
                    st.session_state[SELECTED_KEY] = new_id
                    st.toast(t("power.ui.saved"))
                    st.rerun()

with tab_flow:
    flow_chart(steps, edges, risks.select("step_seq", "level"))
    st.caption(t("power.ui.legend"))
    if editable:
        if power["status"] == "published":
            st.info(t("power.ui.edit_published_note"))
        flow_editor(ctx, power, steps, edges)
    else:
        data_table(steps, hide_index=True, width="stretch")

with tab_risk:
    if risks.is_empty():
        st.info(t("power.ui.no_risks"))
    else:
        data_table(risks_display(risks), hide_index=True, width="stretch")
    missing = without_measures(risks, ("高", "中"))
    if missing.height:
        st.warning(t("power.ui.risks_missing_measures", n=missing.height))
    if can_edit(ctx) and power["status"] != "abolished":
        risk_form(ctx, power, steps, risks)

with tab_versions:
    versions_list(ctx, power)
