"""The coverage page's figures, charts and tables (pages/power/coverage.py), from the coverage
tables of services.power.coverage. Here, not in the page, so that the page only lays them out
(DESIGN §3)."""

from __future__ import annotations

import plotly.express as px
import polars as pl
from plotly.graph_objects import Figure

from metrics.power.coverage import category_counts, largest_groups
from ui.platform.i18n import t

WORST = 25  # departments in the bar chart, the lowest share first
TREE_DEPARTMENTS = 40


def shares() -> dict[str, str]:
    """The four coverage shares, by column, with their Chinese names."""
    return {"flow_share": t("power.ui.flow_share"), "assessed_share": t("power.ui.assessed_share"),
            "measures_share": t("power.ui.measures_share"),
            "published_share": t("power.ui.published_share")}


def totals(dept: pl.DataFrame) -> dict:
    """The scope's sums over its departments and its shares (None without a denominator)."""
    total = dept.select(pl.col("powers", "valid_flows", "assessed", "hm_points",
                               "hm_with_measures", "published", "overdue").sum()).row(0, named=True)
    powers, points = total["powers"], total["hm_points"]
    return total | {"flow_share": total["valid_flows"] / powers if powers else None,
                    "measures_share": total["hm_with_measures"] / points if points else None,
                    "published_share": total["published"] / powers if powers else None}


def worst_departments(dept: pl.DataFrame, metric: str) -> tuple[Figure, int]:
    """The WORST departments by `metric` as a bar chart, and how many are shown."""
    worst = dept.sort(metric, nulls_last=True).head(WORST)
    fig = px.bar(worst.to_pandas(), x=metric, y="department", orientation="h",
                 labels={metric: shares()[metric], "department": t("power.ui.department")},
                 range_x=[0, 1])
    fig.update_layout(height=max(320, 20 * worst.height + 80), margin=dict(t=10, l=0, r=0, b=0),
                      yaxis={"categoryorder": "total descending"})
    return fig, worst.height


def category_treemap(powers: pl.DataFrame) -> Figure:
    """Powers by department and category, the largest departments only."""
    cats = largest_groups(category_counts(powers, by=["department"]), by="department",
                          value="powers", top=TREE_DEPARTMENTS)
    tree = px.treemap(cats.to_pandas(), path=[px.Constant(t("power.ui.all")), "department", "category"],
                      values="powers")
    tree.update_layout(height=480, margin=dict(t=10, l=0, r=0, b=0))
    return tree


def _display(df: pl.DataFrame, first: list[pl.Expr]) -> pl.DataFrame:
    return df.select(*first, pl.col("powers").alias(t("power.ui.powers")),
                     *(pl.col(k).round(3).alias(v) for k, v in shares().items()),
                     pl.col("inspections").alias(t("power.ui.insp_total")),
                     pl.col("overdue").alias(t("power.ui.insp_overdue")))


def by_department(dept: pl.DataFrame) -> pl.DataFrame:
    return _display(dept, [pl.col("department").alias(t("power.ui.department")),
                           pl.col("region").alias(t("power.ui.region"))])


def by_region(region: pl.DataFrame) -> pl.DataFrame:
    return _display(region, [pl.col("region").alias(t("power.ui.region")),
                             pl.col("region_code").alias(t("power.ui.region_code"))])
