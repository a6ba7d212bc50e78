"""职权覆盖率 / Coverage dashboard: flow charts, risk assessment, measures, publication and
overdue rectification per department and region."""

from datetime import date

import plotly.express as px
import polars as pl
import streamlit as st

from core.clock import china_today
from metrics.power.coverage import category_counts, largest_groups
from services.platform.export import to_xlsx
from services.platform.scope import Scope
from services.platform.settings import get_settings
from services.power.coverage import coverage_tables
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import share_text
from ui.platform.i18n import t
from ui.platform.tables import data_table

ctx = require_user()
st.title(t("power.ui.coverage_title"))
st.caption(t("power.ui.coverage_help"))


@st.cache_data(ttl=300, max_entries=32, show_spinner=True)
def _tables(url: str, scope: Scope, day: date) -> dict[str, pl.DataFrame]:
    with unit_of_work() as session:
        return coverage_tables(scope, session=session, today=day)


tables = _tables(get_settings().database_url, ctx.scope, china_today())
dept, region, powers = tables["department"], tables["region"], tables["powers"]
if powers.is_empty():
    st.info(t("power.ui.no_powers"))
    st.stop()

SHARES = {"flow_share": t("power.ui.flow_share"), "assessed_share": t("power.ui.assessed_share"),
          "measures_share": t("power.ui.measures_share"),
          "published_share": t("power.ui.published_share")}
total = dept.select(pl.col("powers", "valid_flows", "assessed", "hm_points",
                           "hm_with_measures", "published", "overdue").sum()).row(0, named=True)
cols = st.columns(5)
cols[0].metric(t("power.ui.powers"), total["powers"])
cols[1].metric(SHARES["flow_share"], share_text(total['valid_flows'] / total['powers']))
cols[2].metric(SHARES["measures_share"],
               share_text(total['hm_with_measures'] / total['hm_points'] if total["hm_points"] else None))
cols[3].metric(SHARES["published_share"], share_text(total['published'] / total['powers']))
cols[4].metric(t("power.ui.insp_overdue"), total["overdue"])

metric = st.selectbox(t("power.ui.coverage_metric"), list(SHARES), format_func=SHARES.get)
worst = dept.sort(metric, nulls_last=True).head(25)
fig = px.bar(worst.to_pandas(), x=metric, y="department", orientation="h",
             labels={metric: SHARES[metric], "department": t("power.ui.department")},
             range_x=[0, 1])
fig.update_layout(height=max(320, 20 * worst.height + 80), margin=dict(t=10, l=0, r=0, b=0),
                  yaxis={"categoryorder": "total descending"})
st.caption(t("power.ui.coverage_worst", n=worst.height))
plotly_chart(fig, width="stretch")

cats = largest_groups(category_counts(powers, by=["department"]), by="department",
                      value="powers", top=40)
tree = px.treemap(cats.to_pandas(), path=[px.Constant(t("power.ui.all")), "department", "category"],
                  values="powers")
tree.update_layout(height=480, margin=dict(t=10, l=0, r=0, b=0))
st.subheader(t("power.ui.treemap_title"))
plotly_chart(tree, width="stretch")


def _display(df: pl.DataFrame, first: list[str]) -> pl.DataFrame:
    return df.select(*first, pl.col("powers").alias(t("power.ui.powers")),
                     *(pl.col(k).round(3).alias(v) for k, v in SHARES.items()),
                     pl.col("inspections").alias(t("power.ui.insp_total")),
                     pl.col("overdue").alias(t("power.ui.insp_overdue")))


by_dept = _display(dept, [pl.col("department").alias(t("power.ui.department")),
                          pl.col("region").alias(t("power.ui.region"))])
by_region = _display(region, [pl.col("region").alias(t("power.ui.region")),
                              pl.col("region_code").alias(t("power.ui.region_code"))])
tab1, tab2 = st.tabs([t("power.ui.by_department"), t("power.ui.by_region")])
data_table(by_dept, hide_index=True, width="stretch", where=tab1)
data_table(by_region, hide_index=True, width="stretch", where=tab2)
st.download_button(t("core.export_xlsx"),
                   data=lambda: to_xlsx({t("power.ui.by_department"): by_dept,
                                         t("power.ui.by_region"): by_region}),
                   file_name="power_coverage.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
