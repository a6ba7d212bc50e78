"""诉求分析 / Feedback analysis: the eight KPIs of the last 12 months with their formulas,
numerators and denominators; the monthly trend, the category mix, a region treemap, the top
unsettled matters, and the KPI table by department or region. Scoped like every read."""

import streamlit as st

from core.clock import china_today
from metrics.feedback.kpis import KPIS
from services.feedback.kpi_sql import kpis_from
from services.platform.export import to_xlsx
from ui.feedback import analysis, charts
from ui.feedback.view import analysis_when_ready, names
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.formatting import no_nulls, share_text
from ui.platform.i18n import t
from ui.platform.tables import data_table

ctx = require_user("admin", "leader", "supervisor", "evaluator", "data_officer")
st.title(t("feedback.dashboard.title"))
st.caption(t("feedback.dashboard.caption"))
today = china_today()
# the KPIs are counted in the database, once, at the finest grouping any table below needs;
# a province's year takes seconds, so in the background (the page reruns when it is in)
ready = analysis_when_ready(ctx.scope, today)
if ready is None:
    st.stop()
parts, mix, top = ready.parts, ready.mix, ready.top
whole = kpis_from(parts, []).row(0, named=True)
if not whole["repeat_den"]:  # no ticket at all in the year, merged ones included
    st.info(t("feedback.none"))
    st.stop()
cats, regions, depts = names()
for row in (KPIS[:4], KPIS[4:]):
    for col, key in zip(st.columns(4), row, strict=True):
        rate = whole[f"{key}_rate"]
        col.metric(t(f"feedback.kpi.{key}"), share_text(rate))
        col.caption(f'{t(f"feedback.kpi_formula.{key}")}　= {whole[f"{key}_num"]} / {whole[f"{key}_den"]}')

left, right = st.columns(2)
with left:
    st.subheader(t("feedback.dashboard.trend"))
    plotly_chart(charts.trend(kpis_from(parts, ["month"])), width="stretch")
with right:
    st.subheader(t("feedback.dashboard.mix"))
    plotly_chart(charts.mix(analysis.named_mix(mix, cats)), width="stretch")

st.subheader(t("feedback.dashboard.treemap"))
plotly_chart(charts.region_treemap(analysis.region_tree(parts, regions)), width="stretch")

st.subheader(t("feedback.dashboard.top"))
data_table(no_nulls(analysis.top_table(top, cats, regions)), hide_index=True, width="stretch",
           column_config={"link": st.column_config.LinkColumn(t("feedback.nav.ticket"),
                                                              display_text=t("feedback.nav.ticket"))})

st.subheader(t("feedback.dashboard.table"))
by = st.radio(t("feedback.dashboard.by"), ["department_id", "region_code"], horizontal=True, key="fbd_by",
              format_func=lambda k: t("feedback.dashboard.by_department") if k == "department_id"
              else t("feedback.dashboard.by_region"))
shown = analysis.kpi_table(parts, by, depts if by == "department_id" else regions)
data_table(no_nulls(shown), hide_index=True, width="stretch", height=380)
st.download_button(t("feedback.export"), data=lambda: to_xlsx({t("feedback.dashboard.table"): shown}),
                   file_name="feedback_kpis.xlsx", icon=":material/download:")
