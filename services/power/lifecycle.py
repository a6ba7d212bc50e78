"""S1 power edits and lifecycle, in the caller's session.

Lifecycle: draft -> confirmed (the department confirms) -> published -> abolished; a confirmed
power may go back to draft. Editing a draft or confirmed power changes it in place (a confirmed
one returns to draft); editing a published power creates a new version (same code, version+1,
draft) that becomes the current one, with its steps, edges and risk points copied; the published
version stays in force (and public) until the new one is published. Every transition and edit
is audited in the same transaction."""

from __future__ import annotations

import polars as pl
from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session

from metrics.power.flowchart import validate_flow
from metrics.power.risk import CRITERIA, risk_level
from models.base import utcnow
from models.power import POWER_CATEGORIES, Power, PowerCreate, PowerEdge, PowerStatus, PowerStep, RiskPoint
from services.platform import audit
from services.platform.scope import Scope
from services.power.catalog import (
    EDGE_SCHEMA,
    STEP_SCHEMA,
    PowerError,
    department_in_scope,
    frame,
    load_in_scope,
)
from services.power.thresholds import level_thresholds

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("confirmed",),
    "confirmed": ("published", "draft"),
    "published": ("abolished",),
    "abolished": (),
}


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


def create_power(*, session: Session, actor: str, scope: Scope, data: PowerCreate) -> int:
    data = PowerCreate.model_validate(data.model_dump())
    _check_content(data)
    dept = department_in_scope(data.department_id, scope, session=session)
    if session.execute(select(Power.id).where(Power.code == data.code)).first():
        raise PowerError("power.err_code_taken", code=data.code)
    p = Power(**data.model_dump(), region_code=dept.region_code, version=1,
              is_current=True, current_code=data.code, status=PowerStatus.draft.value)
    session.add(p)
    session.flush()
    audit.record(session, actor=actor, action="power.create", entity_type="power",
                 entity_id=p.id, after=_snapshot(p))
    return int(p.id)


def _copy_children(session: Session, old_id: int, new_id: int) -> None:
    steps = session.execute(select(PowerStep).where(PowerStep.power_id == old_id)).scalars().all()
    if steps:
        session.execute(insert(PowerStep), [
            dict(power_id=new_id, seq=x.seq, name=x.name, post=x.post, limit_days=x.limit_days,
                 supervision_point=x.supervision_point, discretionary=x.discretionary)
            for x in steps])
    edges = session.execute(select(PowerEdge).where(PowerEdge.power_id == old_id)).scalars().all()
    if edges:
        session.execute(insert(PowerEdge), [
            dict(power_id=new_id, from_seq=e.from_seq, to_seq=e.to_seq, condition=e.condition)
            for e in edges])
    risks = session.execute(select(RiskPoint).where(RiskPoint.power_id == old_id)).scalars().all()
    if risks:
        now = utcnow()
        session.execute(insert(RiskPoint), [
            {**r.model_dump(exclude={"id", "power_id", "created_at", "updated_at"}),
             "power_id": new_id, "created_at": now, "updated_at": now} for r in risks])


def _new_version(session: Session, actor: str, old: Power) -> Power:
    """A draft copy of `old` (children included) that becomes the current version."""
    top = session.execute(select(func.max(Power.version)).where(Power.code == old.code)).scalar_one()
    session.execute(update(Power).where(Power.code == old.code)
              .values(is_current=False, current_code=None))
    session.flush()
    new = Power(**{k: getattr(old, k) for k in (
        "code", "name", "category", "department_id", "legal_basis", "statutory_limit_days",
        "promised_limit_days", "fee_standard", "online_available", "region_code",
        "internal_note")}, version=top + 1, is_current=True, current_code=old.code,
        status=PowerStatus.draft.value)
    session.add(new)
    session.flush()
    _copy_children(session, old.id, new.id)
    audit.record(session, actor=actor, action="power.new_version", entity_type="power",
                 entity_id=new.id, before={"id": old.id, "version": old.version},
                 after=_snapshot(new))
    return new


def _editable(session: Session, actor: str, p: Power) -> Power:
    """The version to change: itself when draft/confirmed, a new version when published."""
    if not p.is_current:
        raise PowerError("power.err_not_current", version=p.version)
    if p.status == PowerStatus.abolished.value:
        raise PowerError("power.err_abolished")
    if p.status == PowerStatus.published.value:
        return _new_version(session, actor, p)
    return p


def update_power(*, session: Session, actor: str, scope: Scope, power_id: int,
                 data: PowerCreate) -> int:
    """Save the form; returns the id of the version changed (new when it was published)."""
    data = PowerCreate.model_validate(data.model_dump())
    _check_content(data)
    old = load_in_scope(power_id, scope, session=session, lock=True)
    if data.code != old.code:
        raise PowerError("power.err_code_fixed")
    dept = department_in_scope(data.department_id, scope, session=session)
    p = _editable(session, actor, old)
    before = _snapshot(p)
    for k, v in data.model_dump().items():
        setattr(p, k, v)
    p.region_code = dept.region_code
    p.status = PowerStatus.draft.value
    p.updated_at = utcnow()
    session.add(p)
    session.flush()
    audit.record(session, actor=actor, action="power.update", entity_type="power",
                 entity_id=p.id, before=before, after=_snapshot(p))
    return int(p.id)


def publish_problems(p: Power, *, session: Session) -> list[tuple[str, dict]]:
    """Why `p` may not be published: risk points without measures, flow problems."""
    problems: list[tuple[str, dict]] = []
    high_min, medium_min = level_thresholds(session=session)
    without = session.execute(select(RiskPoint).where(
        RiskPoint.power_id == p.id,
        func.coalesce(func.trim(RiskPoint.measures), "") == "").order_by(RiskPoint.no)).scalars()
    for rp in without:
        level = risk_level(sum(bool(getattr(rp, c)) for c in CRITERIA),
                           high_min=high_min, medium_min=medium_min)
        if level in ("高", "中"):
            problems.append(("power.err_publish_measures",
                             {"level": level, "step": rp.step_seq if rp.step_seq is not None
                              else "-", "description": rp.description[:40]}))
    steps = frame(session.execute(select(PowerStep.seq, PowerStep.name, PowerStep.post,
                                   PowerStep.limit_days, PowerStep.supervision_point,
                                   PowerStep.discretionary)
                            .where(PowerStep.power_id == p.id)).all(), STEP_SCHEMA)
    edges = frame(session.execute(select(PowerEdge.from_seq, PowerEdge.to_seq, PowerEdge.condition)
                            .where(PowerEdge.power_id == p.id)).all(), EDGE_SCHEMA)
    problems += [(i.key, i.params) for i in validate_flow(steps, edges, p.promised_limit_days)]
    return problems


class PublishRefused(PowerError):
    def __init__(self, problems: list[tuple[str, dict]]) -> None:
        super().__init__("power.err_publish_refused", n=len(problems))
        self.problems = problems


def transition(*, session: Session, actor: str, scope: Scope, power_id: int,
               to_status: str) -> None:
    p = load_in_scope(power_id, scope, session=session, lock=True)
    if not p.is_current:
        raise PowerError("power.err_not_current", version=p.version)
    if to_status not in TRANSITIONS.get(p.status, ()):
        raise PowerError("power.err_transition", frm=p.status, to=to_status)
    if to_status == PowerStatus.published.value:
        problems = publish_problems(p, session=session)
        if problems:
            raise PublishRefused(problems)
    before = _snapshot(p)
    now = utcnow()
    p.status, p.updated_at = to_status, now
    if to_status == PowerStatus.published.value:
        # in force from now; the version in force until now retires (cases received from now
        # on attach to this one, earlier ones keep theirs)
        session.execute(update(Power).where(Power.code == p.code, Power.id != p.id,
                                            Power.published_at.is_not(None),
                                            Power.retired_at.is_(None))
                        .values(retired_at=now, updated_at=now))
        p.published_at = now
    elif to_status == PowerStatus.abolished.value:
        p.retired_at = now
    session.add(p)
    session.flush()
    audit.record(session, actor=actor, action=f"power.{to_status}", entity_type="power",
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


def save_flow(*, session: Session, actor: str, scope: Scope, power_id: int,
              steps: pl.DataFrame, edges: pl.DataFrame) -> tuple[int, list]:
    """Replace the flow of a power (a new version when it is published). Returns the id of
    the version saved and the flow's validation problems (saving an incomplete flow is
    allowed; publishing it is not)."""
    steps = steps.select(pl.col(c).cast(dt) for c, dt in STEP_SCHEMA.items())
    edges = edges.select(pl.col(c).cast(dt) for c, dt in EDGE_SCHEMA.items())
    _check_flow_rows(steps, edges)
    p = _editable(session, actor, load_in_scope(power_id, scope, session=session, lock=True))
    before = {"steps": session.execute(select(func.count()).where(
        PowerStep.power_id == p.id)).scalar_one()}
    session.execute(delete(PowerEdge).where(PowerEdge.power_id == p.id))
    session.execute(delete(PowerStep).where(PowerStep.power_id == p.id))
    if steps.height:
        session.execute(insert(PowerStep), [
            {**r, "post": r["post"] or "", "name": r["name"].strip(),
             "supervision_point": bool(r["supervision_point"]),
             "discretionary": bool(r["discretionary"]), "power_id": p.id}
            for r in steps.iter_rows(named=True)])
    if edges.height:
        session.execute(insert(PowerEdge), [
            {**r, "condition": (r["condition"] or "").strip() or None, "power_id": p.id}
            for r in edges.iter_rows(named=True)])
    p.updated_at = utcnow()
    if p.status == PowerStatus.confirmed.value:
        p.status = PowerStatus.draft.value
    session.add(p)
    audit.record(session, actor=actor, action="power.flow", entity_type="power", entity_id=p.id,
                 before=before, after={"steps": steps.height, "edges": edges.height})
    issues = validate_flow(steps, edges, p.promised_limit_days)
    return int(p.id), issues

