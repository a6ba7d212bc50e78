"""Scoring periods: open → scoring → review → closed. A period opens with the active tree
version and keeps it. Closing computes one last time and freezes the leaf scores (a closed
period is never recomputed); reopening is for admins only, with a reason, audited."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from metrics.performance.tree import check_bounds
from models.base import utcnow
from models.performance import PERIOD_KINDS, ManualScore, Period
from services.performance.catalog import PerformanceError
from services.performance.tree import active_version
from services.platform import audit

NEXT = {"open": "scoring", "scoring": "review", "review": "closed"}


def period_by_code(*, session: Session, code: str) -> Period:
    period = session.execute(select(Period).where(Period.code == code)).scalar_one_or_none()
    if period is None:
        raise PerformanceError("performance.period.err_unknown", code=code)
    return period


def periods(*, session: Session) -> list[Period]:
    return list(session.execute(select(Period).order_by(Period.start_on.desc())).scalars())


def _snapshot(p: Period) -> dict:
    return {"code": p.code, "status": p.status, "version_id": p.version_id,
            "four_eyes": p.four_eyes, "grade_bounds": json.loads(p.grade_bounds)}


def open_period(*, session: Session, actor: str, code: str, name: str, kind: str, start_on: date,
                end_on: date, four_eyes: bool = True, bonus_cap: float = 5.0) -> Period:
    if kind not in PERIOD_KINDS:
        raise PerformanceError("performance.period.err_kind", kind=kind)
    if end_on < start_on:
        raise PerformanceError("performance.period.err_dates")
    if session.execute(select(Period.id).where(Period.code == code)).first():
        raise PerformanceError("performance.period.err_exists", code=code)
    version = active_version(session=session)
    if version is None:
        raise PerformanceError("performance.period.err_no_tree")
    period = Period(code=code, name=name, kind=kind, start_on=start_on, end_on=end_on,
                    version_id=version.id, four_eyes=four_eyes, bonus_cap=bonus_cap,
                    opened_by=actor)
    session.add(period)
    session.flush()
    audit.record(session, actor=actor, action="performance.period.open", entity_type="perf_period",
                 entity_id=period.id, after=_snapshot(period))
    return period


def unreviewed(*, session: Session, period: Period) -> int:
    """Manual scores still waiting for the second evaluator (four-eyes)."""
    return session.execute(select(func.count()).where(
        ManualScore.period_id == period.id, ManualScore.status != "reviewed")).scalar_one()


def advance(*, session: Session, actor: str, code: str) -> Period:
    """One step forward: open → scoring → review; closing goes through `close_period`."""
    period = period_by_code(session=session, code=code)
    target = NEXT.get(period.status)
    if target is None or target == "closed":
        raise PerformanceError("performance.period.err_transition", status=period.status)
    before = _snapshot(period)
    period.status = target
    session.add(period)
    audit.record(session, actor=actor, action=f"performance.period.{target}",
                 entity_type="perf_period", entity_id=period.id, before=before, after=_snapshot(period))
    return period


def close_period(*, session: Session, actor: str, code: str) -> Period:
    """Compute a last time and freeze: refused while manual scores await review (four-eyes)."""
    from services.performance.run import compute_period

    period = period_by_code(session=session, code=code)
    if period.status == "closed":
        raise PerformanceError("performance.period.err_closed", code=code)
    if period.four_eyes and (n := unreviewed(session=session, period=period)):
        raise PerformanceError("performance.period.err_unreviewed", n=n)
    compute_period(session=session, actor=actor, code=code)
    before = _snapshot(period)
    period.status, period.closed_at, period.closed_by = "closed", utcnow(), actor
    session.add(period)
    audit.record(session, actor=actor, action="performance.period.close", entity_type="perf_period",
                 entity_id=period.id, before=before, after=_snapshot(period))
    return period


def reopen_period(*, session: Session, actor: str, roles: tuple[str, ...], code: str,
                  reason: str) -> Period:
    if "admin" not in roles:
        raise PerformanceError("performance.period.err_reopen_admin")
    if not reason.strip():
        raise PerformanceError("performance.period.err_reason")
    period = period_by_code(session=session, code=code)
    if period.status != "closed":
        raise PerformanceError("performance.period.err_not_closed", code=code)
    before = _snapshot(period)
    period.status, period.closed_at = "review", None
    session.add(period)
    audit.record(session, actor=actor, action="performance.period.reopen", entity_type="perf_period",
                 entity_id=period.id, before=before, after=_snapshot(period) | {"reason": reason})
    return period


def set_grade_bounds(*, session: Session, actor: str, code: str, bounds: dict[str, float]) -> Period:
    """Grade boundaries of a period not yet closed (audited)."""
    period = period_by_code(session=session, code=code)
    if period.status == "closed":
        raise PerformanceError("performance.period.err_closed", code=code)
    if problems := check_bounds(bounds):
        raise PerformanceError(f"performance.{problems[0].key}", **problems[0].params)
    before = _snapshot(period)
    period.grade_bounds = json.dumps({k: float(bounds[k]) for k in ("excellent", "good", "fair")})
    session.add(period)
    audit.record(session, actor=actor, action="performance.period.grades", entity_type="perf_period",
                 entity_id=period.id, before=before, after=_snapshot(period))
    return period
