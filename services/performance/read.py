"""Scoped reads of S3 for pages, the CLI and the cockpit: ranking board, a department's card
(tree with points lost per node), one leaf with its formula, the records behind it, trend and
region comparison. Every read applies the caller's scope in SQL."""

from __future__ import annotations

import json

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.manifest import resolve
from metrics.performance.formula import explain
from metrics.performance.tree import node_rollup
from models.org import Department, Region
from models.performance import DepartmentScore, LeafScore, ManualScore, Period
from services.performance.catalog import PerformanceError, score_metrics
from services.performance.periods import period_by_code
from services.performance.tree import version_nodes
from services.platform.frames import read_frame
from services.platform.scope import Scope

RANK_SCHEMA = {"department_id": pl.Int64, "department_code": pl.String, "department": pl.String,
               "region_code": pl.String, "region": pl.String, "region_level": pl.String,
               "kind": pl.String,
               "peer_group": pl.String, "base_points": pl.Float64, "bonus_points": pl.Float64,
               "total": pl.Float64, "vetoed": pl.Boolean, "grade": pl.String,
               "peer_rank": pl.Int64, "peer_count": pl.Int64, "missing_leaves": pl.Int64}


def ranking(*, session: Session, scope: Scope, period_code: str) -> pl.DataFrame:
    """The period's department scores in scope, best first."""
    period = period_by_code(session=session, code=period_code)
    s, d, r = DepartmentScore, Department, Region
    stmt = (select(s.department_id, d.code, d.name, s.region_code, r.name, r.level, d.kind,
                   s.peer_group,
                   s.base_points, s.bonus_points, s.total, s.vetoed, s.grade, s.peer_rank,
                   s.peer_count, s.missing_leaves)
            .join(d, d.id == s.department_id).join(r, r.code == s.region_code)
            .where(s.period_id == period.id, scope.where(s.region_code, s.department_id)))
    return read_frame(session.connection(), stmt, RANK_SCHEMA).sort(
        ["total", "department_code"], descending=[True, False])


LEAF_SCHEMA = {"code": pl.String, "kind": pl.String, "method": pl.String, "params": pl.String,
               "source": pl.String, "metric_key": pl.String, "value": pl.Float64,
               "numerator": pl.Float64, "denominator": pl.Float64, "grade": pl.String,
               "weight": pl.Float64, "effective_weight": pl.Float64, "points": pl.Float64,
               "status": pl.String, "records_query": pl.String}


def leaf_scores(*, session: Session, scope: Scope, period_code: str, department_id: int) -> pl.DataFrame:
    period = period_by_code(session=session, code=period_code)
    s = LeafScore
    stmt = (select(s.indicator_code, s.kind, s.method, s.params, s.source, s.metric_key, s.value,
                   s.numerator, s.denominator, s.grade, s.weight, s.effective_weight, s.points,
                   s.status, s.records_query)
            .where(s.period_id == period.id, s.department_id == department_id,
                   scope.where(s.region_code, s.department_id)))
    return read_frame(session.connection(), stmt, LEAF_SCHEMA)


def card(*, session: Session, scope: Scope, period_code: str, department_id: int) -> dict:
    """A department's card: its ranking row, the tree with points / max / lost per node, and
    the leaves. Refused (not found) outside the caller's scope."""
    rows = ranking(session=session, scope=scope, period_code=period_code).filter(
        pl.col("department_id") == department_id)
    if rows.height == 0:
        raise PerformanceError("performance.card.err_none")
    period = period_by_code(session=session, code=period_code)
    nodes = version_nodes(session=session, version_id=period.version_id)
    leaves = leaf_scores(session=session, scope=scope, period_code=period_code,
                         department_id=department_id)
    roll = node_rollup(nodes, leaves.select(pl.lit(department_id).alias("department_id"),
                                            "code", "kind", "points", "effective_weight"))
    meta = pl.DataFrame([{k: n.get(k) for k in ("code", "parent_code", "name_zh", "name_en", "seq",
                                                 "weight")} for n in nodes],
                        schema={"code": pl.String, "parent_code": pl.String, "name_zh": pl.String,
                                "name_en": pl.String, "seq": pl.Int64, "weight": pl.Float64})
    tree = meta.join(roll.drop("department_id"), on="code", how="left").sort("seq")
    return {"summary": rows.row(0, named=True), "tree": tree, "leaves": leaves,
            "period": period, "nodes": {n["code"]: n for n in nodes}}


def leaf_detail(leaf: dict, node: dict) -> tuple[str, dict]:
    """The i18n key and numbers of the leaf's formula (from what was stored at the run)."""
    return explain(leaf | {"params": json.loads(leaf["params"] or "{}"),
                           "higher_is_better": node.get("higher_is_better", True)})


def leaf_records(*, session: Session, scope: Scope, leaf: dict) -> pl.DataFrame:
    """What lies behind a leaf: the metric's records (with links), or the manual score."""
    query = json.loads(leaf["records_query"] or "{}")
    if "metric" in query:
        metric = score_metrics().get(query["metric"])
        if metric is None or metric.records is None:
            return pl.DataFrame()
        from datetime import date

        return resolve(metric.records)(session=session, department_id=query["department_id"],
                                       start=date.fromisoformat(query["start"]),
                                       end=date.fromisoformat(query["end"]))
    if "manual_score_id" in query:
        m = ManualScore
        stmt = (select(m.id, m.indicator_code, m.value, m.grade, m.evidence, m.comment,
                       m.evaluator, m.status, m.reviewer)
                .where(m.id == query["manual_score_id"], scope.where(m.region_code, m.department_id)))
        return read_frame(session.connection(), stmt, {
            "id": pl.Int64, "indicator_code": pl.String, "value": pl.Float64, "grade": pl.String,
            "evidence": pl.String, "comment": pl.String, "evaluator": pl.String,
            "status": pl.String, "reviewer": pl.String})
    return pl.DataFrame()


def trend(*, session: Session, scope: Scope) -> pl.DataFrame:
    """Average total and department count per period, oldest first."""
    s, p = DepartmentScore, Period
    stmt = (select(p.code, p.start_on, s.total, s.grade)
            .join(p, p.id == s.period_id).where(scope.where(s.region_code, s.department_id)))
    frame = read_frame(session.connection(), stmt, {"period": pl.String, "start_on": pl.Date,
                                                    "total": pl.Float64, "grade": pl.String})
    return (frame.group_by("period", "start_on")
            .agg(pl.col("total").mean().round(2).alias("average"), pl.len().alias("departments"),
                 (pl.col("grade") == "excellent").sum().alias("excellent"),
                 (pl.col("grade") == "poor").sum().alias("poor"))
            .sort("start_on"))


def region_comparison(board: pl.DataFrame) -> pl.DataFrame:
    """Average score per region, ranked among the regions of the same level (city, county)."""
    return (board.group_by("region_code", "region", "region_level")
            .agg(pl.col("total").mean().round(2).alias("average"), pl.len().alias("departments"),
                 (pl.col("grade") == "poor").sum().alias("poor"))
            .with_columns(pl.col("average").rank("min", descending=True).over("region_level")
                          .cast(pl.Int64).alias("level_rank"))
            .sort("average", descending=True))


def grade_distribution(board: pl.DataFrame) -> pl.DataFrame:
    order = pl.DataFrame({"grade": ["excellent", "good", "fair", "poor"]})
    counts = board.group_by("grade").agg(pl.len().alias("departments"))
    return order.join(counts, on="grade", how="left").with_columns(pl.col("departments").fill_null(0))
