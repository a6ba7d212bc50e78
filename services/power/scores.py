"""S1's figures for the performance system (S3): `SCORE_METRICS` (core.manifest.ScoreMetric).

The shares come from metrics.power.coverage (the coverage dashboard's own figures) over the
current, not abolished power versions: flow charts valid, 高/中 risk points with prevention
measures, powers published; and inspections whose rectification was overdue at the period's
end (rectify-by before the end, not rectified by then). `records` lists what is missing, each
with a link to the page that shows it."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlmodel import Session

from core.manifest import ScoreMetric
from metrics.power.coverage import coverage, power_facts, rectification_overdue
from services.platform.scope import ALL, Scope
from services.power.coverage import CoverageInputs, coverage_inputs

OUT = {"department_id": pl.Int64, "value": pl.Float64, "numerator": pl.Float64,
       "denominator": pl.Float64}
M = "services.power.scores"
# (metric, share column, numerator, denominator) of metrics.power.coverage.coverage
SHARES = {"flow_validity": ("flow_share", "valid_flows", "powers"),
          "risk_control": ("measures_share", "hm_with_measures", "hm_points"),
          "disclosure_rate": ("published_share", "published", "powers")}


def _inputs(session: Session, scope: Scope, end: date) -> CoverageInputs:
    # a score run asks for four figures of the same inputs: read them once per session
    memo = session.info.setdefault("power.scores", {})
    if scope not in memo:
        memo[scope] = coverage_inputs(scope, session=session)
    inp = memo[scope]
    # as at the period's end: a rectification made after it did not count yet
    insp = inp.inspections.with_columns(
        pl.when(pl.col("rectified_on") > end).then(None).otherwise(pl.col("rectified_on"))
        .alias("rectified_on"))
    return CoverageInputs(inp.powers, inp.validity, inp.risks, insp)


def _coverage(session: Session, end: date) -> pl.DataFrame:
    inp = _inputs(session, ALL, end)
    return coverage(inp.powers, inp.validity, inp.risks, inp.inspections,
                    by=["department_id"], today=end)


def _share(metric: str, session: Session, end: date) -> pl.DataFrame:
    share, num, den = SHARES[metric]
    cov = _coverage(session, end)
    return cov.select(pl.col("department_id").cast(pl.Int64), pl.col(share).alias("value"),
                      pl.col(num).cast(pl.Float64).alias("numerator"),
                      pl.col(den).cast(pl.Float64).alias("denominator"))


def flow_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:  # noqa: ARG001
    """Powers whose flow chart is valid / powers (current versions)."""
    return _share("flow_validity", session, end)


def risk_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:  # noqa: ARG001
    """高/中 risk points with prevention measures / 高/中 risk points."""
    return _share("risk_control", session, end)


def disclosure_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:  # noqa: ARG001
    """Powers with a version published in force / powers."""
    return _share("disclosure_rate", session, end)


def overdue_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:  # noqa: ARG001
    """Inspections overdue for rectification at the period's end (count)."""
    cov = _coverage(session, end)
    return cov.select(pl.col("department_id").cast(pl.Int64),
                      pl.col("overdue").cast(pl.Float64).alias("value"),
                      pl.lit(None, pl.Float64).alias("numerator"),
                      pl.lit(None, pl.Float64).alias("denominator"))


def _dept(department_id: int) -> Scope:
    return Scope(region_codes=None, department_id=department_id)


def _power_rows(session: Session, department_id: int, end: date) -> pl.DataFrame:
    inp = _inputs(session, _dept(department_id), end)
    return power_facts(inp.powers, inp.validity, inp.risks).with_columns(
        (pl.lit("power_detail?power=") + pl.col("code")).alias("link"))


def flow_records(*, session: Session, department_id: int, start: date,  # noqa: ARG001
                 end: date) -> pl.DataFrame:
    """The department's powers whose flow chart is not valid."""
    return (_power_rows(session, department_id, end).filter(~pl.col("flow_valid"))
            .select("code", "category", "status", "flow_valid", "link").sort("code"))


def risk_records(*, session: Session, department_id: int, start: date,  # noqa: ARG001
                 end: date) -> pl.DataFrame:
    """The department's powers with 高/中 risk points lacking measures."""
    return (_power_rows(session, department_id, end)
            .filter(pl.col("hm_with_measures") < pl.col("hm_points"))
            .with_columns((pl.col("hm_points") - pl.col("hm_with_measures")).alias("without_measures"),
                          (pl.lit("power_detail?power=") + pl.col("code")).alias("link"))
            .select("code", "category", "hm_points", "hm_with_measures", "without_measures", "link")
            .sort("code"))


def disclosure_records(*, session: Session, department_id: int, start: date,  # noqa: ARG001
                       end: date) -> pl.DataFrame:
    """The department's powers with no version published in force."""
    return (_power_rows(session, department_id, end).filter(~pl.col("published"))
            .select("code", "category", "status", "published", "link").sort("code"))


def overdue_records(*, session: Session, department_id: int, start: date,  # noqa: ARG001
                    end: date) -> pl.DataFrame:
    """The department's inspections overdue for rectification at the period's end."""
    inp = _inputs(session, _dept(department_id), end)
    return (inp.inspections.filter(rectification_overdue(end))
            .with_columns(pl.lit("power_inspections").alias("link"))
            .select("department", "rectify_by", "rectified_on", "link").sort("rectify_by"))


def _metric(key: str, unit: str, higher: bool, fn: str) -> ScoreMetric:
    return ScoreMetric(key=f"power.{key}", system="power",
                       title_key=f"performance.metric.power_{key}",
                       definition_key=f"performance.metric.power_{key}_def", unit=unit,
                       higher_is_better=higher, compute=f"{M}:{fn}_compute",
                       records=f"{M}:{fn}_records")


SCORE_METRICS: tuple[ScoreMetric, ...] = (
    _metric("flow_validity", "rate", True, "flow"),
    _metric("risk_control", "rate", True, "risk"),
    _metric("disclosure_rate", "rate", True, "disclosure"),
    _metric("overdue_rectifications", "count", False, "overdue"),
)
