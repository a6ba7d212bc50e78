"""A score run: every leaf of the period's tree for every department, from the other systems'
score metrics (named in the manifest) and the evaluators' manual scores.

The figures are computed for the whole province (排名法 and the peer ranks see all peers), and
written for the departments in the caller's scope (a city evaluator's run leaves the rows of
other departments as their last run wrote them). A count metric that has no row for a department means
none happened (0); a rate without a row means nothing to measure (missing: the leaf's declared
rule applies). A closed period is never recomputed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import polars as pl
from sqlalchemy import delete, select
from sqlmodel import Session

from core.manifest import resolve
from metrics.performance.scoring import INPUT_SCHEMA, score_departments, score_leaves
from metrics.performance.tree import leaves
from models.base import utcnow
from models.org import Department, Region
from models.performance import DepartmentScore, LeafScore, ManualScore, Period
from services.performance.catalog import PerformanceError, score_metrics
from services.performance.periods import period_by_code
from services.performance.tree import version_nodes
from services.platform import audit
from services.platform.bulk import bulk_insert
from services.platform.frames import read_frame
from services.platform.scope import ALL, Scope

Progress = Callable[[str, float], None]


def departments_frame(session: Session) -> pl.DataFrame:
    """Active departments with their peer group: the same kind at the same region level."""
    stmt = (select(Department.id, Department.region_code, Department.kind, Region.level)
            .join(Region, Region.code == Department.region_code).where(Department.active.is_(True)))
    frame = read_frame(session.connection(), stmt, {"department_id": pl.Int64, "region_code": pl.String,
                                                    "kind": pl.String, "level": pl.String})
    return frame.with_columns((pl.col("kind") + "/" + pl.col("level")).alias("peer_group"))


def manual_inputs(session: Session, period: Period) -> pl.DataFrame:
    """Manual scores that count: reviewed ones under four-eyes, else any not returned."""
    m = ManualScore
    ok = ("reviewed",) if period.four_eyes else ("entered", "reviewed")
    stmt = (select(m.department_id, m.indicator_code, m.value, m.grade, m.id)
            .where(m.period_id == period.id, m.status.in_(ok)))
    return read_frame(session.connection(), stmt, {
        "department_id": pl.Int64, "code": pl.String, "value": pl.Float64, "grade": pl.String,
        "manual_id": pl.Int64})


def _auto_inputs(session: Session, period: Period, nodes: list[dict], depts: pl.DataFrame,
                 progress: Progress) -> pl.DataFrame:
    catalog = score_metrics()
    auto = [n for n in leaves(nodes) if n.get("source", "auto") == "auto"]
    keys = sorted({n["metric_key"] for n in auto})
    values: dict[str, pl.DataFrame] = {}
    for i, key in enumerate(keys):
        progress(key, i / max(len(keys), 1))
        metric = catalog.get(key)
        if metric is None:
            raise PerformanceError("performance.run.err_metric", metric=key)
        got = resolve(metric.compute)(session=session, start=period.start_on, end=period.end_on)
        got = depts.select("department_id").join(got, on="department_id", how="left")
        if metric.unit == "count":
            got = got.with_columns(pl.col("value").fill_null(0.0))
        values[key] = got
    parts = [values[n["metric_key"]].with_columns(pl.lit(n["code"]).alias("code"),
                                                  pl.lit(None, pl.String).alias("grade"))
             for n in auto]
    if not parts:
        return pl.DataFrame(schema=INPUT_SCHEMA)
    return pl.concat([p.select(*INPUT_SCHEMA) for p in parts], how="vertical_relaxed")


def _no_event_is_zero(inputs: pl.DataFrame, nodes: list[dict], depts: pl.DataFrame) -> pl.DataFrame:
    """A bonus or veto item nobody entered for a department means no such event: 0."""
    special = [n["code"] for n in leaves(nodes) if n.get("kind") in ("bonus", "veto")
               and n.get("source") == "manual"]
    if not special:
        return inputs
    grid = depts.select("department_id").join(pl.DataFrame({"code": special}), how="cross")
    zero = (grid.join(inputs.select("department_id", "code"), on=["department_id", "code"], how="anti")
            .with_columns(pl.lit(0.0).alias("value"), pl.lit(None, pl.Float64).alias("numerator"),
                          pl.lit(None, pl.Float64).alias("denominator"),
                          pl.lit(None, pl.String).alias("grade")))
    return pl.concat([inputs, zero.select(*INPUT_SCHEMA)], how="vertical_relaxed")


def compute_period(*, session: Session, actor: str, code: str, scope: Scope = ALL,
                   dry_run: bool = False, progress: Progress | None = None) -> dict:
    """Score the period; returns counts and seconds. `dry_run` computes and writes nothing."""
    progress = progress or (lambda _stage, _fraction: None)
    started = time.perf_counter()
    period = period_by_code(session=session, code=code)
    if period.status == "closed":
        raise PerformanceError("performance.period.err_closed", code=code)
    nodes = version_nodes(session=session, version_id=period.version_id)
    depts = departments_frame(session)
    manual = manual_inputs(session, period)
    inputs = pl.concat([_auto_inputs(session, period, nodes, depts, progress),
                        manual.with_columns(pl.lit(None, pl.Float64).alias("numerator"),
                                            pl.lit(None, pl.Float64).alias("denominator"))
                        .select(*INPUT_SCHEMA)], how="vertical_relaxed")
    inputs = _no_event_is_zero(inputs, nodes, depts)
    progress("scoring", 0.9)
    leaf_scores = score_leaves(nodes, inputs, depts)
    bounds = json.loads(period.grade_bounds)
    dept_scores = score_departments(leaf_scores, depts, bonus_cap=period.bonus_cap, bounds=bounds)
    in_scope = depts.filter(_scope_expr(scope))["department_id"]
    leaf_scores = leaf_scores.filter(pl.col("department_id").is_in(in_scope.implode()))
    dept_scores = dept_scores.filter(pl.col("department_id").is_in(in_scope.implode()))
    summary = {"period": code, "departments": dept_scores.height, "leaves": leaf_scores.height,
               "missing": int((leaf_scores["status"].is_in(["missing_zero", "not_assessed"])).sum()),
               "vetoed": int(dept_scores["vetoed"].sum()), "dry_run": dry_run}
    if not dry_run:
        _write(session, period, nodes, leaf_scores, dept_scores, manual)
        period.computed_at = utcnow()
        session.add(period)
        audit.record(session, actor=actor, action="performance.compute", entity_type="perf_period",
                     entity_id=period.id, after=summary)
    progress("done", 1.0)
    return summary | {"seconds": round(time.perf_counter() - started, 2)}


def _scope_expr(scope: Scope) -> pl.Expr:
    expr = pl.lit(True)
    if scope.region_codes is not None:
        expr = expr & pl.col("region_code").is_in(sorted(scope.region_codes))
    if scope.department_id is not None:
        expr = expr & (pl.col("department_id") == scope.department_id)
    return expr


def _write(session: Session, period: Period, nodes: list[dict], leaf_scores: pl.DataFrame,
           dept_scores: pl.DataFrame, manual: pl.DataFrame) -> None:
    ids = dept_scores["department_id"].to_list()
    for table in (LeafScore, DepartmentScore):
        session.execute(delete(table).where(table.period_id == period.id,
                                            table.department_id.in_(ids)))
    params = {n["code"]: json.dumps(n.get("params") or {}, ensure_ascii=False, sort_keys=True)
              for n in nodes}
    manual_ids = manual.select("department_id", "code", "manual_id")
    start, end = period.start_on.isoformat(), period.end_on.isoformat()
    leaf_rows = leaf_scores.join(manual_ids, on=["department_id", "code"], how="left")
    # what lies behind each leaf: the metric's records query, or the manual score entered
    query = (pl.when(pl.col("source") == "auto")
             .then(pl.format('{{"metric": "{}", "department_id": {}, "start": "{}", "end": "{}"}}',
                             pl.col("metric_key"), pl.col("department_id"), pl.lit(start), pl.lit(end)))
             .when(pl.col("manual_id").is_not_null())
             .then(pl.format('{{"manual_score_id": {}}}', pl.col("manual_id")))
             .otherwise(pl.lit("{}")))
    rows = leaf_rows.with_columns(
        pl.lit(period.id).alias("period_id"), query.alias("records_query"),
        pl.col("code").replace_strict(params, default="{}").alias("params"),
        pl.col("code").alias("indicator_code"))
    cols = ["period_id", "department_id", "region_code", "indicator_code", "kind", "method",
            "params", "source", "metric_key", "value", "numerator", "denominator", "grade",
            "weight", "effective_weight", "points", "status", "records_query"]
    conn = session.connection()
    bulk_insert(conn, LeafScore.__table__, rows.select(cols).rows(), cols)
    dcols = ["period_id", "department_id", "region_code", "peer_group", "base_points",
             "bonus_points", "total", "vetoed", "grade", "peer_rank", "peer_count", "missing_leaves"]
    bulk_insert(conn, DepartmentScore.__table__,
                dept_scores.with_columns(pl.lit(period.id).alias("period_id")).select(dcols).rows(),
                dcols)
