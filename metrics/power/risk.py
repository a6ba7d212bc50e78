"""Risk-point levels (廉政风险等级): the count of five criteria, graded by thresholds. Pure."""

from __future__ import annotations

import polars as pl

CRITERIA: tuple[str, ...] = (
    "controls_resources", "discretion", "collective_decision", "indirect_leverage",
    "high_incidence",
)
DEFAULT_HIGH_MIN = 3
DEFAULT_MEDIUM_MIN = 2


def check_thresholds(high_min: int, medium_min: int) -> None:
    if not (1 <= medium_min < high_min <= len(CRITERIA)):
        raise ValueError("need 1 <= medium_min < high_min <= 5")


def risk_level(count: int, *, high_min: int = DEFAULT_HIGH_MIN,
               medium_min: int = DEFAULT_MEDIUM_MIN) -> str:
    """高 from `high_min` criteria, 中 from `medium_min`, else 低 (also for none met)."""
    if count >= high_min:
        return "高"
    if count >= medium_min:
        return "中"
    return "低"


def criteria_count_expr() -> pl.Expr:
    return pl.sum_horizontal(pl.col(c).fill_null(False).cast(pl.Int64) for c in CRITERIA)


def risk_level_expr(*, high_min: int = DEFAULT_HIGH_MIN,
                    medium_min: int = DEFAULT_MEDIUM_MIN) -> pl.Expr:
    """The level of every row of a frame holding the five criteria columns."""
    n = criteria_count_expr()
    return (pl.when(n >= high_min).then(pl.lit("高"))
            .when(n >= medium_min).then(pl.lit("中"))
            .otherwise(pl.lit("低")).alias("level"))


def without_measures(risks: pl.DataFrame, levels: tuple[str, ...] | None = None) -> pl.DataFrame:
    """Risk points with no prevention measures (of `levels` only, when given)."""
    missing = pl.col("measures").is_null()
    return risks.filter(missing if levels is None else missing & pl.col("level").is_in(levels))
