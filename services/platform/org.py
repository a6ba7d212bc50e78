"""Regions and departments: scoped reads and audited writes, in the caller's session."""

from __future__ import annotations

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from core.errors import AppError
from models.org import Department, DepartmentCreate, Region, RegionCreate, RegionLevel
from models.users import User
from services.platform import audit
from services.platform.scope import Scope

_CHILD_LEVEL = {RegionLevel.province: RegionLevel.city, RegionLevel.city: RegionLevel.county}


class OrgError(AppError):
    """A rejected org change; `key` names the i18n message, `params` fill it."""


def regions_frame(scope: Scope, *, session: Session) -> pl.DataFrame:
    """Regions in scope with department and user counts, ordered as a tree (by path); a
    department-scoped user counts only their own department and its accounts."""
    dept_counts = (
        select(Department.region_code, func.count().label("departments"))
        .where(scope.department_filter(Department.id))
        .group_by(Department.region_code).subquery()
    )
    user_counts = (
        select(User.region_code, func.count().label("users"))
        .where(User.active.is_(True), scope.department_filter(User.department_id))
        .group_by(User.region_code).subquery()
    )
    stmt = (
        select(Region.code, Region.name, Region.level, Region.parent_code, Region.path,
               func.coalesce(dept_counts.c.departments, 0).label("departments"),
               func.coalesce(user_counts.c.users, 0).label("users"))
        .outerjoin(dept_counts, dept_counts.c.region_code == Region.code)
        .outerjoin(user_counts, user_counts.c.region_code == Region.code)
        .where(scope.region_filter(Region.code))
        .order_by(Region.path)
    )
    rows = session.execute(stmt).all()
    return pl.DataFrame(
        [(r.code, r.name, str(r.level.value if hasattr(r.level, "value") else r.level),
          r.parent_code, r.path, int(r.departments), int(r.users)) for r in rows],
        schema={"code": pl.String, "name": pl.String, "level": pl.String,
                "parent_code": pl.String, "path": pl.String, "departments": pl.Int64,
                "users": pl.Int64},
        orient="row",
    )


def departments_frame(scope: Scope, region_code: str | None = None, *,
                      session: Session) -> pl.DataFrame:
    stmt = (
        select(Department.id, Department.code, Department.name, Department.kind,
               Department.region_code, Region.name.label("region_name"), Department.active)
        .join(Region, Region.code == Department.region_code)
        .where(scope.where(Department.region_code, Department.id))
        .order_by(Department.region_code, Department.code)
    )
    if region_code:
        stmt = stmt.where(Department.region_code == region_code)
    rows = session.execute(stmt).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"id": pl.Int64, "code": pl.String, "name": pl.String, "kind": pl.String,
                "region_code": pl.String, "region_name": pl.String, "active": pl.Boolean},
        orient="row",
    )


def _region_snapshot(r: Region) -> dict:
    return {"code": r.code, "name": r.name, "level": str(r.level), "parent_code": r.parent_code}


def save_region(*, session: Session, actor: str, scope: Scope, data: RegionCreate) -> Region:
    """Create a region, or rename an existing one (code, level and parent are fixed)."""
    data = RegionCreate.model_validate(data.model_dump())
    existing = session.get(Region, data.code)
    if existing is not None:
        if not scope.allows_region(existing.code):
            raise OrgError("org.err_out_of_scope", code=existing.code)
        before = _region_snapshot(existing)
        existing.name = data.name
        session.add(existing)
        audit.record(session, actor=actor, action="region.update", entity_type="region",
                     entity_id=existing.code, before=before, after=_region_snapshot(existing))
        return existing
    if data.parent_code is None:
        if data.level != RegionLevel.province or session.execute(select(func.count()).select_from(Region)).scalar_one():
            raise OrgError("org.err_parent_required")
        path = f"{data.code}/"
    else:
        parent = session.get(Region, data.parent_code)
        if parent is None:
            raise OrgError("org.err_parent_missing", code=data.parent_code)
        if not scope.allows_region(parent.code):
            raise OrgError("org.err_out_of_scope", code=parent.code)
        if _CHILD_LEVEL.get(RegionLevel(parent.level)) != data.level:
            raise OrgError("org.err_level", level=str(data.level))
        path = f"{parent.path}{data.code}/"
    region = Region(**data.model_dump(), path=path)
    session.add(region)
    audit.record(session, actor=actor, action="region.create", entity_type="region",
                 entity_id=region.code, after=_region_snapshot(region))
    return region


def _dept_snapshot(d: Department) -> dict:
    return {"code": d.code, "name": d.name, "region_code": d.region_code, "kind": d.kind,
            "active": d.active}


def save_department(*, session: Session, actor: str, scope: Scope, data: DepartmentCreate,
                    active: bool = True) -> Department:
    """Create a department, or update the one with this code."""
    data = DepartmentCreate.model_validate(data.model_dump())
    if not scope.allows_region(data.region_code):
        raise OrgError("org.err_out_of_scope", code=data.region_code)
    if session.get(Region, data.region_code) is None:
        raise OrgError("org.err_parent_missing", code=data.region_code)
    existing = session.execute(select(Department).where(Department.code == data.code)).scalar_one_or_none()
    if existing is not None:
        if not scope.allows_region(existing.region_code):
            raise OrgError("org.err_out_of_scope", code=existing.region_code)
        before = _dept_snapshot(existing)
        for field, value in data.model_dump().items():
            setattr(existing, field, value)
        existing.active = active
        session.add(existing)
        session.flush()
        audit.record(session, actor=actor, action="department.update", entity_type="department",
                     entity_id=existing.code, before=before, after=_dept_snapshot(existing))
        return existing
    dept = Department(**data.model_dump(), active=active)
    session.add(dept)
    session.flush()
    audit.record(session, actor=actor, action="department.create", entity_type="department",
                 entity_id=dept.code, after=_dept_snapshot(dept))
    return dept
