"""S1 coverage metrics per department or region. Pure: frames in, frames out.

Inputs
  powers:      power_id, department_id, department, region_code, category, status, published
               (current versions that are not abolished; `published` = the code has a
               version in force)
  validity:    power_id, flow_valid (metrics.flowchart.flow_validity)
  risks:       power_id, level, has_measures (risk points of those versions)
  inspections: department_id, region_code, rectify_by, rectified_on

Shares are fractions 0–1 (null when the denominator is 0):
  flow_share       powers with a valid flow chart / powers
  assessed_share   powers with at least one risk point / powers
  measures_share   高/中 risk points with measures / 高/中 risk points
  published_share  published powers / powers
  overdue          inspections past their rectify-by date and not rectified (count)
"""

from __future__ import annotations

from datetime import date

import polars as pl


def _share(num: str, den: str) -> pl.Expr:
    return (pl.when(pl.col(den) > 0)
            .then(pl.col(num).cast(pl.Float64) / pl.col(den).cast(pl.Float64))
            .otherwise(pl.lit(None, pl.Float64)))


def power_facts(powers: pl.DataFrame, validity: pl.DataFrame,
                risks: pl.DataFrame) -> pl.DataFrame:
    """One row per power with flow_valid, assessed, hm_points, hm_with_measures."""
    per_power = risks.group_by("power_id").agg(
        pl.len().alias("risk_points"),
        pl.col("level").is_in(["高", "中"]).sum().alias("hm_points"),
        (pl.col("level").is_in(["高", "中"]) & pl.col("has_measures")).sum()
        .alias("hm_with_measures"))
    return (powers.join(validity.select("power_id", "flow_valid"), on="power_id", how="left")
            .join(per_power, on="power_id", how="left")
            .with_columns(pl.col("flow_valid").fill_null(False),
                          (pl.col("risk_points").fill_null(0) > 0).alias("assessed"),
                          pl.col("hm_points").fill_null(0).cast(pl.Int64),
                          pl.col("hm_with_measures").fill_null(0).cast(pl.Int64)))


def rectification_overdue(today: date) -> pl.Expr:
    """An inspection whose rectification deadline has passed without rectification."""
    return (pl.col("rectified_on").is_null() & pl.col("rectify_by").is_not_null()
            & (pl.col("rectify_by") < pl.lit(today, dtype=pl.Date)))


def coverage(powers: pl.DataFrame, validity: pl.DataFrame, risks: pl.DataFrame,
             inspections: pl.DataFrame, *, by: list[str], today: date) -> pl.DataFrame:
    """Coverage per group (`by` = ["department_id", "department"] or ["region_code"])."""
    facts = power_facts(powers, validity, risks)
    grouped = facts.group_by(by).agg(
        pl.len().cast(pl.Int64).alias("powers"),
        pl.col("flow_valid").sum().cast(pl.Int64).alias("valid_flows"),
        pl.col("assessed").sum().cast(pl.Int64).alias("assessed"),
        pl.col("hm_points").sum().cast(pl.Int64).alias("hm_points"),
        pl.col("hm_with_measures").sum().cast(pl.Int64).alias("hm_with_measures"),
        pl.col("published").sum().cast(pl.Int64).alias("published"))
    insp_keys = [c for c in by if c in inspections.columns]
    overdue = (inspections
               .with_columns(rectification_overdue(today).alias("is_overdue"))
               .group_by(insp_keys).agg(pl.len().cast(pl.Int64).alias("inspections"),
                                        pl.col("is_overdue").sum().cast(pl.Int64)
                                        .alias("overdue")))
    out = grouped.join(overdue, on=insp_keys, how="left").with_columns(
        pl.col("inspections").fill_null(0), pl.col("overdue").fill_null(0))
    return out.with_columns(
        _share("valid_flows", "powers").alias("flow_share"),
        _share("assessed", "powers").alias("assessed_share"),
        _share("hm_with_measures", "hm_points").alias("measures_share"),
        _share("published", "powers").alias("published_share"),
    ).sort(by)


def category_counts(powers: pl.DataFrame, *, by: list[str]) -> pl.DataFrame:
    """Number of powers per group and category (for the treemap)."""
    return (powers.group_by([*by, "category"]).agg(pl.len().cast(pl.Int64).alias("powers"))
            .sort([*by, "category"]))


def largest_groups(counts: pl.DataFrame, *, by: str, value: str, top: int) -> pl.DataFrame:
    """Rows of the `top` groups with the largest total `value` (keeps charts readable)."""
    if counts[by].n_unique() <= top:
        return counts
    keep = counts.group_by(by).agg(pl.col(value).sum()).sort(value, descending=True).head(top)
    return counts.join(keep.select(by), on=by)


def risk_heat(risks: pl.DataFrame, *, by: str = "department") -> pl.DataFrame:
    """Risk points per group × level (高, 中, 低 columns), for the heat map."""
    counts = risks.group_by(by, "level").agg(pl.len().cast(pl.Int64).alias("n"))
    wide = counts.pivot(on="level", index=by, values="n")
    for level in ("高", "中", "低"):
        if level not in wide.columns:
            wide = wide.with_columns(pl.lit(0, pl.Int64).alias(level))
    return wide.select(by, *(pl.col(lv).fill_null(0) for lv in ("高", "中", "低"))).sort(by)


def risk_heat_top(risks: pl.DataFrame, *, by: str = "department", top: int = 30) -> pl.DataFrame:
    """The heat map's rows: the `top` groups with most risk points, most first."""
    return (risk_heat(risks, by=by).with_columns(pl.sum_horizontal("高", "中", "低").alias("total"))
            .sort("total", descending=True).head(top))


def inspection_status(inspections: pl.DataFrame, today: date) -> tuple[pl.DataFrame, dict[str, int]]:
    """Inspections with an `overdue` flag, and the counts: total, open (not rectified),
    overdue."""
    flagged = inspections.with_columns(rectification_overdue(today).alias("overdue"))
    return flagged, {"total": flagged.height,
                     "open": int(flagged["rectified_on"].is_null().sum()),
                     "overdue": int(flagged["overdue"].sum())}
