"""组织机构 / Organisation: the region tree with counts, and each region's departments."""

import streamlit as st

from services.platform.export import to_xlsx
from services.platform.org import departments_frame, regions_frame
from ui.platform import org_view
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.i18n import t
from ui.platform.tables import data_table

ctx = require_user()
st.title(t("org.browser_title"))

with unit_of_work() as session:
    regions = regions_frame(ctx.scope, session=session)
if regions.height == 0:
    st.info(t("org.no_regions"))
    st.stop()

left, right = st.columns([3, 2])
with left:
    data_table(org_view.region_table(regions), hide_index=True, width="stretch", height=420)
with right:
    plotly_chart(org_view.region_treemap(regions), width="stretch")

names = dict(zip(regions["code"], regions["name"], strict=True))
choice = st.selectbox(
    t("org.pick_region"), options=regions["code"].to_list(),
    format_func=lambda code: f"{names[code]}（{code}）",
)
with unit_of_work() as session:
    depts = departments_frame(ctx.scope, region_code=choice, session=session)
st.subheader(t("org.departments_of", region=names[choice]))
shown = org_view.department_table(depts)
data_table(shown, hide_index=True, width="stretch")
st.download_button(
    t("core.export_xlsx"), data=lambda: to_xlsx({t("org.col_department"): shown}),
    file_name=f"departments_{choice}.xlsx", icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
