"""Rule inputs of S1 (see metrics/power/rules.py for the columns). Whole province, no scope;
or just the rows of a set of departments (partitioned sync, issue 12)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from metrics.power.risk import CRITERIA, risk_level_expr
from metrics.power.rules import (
    EDGES_SCHEMA,
    IN_FORCE_SCHEMA,
    INSPECTION_SCHEMA,
    RISK_POINT_SCHEMA,
    STEPS_SCHEMA,
)
from models.power import Inspection, Power, PowerEdge, PowerStep, RiskPoint
from services.lights.inputs import Bind, Departments, Loader, loader_table
from services.platform.frames import read_frame
from services.power.catalog import in_force_clause
from services.power.thresholds import level_thresholds

LOADERS: dict[str, Loader] = {}
loader = loader_table(LOADERS)


def _of(stmt, departments: Departments, column):  # noqa: ANN001, ANN202
    return stmt if departments is None else stmt.where(column.in_(sorted(departments)))


@loader("power_risk_points", tables=("power", "risk_point", "rule_setting"),
        by_department=True)
def power_risk_points(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    """Risk points of versions not abolished; the level graded from the criteria with the
    admin's thresholds (the stored level may predate a threshold change or an upload)."""
    stmt = (select(RiskPoint.id, RiskPoint.power_id, Power.code, Power.name, Power.version,
                   Power.status, Power.is_current, in_force_clause(), Power.department_id,
                   Power.region_code, RiskPoint.step_seq, RiskPoint.level,
                   func.coalesce(func.trim(RiskPoint.measures), "") != "",
                   RiskPoint.last_review, *(getattr(RiskPoint, c) for c in CRITERIA))
            .join(Power, Power.id == RiskPoint.power_id)
            .where(Power.status != "abolished"))
    stmt = _of(stmt, departments, Power.department_id)
    schema = RISK_POINT_SCHEMA | {c: pl.Boolean() for c in CRITERIA}
    with Session(bind) as s:
        high_min, medium_min = level_thresholds(session=s)
    frame = read_frame(bind, stmt, schema)
    return frame.with_columns(risk_level_expr(high_min=high_min, medium_min=medium_min)) \
        .select(list(RISK_POINT_SCHEMA))


@loader("power_in_force", tables=("power",), by_department=True)
def power_in_force(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    stmt = select(Power.id, Power.code, Power.name, Power.version, Power.department_id,
                  Power.region_code, Power.promised_limit_days).where(in_force_clause())
    stmt = _of(stmt, departments, Power.department_id)
    return read_frame(bind, stmt, IN_FORCE_SCHEMA)


@loader("power_in_force_steps", tables=("power", "power_step"), by_department=True)
def power_in_force_steps(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    stmt = (select(PowerStep.power_id, PowerStep.seq, PowerStep.name, PowerStep.limit_days)
            .join(Power, Power.id == PowerStep.power_id).where(in_force_clause()))
    stmt = _of(stmt, departments, Power.department_id)
    return read_frame(bind, stmt, STEPS_SCHEMA)


@loader("power_in_force_edges", tables=("power", "power_edge"), by_department=True)
def power_in_force_edges(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    stmt = (select(PowerEdge.power_id, PowerEdge.from_seq, PowerEdge.to_seq)
            .join(Power, Power.id == PowerEdge.power_id).where(in_force_clause()))
    stmt = _of(stmt, departments, Power.department_id)
    return read_frame(bind, stmt, EDGES_SCHEMA)


@loader("power_inspections", tables=("inspection",), by_department=True)
def power_inspections(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    stmt = select(Inspection.id, Inspection.department_id, Inspection.region_code,
                  Inspection.inspected_on, Inspection.rectify_by, Inspection.rectified_on)
    stmt = _of(stmt, departments, Inspection.department_id)
    return read_frame(bind, stmt, INSPECTION_SCHEMA)
