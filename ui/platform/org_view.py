"""The organisation page's tables and treemap (pages/platform/org_browser.py): the scoped
regions and departments (services.platform.org) with Chinese headers and names. Here, not in
the page, so that the page only lays them out (DESIGN §3)."""

from __future__ import annotations

import plotly.express as px
import polars as pl
from plotly.graph_objects import Figure

from ui.platform.formatting import kind_name, level_name
from ui.platform.i18n import t

DEPTH = {"province": 0, "city": 1, "county": 2}
INDENT = {0: "", 1: "　　", 2: "　　　　"}  # full-width spaces: the tree's levels in one column


def region_table(regions: pl.DataFrame) -> pl.DataFrame:
    """The region tree as an indented table with its counts."""
    depth = pl.col("level").replace_strict(DEPTH, return_dtype=pl.Int64)
    return regions.select(
        (depth.replace_strict(INDENT) + pl.col("name")).alias(t("org.col_region")),
        pl.col("code").alias(t("org.col_code")),
        pl.col("level").replace_strict({k: level_name(k) for k in DEPTH}).alias(t("org.col_level")),
        pl.col("departments").alias(t("org.col_departments")),
        pl.col("users").alias(t("org.col_users")),
    )


def region_treemap(regions: pl.DataFrame) -> Figure:
    """Regions sized by their departments (at least 1, so an empty region still shows)."""
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
    return fig


def department_table(depts: pl.DataFrame) -> pl.DataFrame:
    """A region's departments with Chinese headers; a department without a kind shows "—"."""
    kinds = [k for k in depts["kind"].unique().to_list() if k]
    return depts.select(
        pl.col("code").alias(t("org.col_code")),
        pl.col("name").alias(t("org.col_department")),
        pl.col("kind").replace_strict({k: kind_name(k) for k in kinds}, default=pl.col("kind"))
        .fill_null("—").alias(t("org.col_kind")),
        pl.col("active").alias(t("org.col_active")),
    )
