"""S4 e-supervision reads for pages and the cockpit: each takes the caller's `session`
(keyword-only) and `Scope`, applies the scope in SQL and returns polars frames (or plain
values). The frames themselves are read by services.esupervision.frames on the session's
connection, the same readers the rule-input loaders use for the whole province."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from core.statuses import LIGHT_OPEN
from metrics.esupervision.rules import AP_R1, AP_Y1, CASES_SCHEMA
from metrics.lights.registry import evaluate
from models.esupervision import ApprovalCase, CaseStep, FundPayment, SpecialFund
from models.lights import Alert
from models.org import Department, Region
from models.power import Power, PowerStep
from services.esupervision import frames, fund_frames
from services.esupervision.frames import Timed, scoped
from services.lights.queue import last_request_writing
from services.lights.rule_settings import effective_params, stored_settings
from services.platform.frames import read_frame
from services.platform.scope import Scope


def timed_cases(*, session: Session, scope: Scope, today: date, **filters) -> Timed:  # noqa: ANN003
    """Cases with deadline, elapsed and remaining working days (CASES_SCHEMA + remaining);
    `filters` as services.esupervision.frames.cases_stmt takes them."""
    return frames.timed_cases(session.connection(), scope, today=today, **filters)


def timed_steps(*, session: Session, scope: Scope, today: date,
                case_ids: list[int] | None = None) -> pl.DataFrame:
    return frames.timed_steps(session.connection(), scope, today=today, case_ids=case_ids)


def read_suspensions(*, session: Session, scope: Scope,
                     case_ids: list[int] | None = None) -> pl.DataFrame:
    return frames.read_suspensions(session.connection(), scope, case_ids)


def read_funds(*, session: Session, scope: Scope, year: int | None = None) -> pl.DataFrame:
    return fund_frames.read_funds(session.connection(), scope, year=year)


def read_payments(*, session: Session, scope: Scope,
                  fund_ids: list[int] | None = None) -> pl.DataFrame:
    return fund_frames.read_payments(session.connection(), scope, fund_ids=fund_ids)


def power_steps(*, session: Session, power_id: int) -> pl.DataFrame:
    """A power's flow steps (published data: no scope)."""
    stmt = (select(PowerStep.seq, PowerStep.name, PowerStep.post, PowerStep.limit_days)
            .where(PowerStep.power_id == power_id).order_by(PowerStep.seq))
    return read_frame(session.connection(), stmt,
                      {"seq": pl.Int64(), "name": pl.String(), "post": pl.String(),
                       "limit_days": pl.Int64()})


# ---- names for pages ------------------------------------------------------------------------

def departments_in_scope(*, session: Session, scope: Scope) -> pl.DataFrame:
    d = Department
    stmt = scoped(select(d.id, d.name, d.region_code), scope, d.region_code, d.id)
    return read_frame(session.connection(), stmt,
                      {"department_id": pl.Int64(), "department": pl.String(),
                       "region_code": pl.String()})


def regions_in_scope(*, session: Session, scope: Scope) -> pl.DataFrame:
    r = Region
    stmt = scoped(select(r.code, r.name, r.level, r.path), scope, r.code, None)
    return read_frame(session.connection(), stmt,
                      {"region_code": pl.String(), "region": pl.String(), "level": pl.String(),
                       "path": pl.String()})


def power_names(*, session: Session, scope: Scope) -> list[str]:
    stmt = scoped(select(Power.name).distinct(), scope, Power.region_code, Power.department_id)
    return sorted(session.execute(stmt.where(Power.status == "published")).scalars())


# ---- page helpers ------------------------------------------------------------------------

def case_lights(*, session: Session, cases: pl.DataFrame, today: date) -> pl.DataFrame:
    """Open cases with their light: red (AP-R1), yellow (AP-Y1), else green — the rules
    themselves with the admin's parameters."""
    stored = stored_settings(session=session)
    inputs = {"ap_cases": cases.select(*CASES_SCHEMA),
              "clock": pl.DataFrame({"today": [today]}, schema={"today": pl.Date})}
    red = evaluate(AP_R1, inputs, effective_params(AP_R1, stored))["subject_id"]
    yellow = evaluate(AP_Y1, inputs, effective_params(AP_Y1, stored))["subject_id"]
    return (cases.filter(pl.col("status").is_in(["in_progress", "suspended"]))
            .with_columns(pl.when(pl.col("case_no").is_in(red.implode())).then(pl.lit("red"))
                          .when(pl.col("case_no").is_in(yellow.implode())).then(pl.lit("yellow"))
                          .otherwise(pl.lit("green")).alias("light")))


def data_stamp(*, session: Session) -> tuple:
    """Changes when cases, steps, funds or payments are added, changed or deleted, on indexed
    maxima only: the newest row of each table, and the newest sync request, which every
    import and form save of these tables records (services.lights.touch) — a count of a
    province's million cases took 0.1 s on every rerun and missed corrections."""
    return tuple(session.execute(select(
        select(func.max(ApprovalCase.id)).scalar_subquery(),
        select(func.max(CaseStep.id)).scalar_subquery(),
        select(func.max(FundPayment.id)).scalar_subquery(),
        select(func.max(SpecialFund.id)).scalar_subquery(),
        last_request_writing(STAMP_TABLES))).one())


STAMP_TABLES = ("approval_case", "case_step", "case_suspension", "special_fund", "fund_payment")


def open_s4_alerts(*, session: Session, scope: Scope) -> dict[str, int]:
    """Open S4 lights in scope by level (statuses a supervisor still works)."""
    stmt = (select(Alert.level, func.count()).where(
        Alert.system == "S4", Alert.status.in_(LIGHT_OPEN),
        scope.where(Alert.region_code, Alert.department_id)).group_by(Alert.level))
    got = dict(session.execute(stmt).all())
    return {"red": got.get("red", 0), "yellow": got.get("yellow", 0)}


def open_red_by_department(*, session: Session, scope: Scope) -> pl.DataFrame:
    """Open red lights of every system per department and region in scope (department_id,
    region_code, open_red); lights without a department count in their region only."""
    stmt = (select(Alert.department_id, Alert.region_code, func.count()).where(
        Alert.level == "red", Alert.status.in_(LIGHT_OPEN),
        scope.where(Alert.region_code, Alert.department_id))
        .group_by(Alert.department_id, Alert.region_code))
    return read_frame(session.connection(), stmt, {"department_id": pl.Int64(),
                                                   "region_code": pl.String(),
                                                   "open_red": pl.Int64()})


def case_by_no(*, session: Session, scope: Scope, case_no: str) -> dict | None:
    c = ApprovalCase
    stmt = select(c.id, c.case_no, c.power_id, c.status).where(
        c.case_no == case_no, scope.where(c.region_code, c.department_id))
    row = session.execute(stmt).first()
    return dict(row._mapping) if row else None
