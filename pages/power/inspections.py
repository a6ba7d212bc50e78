"""监督检查 / Inspections of departments and powers, and their rectification."""

from datetime import timedelta

import streamlit as st

from core.clock import china_today
from metrics.power.coverage import inspection_status
from services.platform.export import to_xlsx
from services.platform.org import departments_frame
from services.power import catalog as power_service
from services.power import inspections as insp_service
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table
from ui.power.widgets import inspections_display, place_date_filters

ctx = require_user()
st.title(t("power.ui.insp_title"))
today = china_today()

where = place_date_filters(ctx, key="pif", date_label=t("power.ui.inspected_on"))
open_only = st.toggle(t("power.ui.insp_open_only"), key="pi_open")
with unit_of_work() as session:
    df = insp_service.inspections_frame(
        ctx.scope, session=session, open_only=open_only, region_code=where["region_code"],
        department_id=where["department_id"], since=where["since"], until=where["until"])
df, counts = inspection_status(df, today)
c1, c2, c3 = st.columns(3)
c1.metric(t("power.ui.insp_total"), counts["total"])
c2.metric(t("power.ui.insp_open"), counts["open"])
c3.metric(t("power.ui.insp_overdue"), counts["overdue"])

shown = inspections_display(df)
event = data_table(shown, hide_index=True, width="stretch", on_select="rerun",
                     selection_mode="single-row", key="pi_table")
st.download_button(t("core.export_xlsx"), data=lambda: to_xlsx({t("power.ui.insp_title"): shown}),
                   file_name="inspections.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

rows = event.selection.rows if event and event.selection else []
writer = ctx.has_any("admin", "supervisor", "data_officer")
if rows and writer:
    row = df.row(rows[0], named=True)
    if row["rectified_on"] is None:
        with st.form("pi_rectify"):
            st.markdown(f"**{md_escape(row['department'])}** · {md_escape(row['findings'])}")
            on = st.date_input(t("power.ui.rectified_on"), value=today)
            if st.form_submit_button(t("power.ui.mark_rectified"), type="primary"):
                try:
                    with unit_of_work() as session:
                        insp_service.mark_rectified(session=session, actor=ctx.username,
                                                    scope=ctx.scope, inspection_id=row["id"], on=on)
                except ValueError as exc:
                    st.error(error_text(exc))
                else:
                    st.toast(t("power.ui.saved"))
                    st.rerun()

if ctx.has_any("admin", "supervisor"):
    with st.expander(t("power.ui.insp_new"), icon=":material/add:"):
        with unit_of_work() as session:
            depts = departments_frame(ctx.scope, session=session)
        dnames = dict(zip(depts["id"], depts["name"], strict=True))
        dept = st.selectbox(t("power.ui.department"), depts["id"].to_list(),
                            format_func=lambda d: dnames[d], key="pi_dept")
        powers = None
        if dept:
            with unit_of_work() as session:
                powers = power_service.powers_frame(ctx.scope, session=session, department_id=dept)
        pnames = {} if powers is None else dict(zip(powers["id"], powers["name"], strict=True))
        with st.form("pi_new"):
            pid = st.selectbox(t("power.ui.insp_power"), [None, *pnames],
                               format_func=lambda p: t("power.ui.insp_whole_dept") if p is None
                               else pnames[p])
            inspected = st.date_input(t("power.ui.inspected_on"), value=today)
            findings = st.text_area(t("power.ui.findings"))
            rectify_by = st.date_input(t("power.ui.rectify_by"), value=today + timedelta(days=30))
            inspector = st.text_input(t("power.ui.inspector"))
            if st.form_submit_button(t("core.save"), type="primary"):
                try:
                    data = insp_service.InspectionInput(
                        department_id=dept, power_id=pid, inspected_on=inspected,
                        findings=findings.strip(), rectify_by=rectify_by,
                        inspector=inspector.strip())
                    with unit_of_work() as session:
                        insp_service.record_inspection(session=session, actor=ctx.username,
                                                       scope=ctx.scope, data=data)
                except ValueError as exc:
                    st.error(error_text(exc) if hasattr(exc, "key") else t("power.ui.insp_invalid"))
                else:
                    st.toast(t("power.ui.saved"))
                    st.rerun()
