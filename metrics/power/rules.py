"""S1 light rules (行政权力运行). Pure functions over frames loaded by
services/rule_inputs/power.py.

Inputs
  power_risk_points: id, power_id, code, power_name, version, status, is_current, in_force,
                     department_id, region_code, step_seq, level, has_measures, last_review
  power_in_force:    power_id, code, name, version, department_id, region_code,
                     promised_limit_days  (the published versions in force)
  power_in_force_steps / power_in_force_edges: their flow (power_id, seq, name, limit_days /
                     power_id, from_seq, to_seq)
  power_inspections: id, department_id, region_code, inspected_on, rectify_by, rectified_on
  clock:             today (the lights centre's loader)

Risk points are watched on the versions a department stands behind: the version in force and
the current version once confirmed or published (drafts are work in progress)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from metrics.lights.registry import Param, Rule, facts_json
from metrics.power.flowchart import flow_issues

RISK_POINT_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(), "power_id": pl.Int64(), "code": pl.String(), "power_name": pl.String(),
    "version": pl.Int64(), "status": pl.String(), "is_current": pl.Boolean(),
    "in_force": pl.Boolean(), "department_id": pl.Int64(), "region_code": pl.String(),
    "step_seq": pl.Int64(), "level": pl.String(), "has_measures": pl.Boolean(),
    "last_review": pl.Date(),
}
IN_FORCE_SCHEMA: dict[str, pl.DataType] = {
    "power_id": pl.Int64(), "code": pl.String(), "name": pl.String(), "version": pl.Int64(),
    "department_id": pl.Int64(), "region_code": pl.String(),
    "promised_limit_days": pl.Int64(),
}
STEPS_SCHEMA: dict[str, pl.DataType] = {
    "power_id": pl.Int64(), "seq": pl.Int64(), "name": pl.String(), "limit_days": pl.Int64(),
}
EDGES_SCHEMA: dict[str, pl.DataType] = {
    "power_id": pl.Int64(), "from_seq": pl.Int64(), "to_seq": pl.Int64(),
}
INSPECTION_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(), "department_id": pl.Int64(), "region_code": pl.String(),
    "inspected_on": pl.Date(), "rectify_by": pl.Date(), "rectified_on": pl.Date(),
}


def watched_risk_points(risks: pl.DataFrame) -> pl.DataFrame:
    return risks.filter(pl.col("in_force") | (
        pl.col("is_current") & pl.col("status").is_in(["confirmed", "published"])))


def _risk_subjects(frame: pl.DataFrame, *extra: pl.Expr) -> pl.DataFrame:
    return frame.select(
        pl.lit("risk_point").alias("subject_type"),
        pl.col("id").cast(pl.String).alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("code"), pl.col("power_name"), pl.col("version"),
                   pl.col("step_seq"), pl.col("level"), *extra),
    )


def _without_measures(level: str):  # noqa: ANN202
    def fn(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
        risks = watched_risk_points(frames["power_risk_points"])
        return _risk_subjects(risks.filter((pl.col("level") == pl.lit(level))
                                           & ~pl.col("has_measures").fill_null(False)))
    return fn


def published_without_valid_flow(frames: Mapping[str, pl.DataFrame],
                                 params: Mapping[str, Any]) -> pl.DataFrame:
    powers = frames["power_in_force"]
    issues = flow_issues(frames["power_in_force_steps"], frames["power_in_force_edges"],
                         powers.select("power_id", "promised_limit_days"))
    per_power = issues.group_by("power_id").agg(
        pl.col("key").str.strip_prefix("power.flow.").unique().sort().str.join(",")
        .alias("problems"))
    return powers.join(per_power, on="power_id").select(
        pl.lit("power").alias("subject_type"), pl.col("code").alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("code"), pl.col("name"), pl.col("version"), pl.col("problems")),
    )


def not_reviewed(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    today = frames["clock"]["today"][0]
    months = int(params["months"])
    cutoff = pl.lit(today, dtype=pl.Date).dt.offset_by(f"-{months}mo")
    risks = watched_risk_points(frames["power_risk_points"])
    late = risks.filter(pl.col("last_review").is_null() | (pl.col("last_review") < cutoff))
    return _risk_subjects(late, pl.col("last_review").dt.strftime("%Y-%m-%d").alias("last_review"),
                          pl.lit(months).alias("months"))


def rectification_overdue(frames: Mapping[str, pl.DataFrame],
                          params: Mapping[str, Any]) -> pl.DataFrame:
    today = frames["clock"]["today"][0]
    grace = int(params["grace_days"])
    insp = frames["power_inspections"]
    late = insp.filter(
        pl.col("rectified_on").is_null() & pl.col("rectify_by").is_not_null()
        & ((pl.lit(today, dtype=pl.Date) - pl.col("rectify_by")).dt.total_days()
           > pl.lit(grace)))
    return late.select(
        pl.lit("inspection").alias("subject_type"), pl.col("id").cast(pl.String).alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("inspected_on").dt.strftime("%Y-%m-%d").alias("inspected_on"),
                   pl.col("rectify_by").dt.strftime("%Y-%m-%d").alias("rectify_by"),
                   pl.lit(grace).alias("grace_days")),
    )


def _keys(rule: str) -> dict[str, str]:
    return {"title_key": f"power.rules.{rule}.title",
            "definition_key": f"power.rules.{rule}.definition",
            "basis_key": f"power.rules.{rule}.basis", "facts_key": f"power.rules.{rule}.facts"}


PW_R1 = Rule(
    id="PW-R1", system="S1", partition="department", level="red", subject_type="risk_point", **_keys("pw_r1"),
    inputs=("power_risk_points",), fn=_without_measures("高"))
PW_Y1 = Rule(
    id="PW-Y1", system="S1", partition="department", level="yellow", subject_type="risk_point", **_keys("pw_y1"),
    inputs=("power_risk_points",), fn=_without_measures("中"))
PW_Y2 = Rule(
    id="PW-Y2", system="S1", partition="department", level="yellow", subject_type="power", **_keys("pw_y2"),
    inputs=("power_in_force", "power_in_force_steps", "power_in_force_edges"),
    fn=published_without_valid_flow)
PW_Y3 = Rule(
    id="PW-Y3", system="S1", partition="department", level="yellow", subject_type="risk_point", **_keys("pw_y3"),
    inputs=("power_risk_points", "clock"), fn=not_reviewed,
    params=(Param("months", 12, "power.rules.pw_y3.months", min=1, max=60),))
PW_R2 = Rule(
    id="PW-R2", system="S1", partition="department", level="red", subject_type="inspection", **_keys("pw_r2"),
    inputs=("power_inspections", "clock"), fn=rectification_overdue,
    params=(Param("grace_days", 0, "power.rules.pw_r2.grace_days", min=0, max=90),))

RULES = (PW_R1, PW_Y1, PW_Y2, PW_Y3, PW_R2,)
