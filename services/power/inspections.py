"""S1 inspections (监督检查) of departments or powers, and their rectification."""

from __future__ import annotations

from datetime import date

import polars as pl
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select
from sqlmodel import Session

from models.org import Department
from models.power import Inspection, Power
from services.platform import audit
from services.platform.scope import Scope
from services.power.catalog import PowerError, department_in_scope, frame

INSPECTION_SCHEMA = {
    "id": pl.Int64, "ref_no": pl.String, "department_id": pl.Int64, "department": pl.String,
    "region_code": pl.String, "power_id": pl.Int64, "power": pl.String,
    "inspected_on": pl.Date, "findings": pl.String, "rectify_by": pl.Date,
    "rectified_on": pl.Date, "inspector": pl.String,
}


class InspectionInput(BaseModel):
    department_id: int
    power_id: int | None = None
    inspected_on: date
    findings: str = Field(min_length=1, max_length=4000)
    rectify_by: date | None = None
    inspector: str = Field(default="", max_length=100)

    @model_validator(mode="after")
    def _dates(self) -> InspectionInput:
        if self.rectify_by is not None and self.rectify_by < self.inspected_on:
            raise ValueError("rectify_by before inspected_on")
        return self


def inspections_frame(scope: Scope, *, session: Session, department_id: int | None = None,
                      open_only: bool = False, region_code: str | None = None,
                      since: date | None = None, until: date | None = None) -> pl.DataFrame:
    """Inspections in scope, newest first; optionally of one region (exactly), one department
    and inspected within [since, until]."""
    stmt = (select(Inspection.id, Inspection.ref_no, Inspection.department_id, Department.name,
                   Inspection.region_code, Inspection.power_id, Power.name,
                   Inspection.inspected_on, Inspection.findings, Inspection.rectify_by,
                   Inspection.rectified_on, Inspection.inspector)
            .join(Department, Department.id == Inspection.department_id)
            .outerjoin(Power, Power.id == Inspection.power_id)
            .where(scope.where(Inspection.region_code, Inspection.department_id))
            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc()))
    if department_id:
        stmt = stmt.where(Inspection.department_id == department_id)
    if open_only:
        stmt = stmt.where(Inspection.rectified_on.is_(None))
    if region_code:
        stmt = stmt.where(Inspection.region_code == region_code)
    if since:
        stmt = stmt.where(Inspection.inspected_on >= since)
    if until:
        stmt = stmt.where(Inspection.inspected_on <= until)
    return frame(session.execute(stmt).all(), INSPECTION_SCHEMA)


def record_inspection(*, session: Session, actor: str, scope: Scope,
                      data: InspectionInput) -> int:
    try:
        data = InspectionInput.model_validate(data.model_dump())
    except ValueError as exc:
        raise PowerError("power.insp.err_dates") from exc
    dept = department_in_scope(data.department_id, scope, session=session)
    if data.power_id is not None:
        p = session.get(Power, data.power_id)
        if p is None or p.department_id != dept.id:
            raise PowerError("power.insp.err_power")
    n = session.execute(select(func.count()).where(
        Inspection.department_id == dept.id,
        Inspection.inspected_on == data.inspected_on)).scalar_one()
    ref_no = f"JC-{dept.code}-{data.inspected_on:%Y%m%d}-{n + 1:02d}"
    row = Inspection(**data.model_dump(), ref_no=ref_no, region_code=dept.region_code)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="power.inspection.create", entity_type="inspection",
                 entity_id=row.id, after=row.model_dump(exclude={"created_at"}))
    return int(row.id)


def mark_rectified(*, session: Session, actor: str, scope: Scope, inspection_id: int,
                   on: date) -> None:
    row = session.get(Inspection, inspection_id)
    if row is None or not scope.allows_region(row.region_code) or (
            scope.department_id is not None and scope.department_id != row.department_id):
        raise PowerError("power.err_not_found")
    if on < row.inspected_on:
        raise PowerError("power.insp.err_rectified_before")
    before = row.rectified_on
    row.rectified_on = on
    session.add(row)
    audit.record(session, actor=actor, action="power.inspection.rectified",
                 entity_type="inspection", entity_id=row.id,
                 before={"rectified_on": before}, after={"rectified_on": on})
