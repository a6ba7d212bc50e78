"""组织机构 / Organisation: the region tree with counts, and each region's departments."""

import plotly.express as px
import polars as pl
import streamlit as st

from services.platform.export import to_xlsx
from services.platform.org import departments_frame, regions_frame
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import kind_name, level_name
from ui.platform.i18n import t
from ui.platform.tables import data_table

ctx = require_user()
st.title(t("org.browser_title"))

with unit_of_work() as session:
    regions = regions_frame(ctx.scope, session=session)
if regions.height == 0:
    st.info(t("org.no_regions"))
    st.stop()

depth = {"province": 0, "city": 1, "county": 2}
INDENT = {0: "", 1: "　　", 2: "　　　　"}
tree = regions.with_columns(
    (pl.col("level").replace_strict(depth, return_dtype=pl.Int64)).alias("depth")
)
left, right = st.columns([3, 2])
with left:
    data_table(
        tree.select(
            (pl.col("depth").replace_strict(INDENT) + pl.col("name")).alias(t("org.col_region")),
            pl.col("code").alias(t("org.col_code")),
            pl.col("level").replace_strict({k: level_name(k) for k in depth}).alias(t("org.col_level")),
            pl.col("departments").alias(t("org.col_departments")),
            pl.col("users").alias(t("org.col_users")),
        ),
        hide_index=True, width="stretch", height=420,
    )
with right:
    names = dict(zip(regions["code"], regions["name"], strict=True))
    fig = px.treemap(
        regions.with_columns(
            # the scope's top region is a root: its parent (outside the scope) would show as a bare code
            pl.when(pl.col("parent_code").is_in(regions["code"].implode()))
            .then(pl.col("parent_code")).otherwise(pl.lit("")),
            pl.col("departments").clip(lower_bound=1).alias("size"),
        ).to_pandas(),
        ids="code", names="name", parents="parent_code", values="size",
        hover_data={"departments": True, "users": True, "size": False},
    )
    fig.update_layout(margin=dict(t=10, l=0, r=0, b=0), height=420)
    plotly_chart(fig, width="stretch")

choice = st.selectbox(
    t("org.pick_region"), options=regions["code"].to_list(),
    format_func=lambda code: f"{names[code]}（{code}）",
)
with unit_of_work() as session:
    depts = departments_frame(ctx.scope, region_code=choice, session=session)
st.subheader(t("org.departments_of", region=names[choice]))
kinds = [k for k in depts["kind"].unique().to_list() if k]
shown = depts.select(
    pl.col("code").alias(t("org.col_code")),
    pl.col("name").alias(t("org.col_department")),
    pl.col("kind").replace_strict({k: kind_name(k) for k in kinds}, default=pl.col("kind"))
    .fill_null("—").alias(t("org.col_kind")),
    pl.col("active").alias(t("org.col_active")),
)
data_table(shown, hide_index=True, width="stretch")
st.download_button(
    t("core.export_xlsx"), data=lambda: to_xlsx({t("org.col_department"): shown}),
    file_name=f"departments_{choice}.xlsx", icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
