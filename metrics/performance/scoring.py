"""A period's scores from the tree and its inputs, pure: every leaf for every department, then
the totals, grades and peer ranks. The effective weight of a leaf is the part of the 100 it
carries for that department (metrics.performance.tree.effective_weights), so the leaves'
points always add up to the department's base points.

inputs: department_id, code (leaf), value, numerator, denominator (Float64), grade (String)
departments: department_id, region_code, peer_group
"""

from __future__ import annotations

import polars as pl

from metrics.performance.methods import apply_missing, score
from metrics.performance.tree import (
    department_totals,
    effective_weights,
    grade_expr,
    leaves,
    peer_ranks,
)

LEAF_COLUMNS = ("department_id", "region_code", "code", "kind", "method", "source", "metric_key",
                "value", "numerator", "denominator", "grade", "weight", "effective_weight",
                "points", "status", "vetoed")
INPUT_SCHEMA = {"department_id": pl.Int64, "code": pl.String, "value": pl.Float64,
                "numerator": pl.Float64, "denominator": pl.Float64, "grade": pl.String}


def score_leaves(nodes: list[dict], inputs: pl.DataFrame,
                 departments: pl.DataFrame) -> pl.DataFrame:
    """One row per (department, leaf): the method's points on the nominal weight, then scaled
    to the effective weight for score leaves (bonus and veto keep theirs)."""
    inputs = inputs.select(*(pl.col(c).cast(t) for c, t in INPUT_SCHEMA.items()))
    parts = []
    for leaf in leaves(nodes):
        frame = (departments.select("department_id", "region_code", "peer_group")
                 .join(inputs.filter(pl.col("code") == leaf["code"]).drop("code"),
                       on="department_id", how="left"))
        scored = score(frame, leaf["method"], weight=float(leaf["weight"]),
                       higher_is_better=bool(leaf.get("higher_is_better", True)),
                       params=leaf.get("params") or {})
        scored = apply_missing(scored, leaf.get("missing_rule", "zero"))
        parts.append(scored.with_columns(
            pl.lit(leaf["code"]).alias("code"), pl.lit(leaf.get("kind", "score")).alias("kind"),
            pl.lit(leaf["method"]).alias("method"), pl.lit(leaf.get("source", "auto")).alias("source"),
            pl.lit(leaf.get("metric_key"), pl.String).alias("metric_key"),
            pl.lit(float(leaf["weight"])).alias("weight")))
    if not parts:
        return pl.DataFrame(schema={c: pl.String for c in LEAF_COLUMNS})
    out = pl.concat(parts, how="diagonal_relaxed")
    assessed = out.filter(pl.col("kind") == "score").select(
        "department_id", "code", (pl.col("status") != "not_assessed").alias("assessed"))
    eff = effective_weights(nodes, assessed)
    out = (out.join(eff, on=["department_id", "code"], how="left")
           .with_columns(pl.coalesce(pl.col("effective_weight"), pl.col("weight"))
                         .alias("effective_weight"))
           .with_columns(pl.when(pl.col("kind") == "score")
                         .then((pl.col("fraction") * pl.col("effective_weight")).round(2))
                         .otherwise(pl.col("points")).alias("points"),
                         pl.when(pl.col("vetoed")).then(pl.lit("vetoed"))
                         .otherwise(pl.col("status")).alias("status")))
    return out.select(*LEAF_COLUMNS).sort("department_id", "code")


def score_departments(leaf_scores: pl.DataFrame, departments: pl.DataFrame, *,
                      bonus_cap: float, bounds: dict[str, float] | None = None) -> pl.DataFrame:
    """department_id, region_code, peer_group, base_points, bonus_points, total, vetoed,
    missing_leaves, grade, peer_rank, peer_count."""
    totals = department_totals(leaf_scores, bonus_cap=bonus_cap)
    out = (departments.select("department_id", "region_code", "peer_group")
           .join(totals, on="department_id", how="inner")
           .with_columns(grade_expr(bounds)))
    return peer_ranks(out).sort("department_id")
