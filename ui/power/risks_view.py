"""The risk register's table (pages/power/risks.py): each risk point with its power and
department, Chinese headers. Here, not in the page, so that the page only lays it out
(DESIGN §3)."""

from __future__ import annotations

import polars as pl

from ui.platform.i18n import t
from ui.power.detail_parts import risks_display


def register_table(risks: pl.DataFrame) -> pl.DataFrame:
    """The risk points as the detail page shows them, led by the power's and department's
    names; row i is row i of `risks` (the page opens a picked row from `risks`)."""
    return pl.concat([risks.select(pl.col("power").alias(t("power.ui.name")),
                                   pl.col("department").alias(t("power.ui.department"))),
                      risks_display(risks)], how="horizontal")
