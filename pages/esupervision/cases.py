"""在办案件监控 / Cases in progress: remaining working days and their light, and any case's
timeline against its flow chart. Leaders, supervisors and data officers, in their scope."""

import streamlit as st

from ui.esupervision.timeline import case_timeline
from ui.esupervision.view import case_data, case_filters, open_cases_table
from ui.lights.export import about_sheet, download
from ui.lights.format import level_label, style_levels
from ui.platform.calendar_notice import warn_unknown_years
from ui.platform.context import require_user
from ui.platform.i18n import t
from ui.platform.tables import data_table, page_of

ctx = require_user("leader", "supervisor", "data_officer")
st.title(t("esupervision.cases.title"))
st.caption(t("esupervision.cases.caption"))
flt = case_filters(ctx, key="sc")
data = case_data(ctx.scope, flt, open_only=True)
warn_unknown_years(data.unknown_years)

table = open_cases_table(data)
light_col = t("esupervision.col.light")
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("esupervision.cases.open"), table.height)
for col, level in zip((c2, c3, c4), ("red", "yellow", "green"), strict=True):
    col.metric(t(f"esupervision.cases.{level}"), table.filter(table[light_col] == level_label(level)).height)

if table.height == 0:
    st.info(t("esupervision.cases.none"))
else:
    shown = page_of(table, key="sc_page")  # most urgent first (open_cases_table's order)
    data_table(style_levels(shown, light_col), hide_index=True, width="stretch", height=420)
    download(t("esupervision.export"), "cases_in_progress.xlsx", lambda: {
        t("core.export.about_sheet"): about_sheet(ctx, dict(flt.labels), rows=table.height),
        t("esupervision.cases.sheet"): table}, key="sc_export")

st.subheader(t("esupervision.timeline.title"))
# the cases of the page shown (the box below finds any other by its number)
choices = (shown if table.height else table)[t("esupervision.col.case_no")].to_list()
wanted = st.query_params.get("case") or ""
left, right = st.columns(2)
picked = left.selectbox(t("esupervision.timeline.pick"), [None, *choices], key="sc_case",
                        placeholder=t("esupervision.timeline.none"),
                        format_func=lambda c: c or t("esupervision.timeline.none"))
typed = right.text_input(t("esupervision.timeline.search"), value=wanted, key="sc_case_no").strip()
case_no = typed or picked
if case_no:
    case_timeline(ctx.scope, case_no, data.today)
