"""Rule inputs of S4 (see metrics/esupervision/rules.py for the columns). Whole province, no
scope; working-day columns computed here with the official calendar, "today" from the same
clock the `clock` loader gives the rules. Cases, steps, suspensions, funds and payments read
just the rows of a set of departments when given one (partitioned sync, issue 12)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select, union
from sqlalchemy.sql import Select

from metrics.esupervision.schemas import OPEN
from models.esupervision import ApprovalCase, CaseStep
from services.esupervision import flow_frames, fund_frames
from services.esupervision import frames as es
from services.esupervision.rule_groups import GROUPS  # noqa: F401  (startup registers them)
from services.lights.inputs import Bind, Departments, Loader, loader_table
from services.lights.rule_inputs import clock
from services.platform.scope import departments_scope


def _today(bind: Bind):  # noqa: ANN202
    return clock(bind)["today"][0]


def movable_cases() -> Select:
    """The cases whose working days the date still moves (the daily sweep's open rows): open
    ones, and any with a step still running (its days run until it ends); both indexed."""
    c, st = ApprovalCase, CaseStep
    return union(select(c.id).where(c.status.in_(OPEN)),
                 select(st.case_id).where(st.finished_at.is_(None)))


LOADERS: dict[str, Loader] = {}
loader = loader_table(LOADERS)


# `tables`: what the whole read reads; the open rows' choice of cases (movable_cases) reads
# case_step too, but only the sweep asks for them, and it re-runs the rules whatever changed
@loader("ap_cases", tables=("approval_case", "calendar_year", "case_suspension", "power"),
        by_department=True, dated=True, open_rows=True)
def ap_cases(bind: Bind, departments: Departments = None, open_only: bool = False) -> pl.DataFrame:
    filters = {"case_ids": movable_cases()} if open_only else {}
    return es.timed_cases(bind, departments_scope(departments), today=_today(bind),
                          **filters).cases.drop("remaining_workdays")


# lead: a full sync's longest read (5.8M steps) starts first (services.lights.inputs: read order);
# on PostgreSQL a whole read takes them from case_step's digest, kept from case_step by triggers
@loader("ap_steps", tables=("approval_case", "calendar_year", "case_step", "case_suspension",
                            "power_step"), by_department=True, dated=True, open_rows=True, lead=1)
def ap_steps(bind: Bind, departments: Departments = None, open_only: bool = False) -> pl.DataFrame:
    return es.timed_steps(bind, departments_scope(departments), today=_today(bind),
                          case_ids=movable_cases() if open_only else None, handlers=False)


# by department: the flows of the power versions the departments' cases were handled under
# (AP-R2 checks a department's cases against those only); a case's own change re-runs AP-R2
# through ap_cases and ap_steps, so the declared table is the flow's alone
@loader("ap_flow_steps", tables=("power_step",), by_department=True)
def ap_flow_steps(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return flow_frames.flow_steps(bind, departments)


@loader("ap_flow_edges", tables=("power_edge",), by_department=True)
def ap_flow_edges(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return flow_frames.flow_edges(bind, departments=departments)


@loader("ap_suspensions", tables=("approval_case", "calendar_year", "case_suspension"),
        by_department=True, dated=True, open_rows=True)
def ap_suspensions(bind: Bind, departments: Departments = None, open_only: bool = False) -> pl.DataFrame:
    return es.timed_suspensions(bind, departments_scope(departments), today=_today(bind),
                                case_ids=movable_cases() if open_only else None)


@loader("fd_funds", tables=("special_fund",), by_department=True)
def fd_funds(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return fund_frames.read_funds(bind, departments_scope(departments))


@loader("fd_payments", tables=("fund_payment", "special_fund"), by_department=True)
def fd_payments(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return fund_frames.read_payments(bind, departments_scope(departments))
