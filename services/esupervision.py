"""S4 e-supervision reads: approval cases, steps, suspensions, funds and payments into polars,
fast enough for a province (raw driver: COPY … TO STDOUT as CSV on PostgreSQL, a plain
cursor on SQLite — no ORM objects), with working-day timing from the official calendar.

Every reader takes a Scope (None only for the province-wide rule loaders) and applies it in
SQL. Timestamps are converted to Asia/Shanghai calendar dates in SQL."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from sqlalchemy import BigInteger, Integer, cast, func, literal, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Select
from sqlmodel import Session

from metrics.rules.supervision import (
    CASES_SCHEMA, EDGES_SCHEMA, FUNDS_SCHEMA, PAYMENTS_SCHEMA, STEPS_SCHEMA, SUSPENSIONS_SCHEMA,
)
from metrics.supervision import case_timing, step_timing, suspension_lengths
from metrics.workdays import span
from models.org import Department, Region
from models.power import Power, PowerEdge, PowerStep
from models.supervision import ApprovalCase, CaseStep, CaseSuspension, FundPayment, SpecialFund
from services.scope import Scope
from services.workcalendar import load_calendar

Bind = Engine | Connection
BASE_CASE_COLUMNS = [c for c in CASES_SCHEMA if c not in ("suspended_workdays", "deadline",
                                                          "elapsed_workdays")]


# ---- raw reads -------------------------------------------------------------------------

def _dialect(bind: Bind | Session) -> str:
    return bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name


def epoch_seconds(col, dialect: str):  # noqa: ANN001, ANN201
    if dialect == "postgresql":
        return cast(func.extract("epoch", col), BigInteger)
    return cast(func.strftime("%s", col), BigInteger)


def local_date(col, dialect: str):  # noqa: ANN001, ANN201
    """The Asia/Shanghai calendar date of an aware UTC timestamp column, in SQL, as days since
    1970-01-01 (integers travel faster than text; `_cast` turns them into dates)."""
    if dialect == "postgresql":
        return cast(func.floor((func.extract("epoch", col) + 28800) / 86400), Integer)
    return (epoch_seconds(col, dialect) + 28800) // 86400


def _cast(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    out = []
    for name, dtype in schema.items():
        col = pl.col(name)
        if frame.schema[name] == pl.String and dtype == pl.Date():
            col = pl.coalesce(col.str.to_date("%Y-%m-%d", strict=False),
                              col.cast(pl.Int32, strict=False).cast(pl.Date))
        elif frame.schema[name].is_numeric() and dtype == pl.Date():
            col = col.cast(pl.Int32).cast(pl.Date)
        elif frame.schema[name] == pl.String and dtype == pl.Boolean():
            col = col.is_in(["t", "true", "1"])
        out.append(col.cast(dtype).alias(name))
    return frame.select(out)


def read_frame(bind: Bind, stmt: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a Core select through the raw driver into a frame with `schema` (columns in the
    order of the select)."""
    conn_ctx = bind.connect() if isinstance(bind, Engine) else None
    conn = conn_ctx if conn_ctx is not None else bind
    try:
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        raw = conn.connection.driver_connection
        names = list(schema)
        if conn.dialect.name == "postgresql":
            buf = io.BytesIO()
            with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
                for block in copy:
                    buf.write(block)
            if buf.tell() == 0:
                return pl.DataFrame(schema=schema)
            buf.seek(0)
            frame = pl.read_csv(buf, has_header=False, new_columns=names,
                                schema_overrides={n: pl.String for n in names}, infer_schema=False)
            return _cast(frame.with_columns(pl.col(n).replace("", None) for n in names
                                            if schema[n] != pl.String()), schema)
        cur = raw.cursor()
        try:
            rows = cur.execute(sql).fetchall()
        finally:
            cur.close()
        if not rows:
            return pl.DataFrame(schema=schema)
        frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
        return _cast(frame, schema)
    finally:
        if conn_ctx is not None:
            conn_ctx.close()


def _scoped(stmt: Select, scope: Scope | None, region_col, dept_col) -> Select:  # noqa: ANN001
    return stmt if scope is None else stmt.where(scope.where(region_col, dept_col))


# ---- statements ----------------------------------------------------------------------------

def cases_stmt(dialect: str, scope: Scope | None, *, since: date | None = None,
               until: date | None = None, open_only: bool = False,
               region_prefix: str | None = None, department_id: int | None = None,
               power_name: str | None = None) -> Select:
    c, p = ApprovalCase, Power
    stmt = (select(c.id, c.case_no, c.power_id, p.name, c.department_id, c.region_code,
                   c.channel, c.status, local_date(c.received_at, dialect),
                   local_date(c.finished_at, dialect), c.promised_limit_days, c.fee_charged,
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
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(d, time(0), ZoneInfo("Asia/Shanghai")).astimezone(ZoneInfo("UTC"))


SUSP_READ = {"case_id": pl.Int64(), "suspension_id": pl.Int64(), "case_no": pl.String(),
             "department_id": pl.Int64(), "region_code": pl.String(), "kind": pl.String(),
             "start_on": pl.Date(), "end_on": pl.Date(), "reason": pl.String()}
STEP_RAW = {"case_id": pl.Int64(), "seq": pl.Int64(), "started_on": pl.Date(),
            "finished_on": pl.Date(), "started_ts": pl.Int64(), "handler": pl.String()}
STEP_READ = {"case_id": pl.Int64(), "seq": pl.Int64(), "step_name": pl.String(),
             "started_on": pl.Date(), "finished_on": pl.Date(), "step_limit_days": pl.Int64(),
             "started_ts": pl.Int64(), "handler": pl.String()}


def read_cases(bind: Bind, scope: Scope | None, **filters) -> pl.DataFrame:  # noqa: ANN003
    base = {k: CASES_SCHEMA[k] for k in BASE_CASE_COLUMNS}
    return read_frame(bind, cases_stmt(_dialect(bind), scope, **filters), base)


def read_suspensions(bind: Bind, scope: Scope | None, case_ids: list[int] | None = None) -> pl.DataFrame:
    s, c = CaseSuspension, ApprovalCase
    stmt = (select(s.case_id, s.id, c.case_no, c.department_id, c.region_code, s.kind,
                   s.start_on, s.end_on, s.reason).join(c, c.id == s.case_id))
    stmt = _scoped(stmt, scope, c.region_code, c.department_id)
    if case_ids is not None:
        stmt = stmt.where(s.case_id.in_(case_ids))
    return read_frame(bind, stmt, SUSP_READ)


def read_steps(bind: Bind, scope: Scope | None, case_ids: list[int] | None = None) -> pl.DataFrame:
    """Steps with their flow step's name and limit. Lean SQL (integers only, no join when the
    whole province is read); the names and limits are joined in polars."""
    d = _dialect(bind)
    st, c = CaseStep, ApprovalCase
    handler = st.handler if case_ids is not None else literal("")
    stmt = select(st.case_id, st.seq, local_date(st.started_at, d), local_date(st.finished_at, d),
                  epoch_seconds(st.started_at, d), handler)
    if scope is not None:
        stmt = _scoped(stmt.join(c, c.id == st.case_id), scope, c.region_code, c.department_id)
    if case_ids is not None:
        stmt = stmt.where(st.case_id.in_(case_ids))
    steps = read_frame(bind, stmt, STEP_RAW)
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
    return (steps.join(of_case, on="case_id", how="left")
            .join(flow_steps, on=["power_id", "seq"], how="left")
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
    ordered = steps.with_columns(
        pl.col("started_ts").rank("ordinal").over("case_id").cast(pl.Int64).alias("step_order"))
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
    from metrics.rules.supervision import AP_R1, AP_Y1
    from metrics.rules.registry import evaluate
    from services.rule_settings import effective_params, stored_settings

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
        Alert.system == "S4", Alert.status.in_(("open", "acknowledged", "supervising", "rectified")),
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
