"""Evaluators' manual scores: entry (form), the second evaluator's review (four-eyes), and
what is still to score in the evaluator's scope. Every write is audited."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from metrics.performance.tree import leaves
from models.base import utcnow
from models.org import Department
from models.performance import GRADES, ManualScore, ManualScoreCreate
from services.performance.catalog import PerformanceError
from services.performance.periods import period_by_code
from services.performance.tree import version_nodes
from services.platform import audit
from services.platform.frames import read_frame
from services.platform.scope import Scope


def manual_leaves(*, session: Session, version_id: int) -> list[dict]:
    return [n for n in leaves(version_nodes(session=session, version_id=version_id))
            if n.get("source") == "manual"]


def _snap(m: ManualScore) -> dict:
    return {"value": m.value, "grade": m.grade, "evidence": m.evidence, "comment": m.comment,
            "status": m.status, "evaluator": m.evaluator, "reviewer": m.reviewer}


def enter_score(*, session: Session, actor: str, scope: Scope, data: ManualScoreCreate) -> ManualScore:
    """Enter or correct a manual score: the leaf must be a manual leaf of the period's tree,
    the department in the evaluator's scope; 定性 needs a grade A–D and its justification,
    the others a value. A corrected score goes back to 'entered' (reviewed again)."""
    data = ManualScoreCreate.model_validate(data.model_dump())
    period = period_by_code(session=session, code=data.period_code)
    if period.status == "closed":
        raise PerformanceError("performance.period.err_closed", code=period.code)
    leaf = next((n for n in manual_leaves(session=session, version_id=period.version_id)
                 if n["code"] == data.indicator_code), None)
    if leaf is None:
        raise PerformanceError("performance.manual.err_leaf", code=data.indicator_code)
    dept = session.execute(select(Department).where(
        Department.code == data.department_code,
        scope.where(Department.region_code, Department.id))).scalar_one_or_none()
    if dept is None:
        raise PerformanceError("performance.manual.err_department", code=data.department_code)
    if leaf["method"] == "graded":
        if data.grade not in GRADES:
            raise PerformanceError("performance.manual.err_grade")
        if not data.evidence.strip():
            raise PerformanceError("performance.manual.err_evidence")
    elif data.value is None:
        raise PerformanceError("performance.manual.err_value")
    row = session.execute(select(ManualScore).where(
        ManualScore.period_id == period.id, ManualScore.department_id == dept.id,
        ManualScore.indicator_code == leaf["code"])).scalar_one_or_none()
    before = _snap(row) if row else None
    if row is None:
        row = ManualScore(period_id=period.id, department_id=dept.id, region_code=dept.region_code,
                          **data.model_dump())
    else:
        for k in ("value", "grade", "evidence", "comment"):
            setattr(row, k, getattr(data, k))
    row.evaluator, row.status, row.reviewer, row.reviewed_at = actor, "entered", None, None
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="performance.manual.enter", entity_type="perf_manual_score",
                 entity_id=row.id, before=before, after=_snap(row))
    return row


def review_score(*, session: Session, actor: str, scope: Scope, score_id: int, accept: bool,
                 note: str = "") -> ManualScore:
    """The second evaluator accepts or returns a score; never the one who entered it."""
    row = session.execute(select(ManualScore).where(
        ManualScore.id == score_id, scope.where(ManualScore.region_code, ManualScore.department_id))
    ).scalar_one_or_none()
    if row is None:
        raise PerformanceError("performance.manual.err_unknown")
    if row.evaluator == actor:
        raise PerformanceError("performance.manual.err_four_eyes")
    if not accept and not note.strip():
        raise PerformanceError("performance.manual.err_note")
    before = _snap(row)
    row.status = "reviewed" if accept else "returned"
    row.reviewer, row.reviewed_at, row.review_note = actor, utcnow(), note or None
    session.add(row)
    audit.record(session, actor=actor, action="performance.manual.review", entity_type="perf_manual_score",
                 entity_id=row.id, before=before, after=_snap(row))
    return row


def workbench(*, session: Session, scope: Scope, period_code: str) -> pl.DataFrame:
    """Every (department in scope, manual leaf) of the period with its score if entered:
    department_id, department_code, department, code, method, score_id, value, grade,
    evidence, evaluator, status ('missing' when nothing is entered)."""
    period = period_by_code(session=session, code=period_code)
    leaves_ = manual_leaves(session=session, version_id=period.version_id)
    d = Department
    depts = read_frame(session.connection(), select(d.id, d.code, d.name).where(
        d.active.is_(True), scope.where(d.region_code, d.id)),
        {"department_id": pl.Int64, "department_code": pl.String, "department": pl.String})
    m = ManualScore
    scores = read_frame(session.connection(), select(
        m.department_id, m.indicator_code, m.id, m.value, m.grade, m.evidence, m.evaluator,
        m.status).where(m.period_id == period.id, scope.where(m.region_code, m.department_id)),
        {"department_id": pl.Int64, "code": pl.String, "score_id": pl.Int64, "value": pl.Float64,
         "grade": pl.String, "evidence": pl.String, "evaluator": pl.String, "status": pl.String})
    grid = depts.join(pl.DataFrame({"code": [n["code"] for n in leaves_],
                                    "name": [n["name_zh"] for n in leaves_],
                                    "method": [n["method"] for n in leaves_]},
                                   schema={"code": pl.String, "name": pl.String, "method": pl.String}),
                      how="cross")
    return (grid.join(scores, on=["department_id", "code"], how="left")
            .with_columns(pl.col("status").fill_null("missing"))
            .sort("department_code", "code"))


def to_do(grid: pl.DataFrame, *, four_eyes: bool) -> pl.DataFrame:
    """The manual leaves still to be done: not yet reviewed under four eyes, else not entered."""
    return grid.filter(pl.col("status") != "reviewed" if four_eyes else pl.col("status") == "missing")


def awaiting_review(grid: pl.DataFrame, reviewer: str) -> pl.DataFrame:
    """Entered scores `reviewer` may review: another evaluator's (four eyes)."""
    return grid.filter((pl.col("status") == "entered") & (pl.col("evaluator") != reviewer))


def completeness(grid: pl.DataFrame, *, four_eyes: bool) -> pl.DataFrame:
    """Per department: manual leaves, entered, reviewed, share done (counting as the run does)."""
    done = pl.col("status") == "reviewed" if four_eyes else pl.col("status").is_in(["entered", "reviewed"])
    return (grid.group_by("department_id", "department_code", "department")
            .agg(pl.len().alias("leaves"),
                 (pl.col("status") != "missing").sum().alias("entered"),
                 (pl.col("status") == "reviewed").sum().alias("reviewed"),
                 done.sum().alias("counted"))
            .with_columns((pl.col("counted") / pl.col("leaves")).round(3).alias("share"))
            .sort("share", "department_code"))
