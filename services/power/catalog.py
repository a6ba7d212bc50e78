"""S1 power catalog: scoped reads, create/edit with versions, lifecycle, flow editing.

Lifecycle: draft -> confirmed (the department confirms) -> published -> abolished; a confirmed
power may go back to draft. Editing a draft or confirmed power changes it in place (a confirmed
one returns to draft); editing a published power creates a new version (same code, version+1,
draft) that becomes the current one, with its steps, edges and risk points copied; the published
version stays in force (and public) until the new one is published. Every transition and edit
is audited in the same transaction."""

from __future__ import annotations

import polars as pl
from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session

from core.errors import AppError
from metrics.power.flowchart import validate_flow
from metrics.power.risk import CRITERIA, risk_level
from models.base import utcnow
from models.db import session_scope
from models.org import Department, Region
from models.power import (
    POWER_CATEGORIES,
    Power,
    PowerCreate,
    PowerEdge,
    PowerStatus,
    PowerStep,
    RiskPoint,
)
from services.platform import audit
from services.platform.scope import Scope

EDITOR_ROLES = ("admin", "data_officer")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("confirmed",),
    "confirmed": ("published", "draft"),
    "published": ("abolished",),
    "abolished": (),
}

POWER_SCHEMA = {
    "id": pl.Int64, "code": pl.String, "version": pl.Int64, "is_current": pl.Boolean,
    "name": pl.String, "category": pl.String, "department_id": pl.Int64,
    "department": pl.String, "region_code": pl.String, "region": pl.String,
    "legal_basis": pl.String, "statutory_limit_days": pl.Int64,
    "promised_limit_days": pl.Int64, "fee_standard": pl.Float64,
    "online_available": pl.Boolean, "status": pl.String, "updated_at": pl.Datetime("us", "UTC"),
}
STEP_SCHEMA = {"seq": pl.Int64, "name": pl.String, "post": pl.String, "limit_days": pl.Int64,
               "supervision_point": pl.Boolean, "discretionary": pl.Boolean}
EDGE_SCHEMA = {"from_seq": pl.Int64, "to_seq": pl.Int64, "condition": pl.String}


class PowerError(AppError):
    """A rejected change; `key` names the i18n message, `params` fill it."""


def frame(rows, schema: dict) -> pl.DataFrame:  # noqa: ANN001
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def in_force_clause():  # noqa: ANN201
    """SQL condition: this row is the version in force of its code (the latest published one,
    unless a later version was abolished)."""
    later = aliased(Power)
    return and_(Power.status == PowerStatus.published.value, ~exists().where(
        later.code == Power.code, later.version > Power.version,
        later.status.in_([PowerStatus.published.value, PowerStatus.abolished.value])))


def _columns():  # noqa: ANN202
    return (Power.id, Power.code, Power.version, Power.is_current, Power.name, Power.category,
            Power.department_id, Department.name, Power.region_code, Region.name,
            Power.legal_basis, Power.statutory_limit_days, Power.promised_limit_days,
            Power.fee_standard, Power.online_available, Power.status, Power.updated_at)


def powers_frame(engine: Engine, scope: Scope, *, region_code: str | None = None,
                 department_id: int | None = None, category: str | None = None,
                 status: str | None = None, search: str | None = None,
                 current_only: bool = True, limit: int | None = None) -> pl.DataFrame:
    """Powers in scope (current versions unless `current_only` is False), filtered."""
    stmt = (select(*_columns()).join(Department, Department.id == Power.department_id)
            .join(Region, Region.code == Power.region_code)
            .where(scope.where(Power.region_code, Power.department_id))
            .order_by(Power.region_code, Power.department_id, Power.code, Power.version))
    if current_only:
        stmt = stmt.where(Power.is_current.is_(True))
    if region_code:
        stmt = stmt.where(Power.region_code == region_code)
    if department_id:
        stmt = stmt.where(Power.department_id == department_id)
    if category:
        stmt = stmt.where(Power.category == category)
    if status:
        stmt = stmt.where(Power.status == status)
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(Power.name.like(like), Power.code.like(like)))
    if limit:
        stmt = stmt.limit(limit)
    with Session(engine) as s:
        return frame(s.execute(stmt).all(), POWER_SCHEMA)


def public_powers_frame(engine: Engine, *, search: str | None = None,
                        category: str | None = None, region_code: str | None = None,
                        limit: int = 500) -> pl.DataFrame:
    """What the public may read: versions in force only, public columns only."""
    stmt = (select(*_columns()).join(Department, Department.id == Power.department_id)
            .join(Region, Region.code == Power.region_code)
            .where(in_force_clause()).order_by(Power.region_code, Power.code).limit(limit))
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(Power.name.like(like), Power.code.like(like),
                              Department.name.like(like)))
    if category:
        stmt = stmt.where(Power.category == category)
    if region_code:
        stmt = stmt.where(Power.region_code == region_code)
    with Session(engine) as s:
        df = frame(s.execute(stmt).all(), POWER_SCHEMA)
    return df.drop("is_current", "status", "updated_at")


def versions_frame(engine: Engine, scope: Scope, code: str) -> pl.DataFrame:
    """Every version of a power code in scope, newest first."""
    stmt = (select(*_columns()).join(Department, Department.id == Power.department_id)
            .join(Region, Region.code == Power.region_code)
            .where(scope.where(Power.region_code, Power.department_id), Power.code == code)
            .order_by(Power.version.desc()))
    with Session(engine) as s:
        return frame(s.execute(stmt).all(), POWER_SCHEMA)


def get_power(engine: Engine, scope: Scope, power_id: int, *,
              public: bool = False) -> dict | None:
    """One power version as a dict (with department and region names), if in scope (or, for
    `public`, if it is the version in force)."""
    stmt = (select(*_columns(), Power.internal_note)
            .join(Department, Department.id == Power.department_id)
            .join(Region, Region.code == Power.region_code).where(Power.id == power_id))
    stmt = stmt.where(in_force_clause()) if public else stmt.where(
        scope.where(Power.region_code, Power.department_id))
    with Session(engine) as s:
        row = s.execute(stmt).first()
    if row is None:
        return None
    out = dict(zip([*POWER_SCHEMA, "internal_note"], row, strict=True))
    if public:
        out.pop("internal_note")
    return out


def flow_frames(engine: Engine, power_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Steps and edges of one power version (call after get_power has checked the scope)."""
    with Session(engine) as s:
        steps = s.execute(select(PowerStep.seq, PowerStep.name, PowerStep.post,
                                 PowerStep.limit_days, PowerStep.supervision_point,
                                 PowerStep.discretionary)
                          .where(PowerStep.power_id == power_id).order_by(PowerStep.seq)).all()
        edges = s.execute(select(PowerEdge.from_seq, PowerEdge.to_seq, PowerEdge.condition)
                          .where(PowerEdge.power_id == power_id)
                          .order_by(PowerEdge.from_seq, PowerEdge.to_seq)).all()
    return frame(steps, STEP_SCHEMA), frame(edges, EDGE_SCHEMA)


# --- writes ----------------------------------------------------------------------------------

def _snapshot(p: Power) -> dict:
    return {k: getattr(p, k) for k in (
        "code", "version", "name", "category", "department_id", "legal_basis",
        "statutory_limit_days", "promised_limit_days", "fee_standard", "online_available",
        "status", "is_current")}


def _check_content(data: PowerCreate) -> None:
    if data.category not in POWER_CATEGORIES:
        raise PowerError("power.err_category", category=data.category)
    if data.promised_limit_days > data.statutory_limit_days:
        raise PowerError("power.err_promised_over_statutory",
                         promised=data.promised_limit_days, statutory=data.statutory_limit_days)


def _department_in_scope(s: Session, scope: Scope, department_id: int) -> Department:
    dept = s.get(Department, department_id)
    if dept is None or not scope.allows_region(dept.region_code) or (
            scope.department_id is not None and scope.department_id != dept.id):
        raise PowerError("power.err_department_scope")
    return dept


def _load(s: Session, scope: Scope, power_id: int, *, lock: bool = False) -> Power:
    stmt = select(Power).where(Power.id == power_id)
    if lock:
        stmt = stmt.with_for_update()
    p = s.execute(stmt).scalar_one_or_none()
    if p is None or not scope.allows_region(p.region_code) or (
            scope.department_id is not None and scope.department_id != p.department_id):
        raise PowerError("power.err_not_found")
    return p


def create_power(engine: Engine, *, actor: str, scope: Scope, data: PowerCreate) -> int:
    data = PowerCreate.model_validate(data.model_dump())
    _check_content(data)
    with session_scope(engine) as s:
        dept = _department_in_scope(s, scope, data.department_id)
        if s.execute(select(Power.id).where(Power.code == data.code)).first():
            raise PowerError("power.err_code_taken", code=data.code)
        p = Power(**data.model_dump(), region_code=dept.region_code, version=1,
                  is_current=True, current_code=data.code, status=PowerStatus.draft.value)
        s.add(p)
        s.flush()
        audit.record(s, actor=actor, action="power.create", entity_type="power",
                     entity_id=p.id, after=_snapshot(p))
        return int(p.id)


def _copy_children(s: Session, old_id: int, new_id: int) -> None:
    steps = s.execute(select(PowerStep).where(PowerStep.power_id == old_id)).scalars().all()
    if steps:
        s.execute(insert(PowerStep), [
            dict(power_id=new_id, seq=x.seq, name=x.name, post=x.post, limit_days=x.limit_days,
                 supervision_point=x.supervision_point, discretionary=x.discretionary)
            for x in steps])
    edges = s.execute(select(PowerEdge).where(PowerEdge.power_id == old_id)).scalars().all()
    if edges:
        s.execute(insert(PowerEdge), [
            dict(power_id=new_id, from_seq=e.from_seq, to_seq=e.to_seq, condition=e.condition)
            for e in edges])
    risks = s.execute(select(RiskPoint).where(RiskPoint.power_id == old_id)).scalars().all()
    if risks:
        now = utcnow()
        s.execute(insert(RiskPoint), [
            {**r.model_dump(exclude={"id", "power_id", "created_at", "updated_at"}),
             "power_id": new_id, "created_at": now, "updated_at": now} for r in risks])


def _new_version(s: Session, actor: str, old: Power) -> Power:
    """A draft copy of `old` (children included) that becomes the current version."""
    top = s.execute(select(func.max(Power.version)).where(Power.code == old.code)).scalar_one()
    s.execute(update(Power).where(Power.code == old.code)
              .values(is_current=False, current_code=None))
    s.flush()
    new = Power(**{k: getattr(old, k) for k in (
        "code", "name", "category", "department_id", "legal_basis", "statutory_limit_days",
        "promised_limit_days", "fee_standard", "online_available", "region_code",
        "internal_note")}, version=top + 1, is_current=True, current_code=old.code,
        status=PowerStatus.draft.value)
    s.add(new)
    s.flush()
    _copy_children(s, old.id, new.id)
    audit.record(s, actor=actor, action="power.new_version", entity_type="power",
                 entity_id=new.id, before={"id": old.id, "version": old.version},
                 after=_snapshot(new))
    return new


def _editable(s: Session, actor: str, p: Power) -> Power:
    """The version to change: itself when draft/confirmed, a new version when published."""
    if not p.is_current:
        raise PowerError("power.err_not_current", version=p.version)
    if p.status == PowerStatus.abolished.value:
        raise PowerError("power.err_abolished")
    if p.status == PowerStatus.published.value:
        return _new_version(s, actor, p)
    return p


def update_power(engine: Engine, *, actor: str, scope: Scope, power_id: int,
                 data: PowerCreate) -> int:
    """Save the form; returns the id of the version changed (new when it was published)."""
    data = PowerCreate.model_validate(data.model_dump())
    _check_content(data)
    with session_scope(engine) as s:
        old = _load(s, scope, power_id, lock=True)
        if data.code != old.code:
            raise PowerError("power.err_code_fixed")
        dept = _department_in_scope(s, scope, data.department_id)
        p = _editable(s, actor, old)
        before = _snapshot(p)
        for k, v in data.model_dump().items():
            setattr(p, k, v)
        p.region_code = dept.region_code
        p.status = PowerStatus.draft.value
        p.updated_at = utcnow()
        s.add(p)
        s.flush()
        audit.record(s, actor=actor, action="power.update", entity_type="power",
                     entity_id=p.id, before=before, after=_snapshot(p))
        return int(p.id)


def publish_problems(s: Session, p: Power) -> list[tuple[str, dict]]:
    """Why `p` may not be published: risk points without measures, flow problems."""
    problems: list[tuple[str, dict]] = []
    from services.power.risk import level_thresholds  # noqa: PLC0415  (risk imports this module)

    high_min, medium_min = level_thresholds(s)
    without = s.execute(select(RiskPoint).where(
        RiskPoint.power_id == p.id,
        func.coalesce(func.trim(RiskPoint.measures), "") == "").order_by(RiskPoint.no)).scalars()
    for rp in without:
        level = risk_level(sum(bool(getattr(rp, c)) for c in CRITERIA),
                           high_min=high_min, medium_min=medium_min)
        if level in ("高", "中"):
            problems.append(("power.err_publish_measures",
                             {"level": level, "step": rp.step_seq if rp.step_seq is not None
                              else "-", "description": rp.description[:40]}))
    steps = frame(s.execute(select(PowerStep.seq, PowerStep.name, PowerStep.post,
                                   PowerStep.limit_days, PowerStep.supervision_point,
                                   PowerStep.discretionary)
                            .where(PowerStep.power_id == p.id)).all(), STEP_SCHEMA)
    edges = frame(s.execute(select(PowerEdge.from_seq, PowerEdge.to_seq, PowerEdge.condition)
                            .where(PowerEdge.power_id == p.id)).all(), EDGE_SCHEMA)
    problems += [(i.key, i.params) for i in validate_flow(steps, edges, p.promised_limit_days)]
    return problems


class PublishRefused(PowerError):
    def __init__(self, problems: list[tuple[str, dict]]) -> None:
        super().__init__("power.err_publish_refused", n=len(problems))
        self.problems = problems


def transition(engine: Engine, *, actor: str, scope: Scope, power_id: int,
               to_status: str) -> None:
    with session_scope(engine) as s:
        p = _load(s, scope, power_id, lock=True)
        if not p.is_current:
            raise PowerError("power.err_not_current", version=p.version)
        if to_status not in TRANSITIONS.get(p.status, ()):
            raise PowerError("power.err_transition", frm=p.status, to=to_status)
        if to_status == PowerStatus.published.value:
            problems = publish_problems(s, p)
            if problems:
                raise PublishRefused(problems)
        before = _snapshot(p)
        p.status, p.updated_at = to_status, utcnow()
        s.add(p)
        s.flush()
        audit.record(s, actor=actor, action=f"power.{to_status}", entity_type="power",
                     entity_id=p.id, before=before, after=_snapshot(p))


def _check_flow_rows(steps: pl.DataFrame, edges: pl.DataFrame) -> None:
    """Table input problems that cannot be stored at all (named by row and column)."""
    for i, r in enumerate(steps.iter_rows(named=True), start=1):
        if r.get("seq") is None:
            raise PowerError("power.err_step_cell", row=i, column="seq")
        if not (r.get("name") or "").strip():
            raise PowerError("power.err_step_cell", row=i, column="name")
        if r.get("limit_days") is not None and r["limit_days"] < 0:
            raise PowerError("power.err_step_cell", row=i, column="limit_days")
    if steps.height != steps["seq"].n_unique():
        dup = steps.filter(pl.col("seq").is_duplicated())["seq"][0]
        raise PowerError("power.flow.duplicate_seq", seq=dup)
    seen: set[tuple[int, int]] = set()
    for i, r in enumerate(edges.iter_rows(named=True), start=1):
        for col in ("from_seq", "to_seq"):
            if r.get(col) is None:
                raise PowerError("power.err_edge_cell", row=i, column=col)
        if (r["from_seq"], r["to_seq"]) in seen:
            raise PowerError("power.err_edge_duplicate", row=i, frm=r["from_seq"], to=r["to_seq"])
        seen.add((r["from_seq"], r["to_seq"]))


def save_flow(engine: Engine, *, actor: str, scope: Scope, power_id: int,
              steps: pl.DataFrame, edges: pl.DataFrame) -> tuple[int, list]:
    """Replace the flow of a power (a new version when it is published). Returns the id of
    the version saved and the flow's validation problems (saving an incomplete flow is
    allowed; publishing it is not)."""
    steps = steps.select(pl.col(c).cast(dt) for c, dt in STEP_SCHEMA.items())
    edges = edges.select(pl.col(c).cast(dt) for c, dt in EDGE_SCHEMA.items())
    _check_flow_rows(steps, edges)
    with session_scope(engine) as s:
        p = _editable(s, actor, _load(s, scope, power_id, lock=True))
        before = {"steps": s.execute(select(func.count()).where(
            PowerStep.power_id == p.id)).scalar_one()}
        s.execute(delete(PowerEdge).where(PowerEdge.power_id == p.id))
        s.execute(delete(PowerStep).where(PowerStep.power_id == p.id))
        if steps.height:
            s.execute(insert(PowerStep), [
                {**r, "post": r["post"] or "", "name": r["name"].strip(),
                 "supervision_point": bool(r["supervision_point"]),
                 "discretionary": bool(r["discretionary"]), "power_id": p.id}
                for r in steps.iter_rows(named=True)])
        if edges.height:
            s.execute(insert(PowerEdge), [
                {**r, "condition": (r["condition"] or "").strip() or None, "power_id": p.id}
                for r in edges.iter_rows(named=True)])
        p.updated_at = utcnow()
        if p.status == PowerStatus.confirmed.value:
            p.status = PowerStatus.draft.value
        s.add(p)
        audit.record(s, actor=actor, action="power.flow", entity_type="power", entity_id=p.id,
                     before=before, after={"steps": steps.height, "edges": edges.height})
        issues = validate_flow(steps, edges, p.promised_limit_days)
        return int(p.id), issues

