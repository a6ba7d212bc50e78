"""考评排名 / Ranking board: the period's department scores in scope, grade distribution, top
and bottom departments, region comparison and the trend across periods; each row opens the
department's score card."""

import plotly.graph_objects as go
import streamlit as st

from services.performance.read import grade_distribution, region_comparison
from services.platform.export import to_xlsx
from ui.performance.view import (
    _url,
    board,
    display_board,
    display_regions,
    grade_label,
    period_picker,
    trend,
)
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.i18n import t
from ui.platform.tables import data_table

ctx = require_user("admin", "leader", "evaluator", "supervisor")
st.title(t("performance.ranking.title"))
period = period_picker("pr_period")
if period is None:
    st.stop()
scores = board(ctx.scope, period)
if scores.height == 0:
    st.info(t("performance.ranking.empty"))
    st.stop()

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("performance.ranking.departments"), scores.height)
c2.metric(t("performance.ranking.average"), f"{scores['total'].mean():.2f}")
c3.metric(t("performance.ranking.excellent"), int((scores["grade"] == "excellent").sum()))
c4.metric(t("performance.ranking.vetoed"), int(scores["vetoed"].sum()))

table = display_board(scores, period["code"])
link = t("performance.col.card")
tab_rank, tab_grades, tab_regions, tab_trend = st.tabs(
    [t("performance.ranking.tab_rank"), t("performance.ranking.tab_grades"),
     t("performance.ranking.tab_regions"), t("performance.ranking.tab_trend")])
with tab_rank:
    data_table(table, hide_index=True, width="stretch",
                 column_config={link: st.column_config.LinkColumn(link, display_text=t("performance.ranking.open"))})
    top, bottom = st.columns(2)
    top.subheader(t("performance.ranking.top"))
    data_table(table.head(10).drop(link), hide_index=True, width="stretch", where=top)
    bottom.subheader(t("performance.ranking.bottom"))
    data_table(table.tail(10).reverse().drop(link), hide_index=True, width="stretch", where=bottom)
    for row in scores.tail(5).reverse().iter_rows(named=True):  # the cards with most points lost
        bottom.page_link("pages/performance/card.py", icon=":material/scoreboard:",
                         label=t("performance.ranking.card_link", name=row["department"], total=f"{row['total']:.2f}"),
                         query_params={"period": period["code"], "dept": str(row["department_id"])})
with tab_grades:
    dist = grade_distribution(scores)
    fig = go.Figure(go.Bar(x=[grade_label(g) for g in dist["grade"]], y=dist["departments"].to_list(),
                           marker_color=["#188038", "#1a73e8", "#f9ab00", "#d93025"]))
    fig.update_layout(height=320, margin={"t": 10, "l": 0, "r": 0, "b": 0},
                      yaxis_title=t("performance.ranking.departments"))
    plotly_chart(fig, width="stretch", key="perf_grades")
with tab_regions:
    regions = region_comparison(scores)
    fig = go.Figure(go.Bar(x=regions["region"].to_list(), y=regions["average"].to_list()))
    fig.update_layout(height=340, margin={"t": 10, "l": 0, "r": 0, "b": 0},
                      yaxis_title=t("performance.ranking.average"))
    plotly_chart(fig, width="stretch", key="perf_regions")
    data_table(display_regions(regions), hide_index=True, width="stretch")
with tab_trend:
    tr = trend(_url(), ctx.scope, st.session_state.get("perf_stamp", 0.0))
    fig = go.Figure(go.Scatter(x=tr["period"].to_list(), y=tr["average"].to_list(), mode="lines+markers"))
    fig.update_layout(height=320, margin={"t": 10, "l": 0, "r": 0, "b": 0},
                      yaxis_title=t("performance.ranking.average"))
    plotly_chart(fig, width="stretch", key="perf_trend")

st.download_button(t("performance.export"), data=lambda: to_xlsx({
    t("performance.ranking.tab_rank"): table.drop(link),
    t("performance.ranking.tab_regions"): region_comparison(scores).drop("region_code", "region_level"),
    t("performance.ranking.tab_grades"): grade_distribution(scores)}),
    file_name=f"scores_{period['code']}.xlsx", icon=":material/download:")
