"""职权覆盖率 / Coverage dashboard: flow charts, risk assessment, measures, publication and
overdue rectification per department and region."""

from datetime import date

import polars as pl
import streamlit as st

from core.clock import china_today
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
from ui.power import coverage_view as view

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

shares = view.shares()
total = view.totals(dept)
cols = st.columns(5)
cols[0].metric(t("power.ui.powers"), total["powers"])
cols[1].metric(shares["flow_share"], share_text(total["flow_share"]))
cols[2].metric(shares["measures_share"], share_text(total["measures_share"]))
cols[3].metric(shares["published_share"], share_text(total["published_share"]))
cols[4].metric(t("power.ui.insp_overdue"), total["overdue"])

metric = st.selectbox(t("power.ui.coverage_metric"), list(shares), format_func=shares.get)
fig, shown = view.worst_departments(dept, metric)
st.caption(t("power.ui.coverage_worst", n=shown))
plotly_chart(fig, width="stretch")

st.subheader(t("power.ui.treemap_title"))
plotly_chart(view.category_treemap(powers), width="stretch")

by_dept, by_region = view.by_department(dept), view.by_region(region)
tab1, tab2 = st.tabs([t("power.ui.by_department"), t("power.ui.by_region")])
data_table(by_dept, hide_index=True, width="stretch", where=tab1)
data_table(by_region, hide_index=True, width="stretch", where=tab2)
st.download_button(t("core.export_xlsx"),
                   data=lambda: to_xlsx({t("power.ui.by_department"): by_dept,
                                         t("power.ui.by_region"): by_region}),
                   file_name="power_coverage.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
