"""S1 integrity risk points (廉政风险点): scoped reads, audited writes, level thresholds.

The level is the count of the five criteria graded by thresholds kept in `rule_setting`
(rule_id "PW-LEVEL": high_min, medium_min; defaults 3 and 2). Risk points are internal
controls: they are edited in place on any version that is not abolished (they never appear
on public pages), and copied to a new version when the power is re-versioned."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlmodel import Session

from metrics.power.risk import (
    CRITERIA,
    check_thresholds,
    risk_level,
    risk_level_expr,
)
from models.base import utcnow
from models.org import Department
from models.power import Power, PowerStatus, RiskPoint
from models.rules import RuleSetting
from services.lights.queue import last_request_writing
from services.platform import audit
from services.platform.frames import read_frame
from services.platform.scope import Scope
from services.power.catalog import PowerError, load_in_scope
from services.power.thresholds import LEVEL_RULE_ID, level_thresholds

__all__ = ["LEVEL_RULE_ID", "RISK_SCHEMA", "RiskPointInput", "data_stamp", "level_thresholds",
           "mark_reviewed", "risks_frame", "save_risk_point", "set_level_thresholds"]

RISK_SCHEMA = {
    "id": pl.Int64, "power_id": pl.Int64, "no": pl.Int64, "code": pl.String, "power": pl.String,
    "version": pl.Int64, "is_current": pl.Boolean, "status": pl.String,
    "department_id": pl.Int64, "department": pl.String, "region_code": pl.String,
    "step_seq": pl.Int64, "description": pl.String,
    **{c: pl.Boolean for c in CRITERIA}, "level": pl.String, "measures": pl.String,
    "responsible_post": pl.String, "last_review": pl.Date,
}


class RiskPointInput(BaseModel):
    step_seq: int | None = Field(default=None, ge=1)
    description: str = Field(min_length=1, max_length=2000)
    controls_resources: bool = False
    discretion: bool = False
    collective_decision: bool = False
    indirect_leverage: bool = False
    high_incidence: bool = False
    measures: str | None = Field(default=None, max_length=4000)
    responsible_post: str = Field(default="", max_length=100)
    last_review: date | None = None

    def criteria_count(self) -> int:
        return sum(bool(getattr(self, c)) for c in CRITERIA)


def set_level_thresholds(*, session: Session, actor: str, high_min: int, medium_min: int) -> int:
    """Store new thresholds and re-grade every risk point; returns how many changed level."""
    try:
        check_thresholds(high_min, medium_min)
    except ValueError as exc:
        raise PowerError("power.risk.err_thresholds") from exc
    before = level_thresholds(session=session)
    for param, value in (("high_min", high_min), ("medium_min", medium_min)):
        row = session.get(RuleSetting, (LEVEL_RULE_ID, param))
        if row is None:
            row = RuleSetting(rule_id=LEVEL_RULE_ID, param=param, value="", updated_by=actor)
        row.value, row.updated_by, row.updated_at = json.dumps(value), actor, utcnow()
        session.add(row)
    points = session.execute(select(RiskPoint)).scalars().all()
    changed = 0
    for rp in points:
        n = sum(bool(getattr(rp, c)) for c in CRITERIA)
        level = risk_level(n, high_min=high_min, medium_min=medium_min)
        if level != rp.level:
            rp.level, changed = level, changed + 1
            session.add(rp)
    audit.record(session, actor=actor, action="power.risk.thresholds", entity_type="rule_setting",
                 entity_id=LEVEL_RULE_ID, before=list(before),
                 after={"high_min": high_min, "medium_min": medium_min, "regraded": changed})
    return changed


def risks_frame(scope: Scope, *, session: Session, power_id: int | None = None,
                current_only: bool = True, level: str | None = None,
                region_code: str | None = None, department_id: int | None = None,
                reviewed_since: date | None = None,
                reviewed_until: date | None = None) -> pl.DataFrame:
    """Risk points of powers in scope; optionally of one region (exactly), one department, and
    last reviewed within [reviewed_since, reviewed_until] (never-reviewed points then drop)."""
    stmt = (select(RiskPoint.id, RiskPoint.power_id, RiskPoint.no, Power.code, Power.name,
                   Power.version,
                   Power.is_current, Power.status, Power.department_id, Department.name,
                   Power.region_code, RiskPoint.step_seq, RiskPoint.description,
                   *(getattr(RiskPoint, c) for c in CRITERIA), RiskPoint.level,
                   RiskPoint.measures, RiskPoint.responsible_post, RiskPoint.last_review)
            .join(Power, Power.id == RiskPoint.power_id)
            .join(Department, Department.id == Power.department_id)
            .where(scope.where(Power.region_code, Power.department_id))
            .order_by(Power.region_code, Power.code, RiskPoint.step_seq, RiskPoint.id))
    if region_code:
        stmt = stmt.where(Power.region_code == region_code)
    if department_id:
        stmt = stmt.where(Power.department_id == department_id)
    if reviewed_since:
        stmt = stmt.where(RiskPoint.last_review >= reviewed_since)
    if reviewed_until:
        stmt = stmt.where(RiskPoint.last_review <= reviewed_until)
    if power_id is not None:
        stmt = stmt.where(RiskPoint.power_id == power_id)
    elif current_only:
        stmt = stmt.where(Power.is_current.is_(True),
                          Power.status != PowerStatus.abolished.value)
    high_min, medium_min = level_thresholds(session=session)
    # a province holds 115,000 points: read as columns, not ORM rows (1.6 s on every rerun)
    df = read_frame(session.connection(), stmt, {k: v() for k, v in RISK_SCHEMA.items()})
    # Graded on read with the current thresholds (uploads store the default grading).
    df = df.with_columns(risk_level_expr(high_min=high_min, medium_min=medium_min))
    return df.filter(pl.col("level") == level) if level else df


def data_stamp(*, session: Session) -> tuple:
    """Changes whenever risk points, powers or the level thresholds do (the risk register's
    cache key): the newest write of those tables, and the thresholds the points are graded by."""
    return (session.execute(select(last_request_writing(("risk_point", "power")))).scalar(),
            level_thresholds(session=session))


def _snapshot(rp: RiskPoint) -> dict:
    return rp.model_dump(exclude={"created_at", "updated_at"})


def save_risk_point(*, session: Session, actor: str, scope: Scope, power_id: int,
                    data: RiskPointInput, risk_id: int | None = None) -> int:
    data = RiskPointInput.model_validate(data.model_dump())
    p = load_in_scope(power_id, scope, session=session)
    if p.status == PowerStatus.abolished.value:
        raise PowerError("power.err_abolished")
    high_min, medium_min = level_thresholds(session=session)
    level = risk_level(data.criteria_count(), high_min=high_min, medium_min=medium_min)
    values = data.model_dump() | {"level": level,
                                  "measures": (data.measures or "").strip() or None}
    if risk_id is None:
        top = session.execute(select(func.max(RiskPoint.no))
                        .where(RiskPoint.power_id == p.id)).scalar_one()
        rp, before = RiskPoint(power_id=p.id, no=(top or 0) + 1, **values), None
    else:
        rp = session.get(RiskPoint, risk_id)
        if rp is None or rp.power_id != p.id:
            raise PowerError("power.err_not_found")
        before = _snapshot(rp)
        for k, v in values.items():
            setattr(rp, k, v)
        rp.updated_at = utcnow()
    session.add(rp)
    session.flush()
    audit.record(session, actor=actor, action="power.risk.save", entity_type="risk_point",
                 entity_id=rp.id, before=before, after=_snapshot(rp))
    return int(rp.id)


def mark_reviewed(*, session: Session, actor: str, scope: Scope, risk_id: int,
                  on: date) -> None:
    rp = session.get(RiskPoint, risk_id)
    if rp is None:
        raise PowerError("power.err_not_found")
    load_in_scope(rp.power_id, scope, session=session)  # scope check
    before = rp.last_review
    # through the ORM object, not an UPDATE statement: the flush is what records the lights'
    # sync request (services.lights.touch), so PW-Y3's light on the point follows the review
    rp.last_review, rp.updated_at = on, utcnow()
    session.add(rp)
    session.flush()
    audit.record(session, actor=actor, action="power.risk.review", entity_type="risk_point",
                 entity_id=risk_id, before={"last_review": before},
                 after={"last_review": on})

