"""S1 power catalog: scoped reads of powers, their versions and flows, and what the power
services share (the error, the in-force condition, scope checks on a power or department).
Edits, versions and the lifecycle are in `services.power.lifecycle`."""

from __future__ import annotations

import polars as pl
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from core.errors import AppError
from models.org import Department, Region
from models.power import Power, PowerEdge, PowerStatus, PowerStep
from services.platform.scope import Scope

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


def department_in_scope(department_id: int, scope: Scope, *, session: Session) -> Department:
    dept = session.get(Department, department_id)
    if dept is None or not scope.allows_region(dept.region_code) or (
            scope.department_id is not None and scope.department_id != dept.id):
        raise PowerError("power.err_department_scope")
    return dept


def load_in_scope(power_id: int, scope: Scope, *, session: Session, lock: bool = False) -> Power:
    """The power version `power_id` if the caller's scope reaches it (optionally locked)."""
    stmt = select(Power).where(Power.id == power_id)
    if lock:
        stmt = stmt.with_for_update()
    p = session.execute(stmt).scalar_one_or_none()
    if p is None or not scope.allows_region(p.region_code) or (
            scope.department_id is not None and scope.department_id != p.department_id):
        raise PowerError("power.err_not_found")
    return p


def powers_frame(scope: Scope, *, session: Session, region_code: str | None = None,
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
    return frame(session.execute(stmt).all(), POWER_SCHEMA)


def _public_filters(stmt, *, search: str | None, category: str | None,  # noqa: ANN001, ANN202
                    region_code: str | None, department_id: int | None):
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(Power.name.like(like), Power.code.like(like),
                              Department.name.like(like)))
    if category:
        stmt = stmt.where(Power.category == category)
    if region_code:
        stmt = stmt.where(Power.region_code == region_code)
    if department_id:
        stmt = stmt.where(Power.department_id == department_id)
    return stmt


def public_powers_frame(*, session: Session, search: str | None = None,
                        category: str | None = None, region_code: str | None = None,
                        department_id: int | None = None, limit: int = 500,
                        offset: int = 0) -> pl.DataFrame:
    """What the public may read: versions in force only, public columns only; one page of
    `limit` rows from `offset` (see `public_powers_count` for the total)."""
    stmt = (select(*_columns()).join(Department, Department.id == Power.department_id)
            .join(Region, Region.code == Power.region_code)
            .where(in_force_clause()).order_by(Power.region_code, Power.code, Power.id))
    stmt = _public_filters(stmt, search=search, category=category, region_code=region_code,
                           department_id=department_id).limit(limit).offset(offset)
    df = frame(session.execute(stmt).all(), POWER_SCHEMA)
    return df.drop("is_current", "status", "updated_at")


def public_powers_count(*, session: Session, search: str | None = None,
                        category: str | None = None, region_code: str | None = None,
                        department_id: int | None = None) -> int:
    stmt = (select(func.count()).select_from(Power)
            .join(Department, Department.id == Power.department_id).where(in_force_clause()))
    stmt = _public_filters(stmt, search=search, category=category, region_code=region_code,
                           department_id=department_id)
    return int(session.execute(stmt).scalar_one())


def public_places(*, session: Session) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Regions and departments that have powers in force (names only: the public may read them)."""
    in_force = select(Power.department_id).where(in_force_clause()).distinct()
    depts = session.execute(
        select(Department.id, Department.name, Department.region_code, Region.name, Region.path)
        .join(Region, Region.code == Department.region_code)
        .where(Department.id.in_(in_force)).order_by(Region.path, Department.code)).all()
    df = pl.DataFrame([tuple(r) for r in depts], orient="row", schema={
        "id": pl.Int64, "name": pl.String, "region_code": pl.String, "region_name": pl.String,
        "path": pl.String})
    regions = df.select("region_code", "region_name", "path").unique("region_code").sort("path")
    return regions, df.drop("path")


def versions_frame(scope: Scope, code: str, *, session: Session) -> pl.DataFrame:
    """Every version of a power code in scope, newest first."""
    stmt = (select(*_columns()).join(Department, Department.id == Power.department_id)
            .join(Region, Region.code == Power.region_code)
            .where(scope.where(Power.region_code, Power.department_id), Power.code == code)
            .order_by(Power.version.desc()))
    return frame(session.execute(stmt).all(), POWER_SCHEMA)


def get_power(scope: Scope | None, power_id: int, *, session: Session,
              public: bool = False) -> dict | None:
    """One power version as a dict (with department and region names), if in scope (or, for
    `public`, if it is the version in force)."""
    stmt = (select(*_columns(), Power.internal_note)
            .join(Department, Department.id == Power.department_id)
            .join(Region, Region.code == Power.region_code).where(Power.id == power_id))
    stmt = stmt.where(in_force_clause()) if public else stmt.where(
        scope.where(Power.region_code, Power.department_id))
    row = session.execute(stmt).first()
    if row is None:
        return None
    out = dict(zip([*POWER_SCHEMA, "internal_note"], row, strict=True))
    if public:
        out.pop("internal_note")
    return out


def flow_frames(power_id: int, *, session: Session) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Steps and edges of one power version (call after get_power has checked the scope)."""
    steps = session.execute(select(PowerStep.seq, PowerStep.name, PowerStep.post,
                             PowerStep.limit_days, PowerStep.supervision_point,
                             PowerStep.discretionary)
                      .where(PowerStep.power_id == power_id).order_by(PowerStep.seq)).all()
    edges = session.execute(select(PowerEdge.from_seq, PowerEdge.to_seq, PowerEdge.condition)
                      .where(PowerEdge.power_id == power_id)
                      .order_by(PowerEdge.from_seq, PowerEdge.to_seq)).all()
    return frame(steps, STEP_SCHEMA), frame(edges, EDGE_SCHEMA)


