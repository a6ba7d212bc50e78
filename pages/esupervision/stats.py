"""办理效能分析 / Approval performance: on-time rate by department and by power, elapsed
working days per power, weekly volumes. Filters by region, department, power, period."""

import plotly.graph_objects as go
import streamlit as st

from ui.esupervision.charts import elapsed_box
from ui.esupervision.view import case_filters, percent_text, rate_table, stats_when_ready
from ui.lights.export import about_sheet, download
from ui.platform.calendar_notice import warn_unknown_years
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.i18n import t
from ui.platform.tables import data_table

ctx = require_user("leader", "supervisor", "data_officer")
st.title(t("esupervision.stats.title"))
flt = case_filters(ctx, key="ss")
stats = stats_when_ready(ctx.scope, flt)
if stats is None:  # counted in the background; the page reruns when it is in
    st.stop()
warn_unknown_years(stats.unknown_years)
overall = stats.overall
c1, c2, c3 = st.columns(3)
c1.metric(t("esupervision.stats.received"), stats.received)
c2.metric(t("esupervision.stats.concluded"), int(overall["concluded"].sum()))
c3.metric(t("esupervision.stats.on_time_rate"),
          percent_text(overall["on_time_rate"][0] if overall.height else None))

by_dept = rate_table(stats.by_department, "department", "esupervision.col.department")
by_power = rate_table(stats.by_power, "power_name", "esupervision.col.power")
tab_dept, tab_power, tab_elapsed, tab_weekly = st.tabs(
    [t("esupervision.stats.by_department"), t("esupervision.stats.by_power"),
     t("esupervision.stats.elapsed"), t("esupervision.stats.weekly")])
with tab_dept:
    data_table(by_dept, hide_index=True, width="stretch")
with tab_power:
    data_table(by_power, hide_index=True, width="stretch")
with tab_elapsed:
    summary = stats.elapsed
    fig = elapsed_box(summary)
    plotly_chart(fig, width="stretch", key="elapsed_box")
    st.caption(t("esupervision.stats.elapsed_caption"))
    data_table(summary.rename({"power_name": t("esupervision.col.power"),
                                 "cases": t("esupervision.col.concluded"),
                                 "limit_days": t("esupervision.col.limit_days")}),
                 hide_index=True, width="stretch")
with tab_weekly:
    weekly = stats.weekly
    fig = go.Figure()
    for col in ("online", "window", "concluded"):
        fig.add_trace(go.Scatter(x=weekly["week"].to_list(), y=weekly[col].to_list(), mode="lines",
                                 name=t(f"esupervision.stats.{col}")))
    fig.update_layout(height=360, margin={"t": 10, "l": 0, "r": 0, "b": 0},
                      legend={"orientation": "h"})
    plotly_chart(fig, width="stretch", key="weekly")

download(t("esupervision.export"), "approval_performance.xlsx", lambda: {
    t("core.export.about_sheet"): about_sheet(ctx, dict(flt.labels), rows=stats.received),
    t("esupervision.stats.by_department"): by_dept, t("esupervision.stats.by_power"): by_power,
    t("esupervision.stats.weekly"): stats.weekly}, key="ss_export")
