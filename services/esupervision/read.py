"""S4 e-supervision reads: approval cases, steps, suspensions, funds and payments into polars,
fast enough for a province (services.frames: no ORM objects), with working-day timing from
the official calendar.

Every reader takes a Scope (None only for the province-wide rule loaders) and applies it in
SQL. Timestamps are read as UTC and turned into Asia/Shanghai calendar dates in polars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from sqlalchemy import func, literal, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Select
from sqlmodel import Session

from core.clock import CHINA_TZ
from core.statuses import LIGHT_OPEN
from metrics.esupervision.rules import (
    CASES_SCHEMA,
    EDGES_SCHEMA,
    FUNDS_SCHEMA,
    PAYMENTS_SCHEMA,
    STEPS_SCHEMA,
    SUSPENSIONS_SCHEMA,
)
from metrics.esupervision.timing import case_timing, step_timing, suspension_lengths
from metrics.platform.workdays import span
from metrics.power.flowchart import step_key
from models.esupervision import ApprovalCase, CaseStep, CaseSuspension, FundPayment, SpecialFund
from models.org import Department, Region
from models.power import Power, PowerEdge, PowerStep
from services.platform.frames import UTC_TIMESTAMP, read_frame, shanghai_date
from services.platform.scope import Scope
from services.platform.workcalendar import load_calendar

Bind = Engine | Connection
BASE_CASE_COLUMNS = [c for c in CASES_SCHEMA if c not in ("suspended_workdays", "deadline",
                                                          "elapsed_workdays")]


def _scoped(stmt: Select, scope: Scope | None, region_col, dept_col) -> Select:  # noqa: ANN001
    return stmt if scope is None else stmt.where(scope.where(region_col, dept_col))


# ---- statements ----------------------------------------------------------------------------

def cases_stmt(scope: Scope | None, *, since: date | None = None,
               until: date | None = None, open_only: bool = False,
               region_prefix: str | None = None, department_id: int | None = None,
               power_name: str | None = None) -> Select:
    c, p = ApprovalCase, Power
    stmt = (select(c.id, c.case_no, c.power_id, p.name, c.department_id, c.region_code,
                   c.channel, c.status, c.received_at, c.finished_at, c.promised_limit_days,
                   c.fee_charged,
                   p.fee_standard, p.online_available, c.reject_reason)
            .join(p, p.id == c.power_id))
    stmt = _scoped(stmt, scope, c.region_code, c.department_id)
    # the period is by date of receipt, except that open cases are always in view
    if since is not None:
        stmt = stmt.where((c.received_at >= _utc_day(since)) | c.status.in_(("in_progress", "suspended")))
    if until is not None:
        stmt = stmt.where(c.received_at < _utc_day(until + timedelta(days=1)))
    if open_only:
        stmt = stmt.where(c.status.in_(("in_progress", "suspended")))
    if region_prefix:
        stmt = stmt.where(c.region_code.in_(select(Region.code).where(
            Region.path.like(literal(region_prefix) + "%"))))
    if department_id is not None:
        stmt = stmt.where(c.department_id == department_id)
    if power_name:
        stmt = stmt.where(p.name == power_name)
    return stmt


def _utc_day(d: date):  # noqa: ANN202
    """Midnight Asia/Shanghai of `d`, as an aware UTC datetime."""
    from datetime import UTC, datetime, time

    return datetime.combine(d, time(0), CHINA_TZ).astimezone(UTC)


SUSP_READ = {"case_id": pl.Int64(), "suspension_id": pl.Int64(), "case_no": pl.String(),
             "department_id": pl.Int64(), "region_code": pl.String(), "kind": pl.String(),
             "start_on": pl.Date(), "end_on": pl.Date(), "reason": pl.String()}
STEP_RAW = {"case_id": pl.Int64(), "seq": pl.Int64(), "started_at": UTC_TIMESTAMP,
            "finished_at": UTC_TIMESTAMP, "handler": pl.String()}
STEP_READ = {"case_id": pl.Int64(), "seq": pl.Int64(), "step_name": pl.String(),
             "started_on": pl.Date(), "finished_on": pl.Date(), "step_limit_days": pl.Int64(),
             "started_at": UTC_TIMESTAMP, "handler": pl.String()}


def read_cases(bind: Bind, scope: Scope | None, **filters) -> pl.DataFrame:  # noqa: ANN003
    raw = {k: CASES_SCHEMA[k] for k in BASE_CASE_COLUMNS} | {
        "received_on": UTC_TIMESTAMP, "finished_on": UTC_TIMESTAMP}
    return read_frame(bind, cases_stmt(scope, **filters), raw).with_columns(
        shanghai_date("received_on"), shanghai_date("finished_on"))


def read_suspensions(bind: Bind, scope: Scope | None, case_ids: list[int] | None = None) -> pl.DataFrame:
    s, c = CaseSuspension, ApprovalCase
    stmt = (select(s.case_id, s.id, c.case_no, c.department_id, c.region_code, s.kind,
                   s.start_on, s.end_on, s.reason).join(c, c.id == s.case_id))
    stmt = _scoped(stmt, scope, c.region_code, c.department_id)
    if case_ids is not None:
        stmt = stmt.where(s.case_id.in_(case_ids))
    return read_frame(bind, stmt, SUSP_READ)


def read_steps(bind: Bind, scope: Scope | None, case_ids: list[int] | None = None) -> pl.DataFrame:
    """Steps with their flow step's name and limit. Lean SQL (no join, no text when the whole
    province is read); the cases' powers and the steps' names and limits are joined in polars."""
    st, c = CaseStep, ApprovalCase
    stmt = select(st.case_id, st.seq, st.started_at, st.finished_at,
                  # the handlers only for a few cases (a timeline), not the province
                  st.handler if case_ids is not None else literal(None))
    if scope is not None:
        stmt = _scoped(stmt.join(c, c.id == st.case_id), scope, c.region_code, c.department_id)
    if case_ids is not None:
        stmt = stmt.where(st.case_id.in_(case_ids))
    steps = read_frame(bind, stmt, STEP_RAW).with_columns(
        shanghai_date("started_at", "started_on"), shanghai_date("finished_at", "finished_on"))
    powers = select(c.id, c.power_id)
    if case_ids is not None:
        powers = powers.where(c.id.in_(case_ids))
    elif scope is not None:
        powers = _scoped(powers, scope, c.region_code, c.department_id)
    of_case = read_frame(bind, powers, {"case_id": pl.Int64(), "power_id": pl.Int64()})
    flow = select(PowerStep.power_id, PowerStep.seq, PowerStep.name, PowerStep.limit_days)
    if case_ids is not None:
        flow = flow.where(PowerStep.power_id.in_(of_case["power_id"].unique().to_list() or [-1]))
    flow_steps = read_frame(bind, flow, {"power_id": pl.Int64(), "seq": pl.Int64(),
                                         "step_name": pl.String(), "step_limit_days": pl.Int64()})
    key = step_key("power_id", "seq")  # a join on one integer is 6× faster than on the pair
    return (steps.join(of_case, on="case_id", how="left").with_columns(key.alias("_key"))
            .join(flow_steps.select(key.alias("_key"), "step_name", "step_limit_days"),
                  on="_key", how="left")
            .select(*STEP_READ))


# ---- timing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Timed:
    cases: pl.DataFrame
    unknown_years: tuple[int, ...]


def calendar_for(bind: Bind, dates: list[date | None], today: date):  # noqa: ANN201
    start, end = span([*dates, today])
    engine = bind if isinstance(bind, Engine) else bind.engine
    return load_calendar(engine, start, end)


def timed_cases(bind: Bind, scope: Scope | None, *, today: date, **filters) -> Timed:  # noqa: ANN003
    """Cases with deadline, elapsed and remaining working days (CASES_SCHEMA + remaining)."""
    cases = read_cases(bind, scope, **filters)
    if cases.height == 0:
        empty = pl.DataFrame(schema=CASES_SCHEMA).with_columns(
            pl.lit(None, dtype=pl.Int32).alias("remaining_workdays"))
        return Timed(empty, ())
    ids = None if scope is None and not filters else cases["case_id"].to_list()
    susp = read_suspensions(bind, scope, ids if ids is None or len(ids) < 20000 else None)
    cal = calendar_for(bind, [cases["received_on"].min()], today)
    timed = case_timing(cases, susp.select("case_id", "start_on", "end_on"), cal.frame, today=today)
    return Timed(timed.select(*CASES_SCHEMA, "remaining_workdays"), cal.unknown_years)


def timed_steps(bind: Bind, scope: Scope | None, *, today: date,
                case_ids: list[int] | None = None) -> pl.DataFrame:
    steps = read_steps(bind, scope, case_ids)
    if steps.height == 0:
        return pl.DataFrame(schema=STEPS_SCHEMA | {"handler": pl.String()})
    susp = read_suspensions(bind, scope, case_ids)
    cal = calendar_for(bind, [steps["started_on"].min()], today)
    # step_order = position by start time within the case: sorted, each row's index less its
    # case's first index (a window rank over a million cases takes 5× longer)
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    first = (pl.col("case_id") != pl.col("case_id").shift(1)).fill_null(True)
    ordered = steps.sort("case_id", "started_at", "seq").with_columns(
        (row - pl.when(first).then(row).forward_fill() + 1).alias("step_order"))
    return (step_timing(ordered, susp.select("case_id", "start_on", "end_on"), cal.frame, today=today)
            .select(*STEPS_SCHEMA, "handler"))


def timed_suspensions(bind: Bind, scope: Scope | None, *, today: date) -> pl.DataFrame:
    susp = read_suspensions(bind, scope)
    if susp.height == 0:
        return pl.DataFrame(schema=SUSPENSIONS_SCHEMA)
    cal = calendar_for(bind, [susp["start_on"].min()], today)
    return suspension_lengths(susp, cal.frame, today).select(*SUSPENSIONS_SCHEMA)


def flow_edges(bind: Bind, power_ids: list[int] | None = None) -> pl.DataFrame:
    stmt = select(PowerEdge.power_id, PowerEdge.from_seq, PowerEdge.to_seq)
    if power_ids is not None:
        stmt = stmt.where(PowerEdge.power_id.in_(power_ids))
    return read_frame(bind, stmt, EDGES_SCHEMA)


def power_steps(bind: Bind, power_id: int) -> pl.DataFrame:
    stmt = (select(PowerStep.seq, PowerStep.name, PowerStep.post, PowerStep.limit_days)
            .where(PowerStep.power_id == power_id).order_by(PowerStep.seq))
    return read_frame(bind, stmt, {"seq": pl.Int64(), "name": pl.String(), "post": pl.String(),
                                   "limit_days": pl.Int64()})


# ---- funds -----------------------------------------------------------------------------------

def read_funds(bind: Bind, scope: Scope | None, *, year: int | None = None) -> pl.DataFrame:
    f = SpecialFund
    stmt = _scoped(select(f.id, f.code, f.name, f.department_id, f.region_code, f.year, f.budget,
                          f.allocated_on, f.approval_threshold), scope, f.region_code, f.department_id)
    if year is not None:
        stmt = stmt.where(f.year == year)
    return read_frame(bind, stmt, FUNDS_SCHEMA)


def read_payments(bind: Bind, scope: Scope | None, *, fund_ids: list[int] | None = None) -> pl.DataFrame:
    p, f = FundPayment, SpecialFund
    stmt = (select(p.id, p.fund_id, f.code, f.department_id, f.region_code, p.recipient_name,
                   p.recipient_uscc, p.amount, p.paid_on, p.voucher, f.approval_threshold)
            .join(f, f.id == p.fund_id))
    stmt = _scoped(stmt, scope, f.region_code, f.department_id)
    if fund_ids is not None:
        stmt = stmt.where(p.fund_id.in_(fund_ids))
    return read_frame(bind, stmt, PAYMENTS_SCHEMA)


# ---- names for pages ------------------------------------------------------------------------

def departments_in_scope(bind: Bind, scope: Scope) -> pl.DataFrame:
    d = Department
    stmt = _scoped(select(d.id, d.name, d.region_code), scope, d.region_code, d.id)
    return read_frame(bind, stmt, {"department_id": pl.Int64(), "department": pl.String(),
                                   "region_code": pl.String()})


def regions_in_scope(bind: Bind, scope: Scope) -> pl.DataFrame:
    r = Region
    stmt = _scoped(select(r.code, r.name, r.level, r.path), scope, r.code, None)
    return read_frame(bind, stmt, {"region_code": pl.String(), "region": pl.String(),
                                   "level": pl.String(), "path": pl.String()})


# ---- page helpers ------------------------------------------------------------------------

def case_lights(bind: Bind, cases: pl.DataFrame, today: date) -> pl.DataFrame:
    """Open cases with their light: red (AP-R1), yellow (AP-Y1), else green — the rules
    themselves with the admin's parameters."""
    from metrics.esupervision.rules import AP_R1, AP_Y1
    from metrics.lights.registry import evaluate
    from services.lights.rule_settings import effective_params, stored_settings

    engine = bind if isinstance(bind, Engine) else bind.engine
    stored = stored_settings(engine)
    frames = {"ap_cases": cases.select(*CASES_SCHEMA),
              "clock": pl.DataFrame({"today": [today]}, schema={"today": pl.Date})}
    red = evaluate(AP_R1, frames, effective_params(AP_R1, stored))["subject_id"]
    yellow = evaluate(AP_Y1, frames, effective_params(AP_Y1, stored))["subject_id"]
    return (cases.filter(pl.col("status").is_in(["in_progress", "suspended"]))
            .with_columns(pl.when(pl.col("case_no").is_in(red.implode())).then(pl.lit("red"))
                          .when(pl.col("case_no").is_in(yellow.implode())).then(pl.lit("yellow"))
                          .otherwise(pl.lit("green")).alias("light")))


def data_stamp(bind: Bind) -> tuple:
    """Changes when cases, steps or payments are added or updated (cheap: indexed maxima)."""
    engine = bind if isinstance(bind, Engine) else bind.engine
    with Session(engine) as s:
        c = s.execute(select(func.max(ApprovalCase.id), func.count())).one()
        st = s.execute(select(func.max(CaseStep.id))).scalar_one()
        pay = s.execute(select(func.max(FundPayment.id))).scalar_one()
        fund = s.execute(select(func.max(SpecialFund.id))).scalar_one()
    return (c[0], c[1], st, pay, fund)


def power_names(bind: Bind, scope: Scope) -> list[str]:
    stmt = _scoped(select(Power.name).distinct(), scope, Power.region_code, Power.department_id)
    engine = bind if isinstance(bind, Engine) else bind.engine
    with Session(engine) as s:
        return sorted(s.execute(stmt.where(Power.status == "published")).scalars())


def open_s4_alerts(bind: Bind, scope: Scope) -> dict[str, int]:
    """Open S4 lights in scope by level (statuses a supervisor still works)."""
    from models.lights import Alert

    engine = bind if isinstance(bind, Engine) else bind.engine
    stmt = (select(Alert.level, func.count()).where(
        Alert.system == "S4", Alert.status.in_(LIGHT_OPEN),
        scope.where(Alert.region_code, Alert.department_id)).group_by(Alert.level))
    with Session(engine) as s:
        got = dict(s.execute(stmt).all())
    return {"red": got.get("red", 0), "yellow": got.get("yellow", 0)}


def case_by_no(bind: Bind, scope: Scope, case_no: str) -> dict | None:
    engine = bind if isinstance(bind, Engine) else bind.engine
    c = ApprovalCase
    stmt = select(c.id, c.case_no, c.power_id, c.status).where(
        c.case_no == case_no, scope.where(c.region_code, c.department_id))
    with Session(engine) as s:
        row = s.execute(stmt).first()
    return dict(row._mapping) if row else None
