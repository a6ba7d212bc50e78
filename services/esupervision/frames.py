"""S4 frames read on a `Bind` (an Engine or a Connection: the rule-input loader contract of
services.lights.inputs): approval cases, steps and suspensions into polars (funds and their
payments: fund_frames.py), fast enough for a province (services.platform.frames: no ORM
objects), with working-day timing from the official calendar. The loaders (rule_inputs.py)
call these with their bind; pages through services.esupervision.read, with a connection.

Every reader takes a Scope (None only for the province-wide rule loaders) and applies it in
SQL. Timestamps are read as UTC and turned into Asia/Shanghai calendar dates in polars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from sqlalchemy import literal, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from core.clock import utc_midnight
from metrics.esupervision.rules import (
    CASES_SCHEMA,
    STEPS_SCHEMA,
    SUSPENSIONS_SCHEMA,
)
from metrics.esupervision.timing import case_timing, step_timing, suspension_lengths
from metrics.platform.workdays import span
from metrics.power.flowchart import check_step_keys, step_key
from models.esupervision import (
    MAX_PASSES,
    ApprovalCase,
    CaseStep,
    CaseSuspension,
)
from models.org import Region
from models.power import Power, PowerStep
from services.esupervision.flow_frames import FLOW_READ, FLOW_READ_SCHEMA
from services.esupervision.step_digest import digest_steps, uses_digest
from services.lights.inputs import Bind
from services.platform.frames import UTC_TIMESTAMP, read_frame, shanghai_date
from services.platform.scope import Scope
from services.platform.sql_in import in_select
from services.platform.workcalendar import WorkCalendar, load_calendar

BASE_CASE_COLUMNS = [c for c in CASES_SCHEMA if c not in ("suspended_workdays", "deadline",
                                                          "elapsed_workdays")]
# the case's power, joined in polars from one row per power: read per case through SQL they
# were six more Python objects per case (0.7 s of a province's million)
POWER_COLUMNS = {"power_code": pl.String(), "power_category": pl.String(),
                 "power_name": pl.String(), "power_version": pl.Int64(),
                 "fee_standard": CASES_SCHEMA["fee_standard"],
                 "online_available": pl.Boolean()}
FEW_POWER_IDS = 20_000  # below this many, the powers are read by id; above it, all of them
# (measured on the province: 2,900 ids 0.03 s by id against 0.35 s for all 58,754 powers on
# SQLite; the two meet between 20,000 and 40,000 ids on both databases)
FEW_CASES = 5_000  # below this many cases, their suspensions are read by case id
Ids = list[int] | Select | None  # case ids: a list, or a select of them (the sweep's open cases)


def of_cases(col, case_ids: list[int] | Select):  # noqa: ANN001, ANN201
    """`col` among `case_ids` (a select of them: through the index on PostgreSQL too)."""
    return in_select(col, case_ids) if isinstance(case_ids, Select) else col.in_(case_ids)


def scoped(stmt: Select, scope: Scope | None, region_col, dept_col) -> Select:  # noqa: ANN001
    """`stmt` limited to `scope` (None: the whole province, for the rule loaders)."""
    return stmt if scope is None else stmt.where(scope.where(region_col, dept_col))


# ---- statements ----------------------------------------------------------------------------

def cases_stmt(scope: Scope | None, *, since: date | None = None,
               until: date | None = None, open_only: bool = False,
               concluded_since: date | None = None,
               region_prefix: str | None = None, department_id: int | None = None,
               power_name: str | None = None, case_ids: Ids = None) -> Select:
    c, p = ApprovalCase, Power
    stmt = select(c.id, c.case_no, c.power_id, c.department_id, c.region_code, c.channel,
                  c.status, c.received_at, c.finished_at, c.promised_limit_days, c.fee_charged,
                  c.reject_reason)
    stmt = scoped(stmt, scope, c.region_code, c.department_id)
    # the period is by date of receipt, except that open cases are always in view
    if since is not None:
        stmt = stmt.where((c.received_at >= utc_midnight(since)) | c.status.in_(("in_progress", "suspended")))
    if until is not None:
        stmt = stmt.where(c.received_at < utc_midnight(until + timedelta(days=1)))
    if open_only:
        stmt = stmt.where(c.status.in_(("in_progress", "suspended")))
    if concluded_since is not None:  # open, or concluded on or after the day, whenever received
        stmt = stmt.where((c.finished_at >= utc_midnight(concluded_since))
                          | c.status.in_(("in_progress", "suspended")))
    if region_prefix:
        stmt = stmt.where(c.region_code.in_(select(Region.code).where(
            Region.path.like(literal(region_prefix) + "%"))))
    if department_id is not None:
        stmt = stmt.where(c.department_id == department_id)
    if case_ids is not None:
        stmt = stmt.where(of_cases(c.id, case_ids))
    if power_name:
        stmt = stmt.where(c.power_id.in_(select(p.id).where(p.name == power_name)))
    return stmt


# with the case's receipt and conclusion, what a suspension is clipped to: read here, not by a
# second scan of the cases (0.15-0.2 s of PostgreSQL's time in a province's full sync)
SUSP_READ = {"case_id": pl.Int64(), "suspension_id": pl.Int64(), "case_no": pl.String(),
             "department_id": pl.Int64(), "region_code": pl.String(), "kind": pl.String(),
             "start_on": pl.Date(), "end_on": pl.Date(), "reason": pl.String(),
             "received_on": UTC_TIMESTAMP, "finished_on": UTC_TIMESTAMP}
STEP_RAW = {"case_id": pl.Int64(), "seq_pass": pl.Int64(), "started_at": UTC_TIMESTAMP,
            "finished_at": UTC_TIMESTAMP, "handler": pl.String()}
# seq and pass_no travel as one integer (seq × PASS_BASE + pass_no): one Python object per
# step instead of two, 1.5 s of a province's 5.7 million steps
PASS_BASE = MAX_PASSES + 1
STEP_READ = {"case_id": pl.Int64(), "seq": pl.Int64(), "pass_no": pl.Int64(), "step_name": pl.String(),
             "started_on": pl.Date(), "finished_on": pl.Date(), "step_limit_days": pl.Int64(),
             "started_at": UTC_TIMESTAMP, "handler": pl.String()}


def read_cases(bind: Bind, scope: Scope | None, **filters) -> pl.DataFrame:  # noqa: ANN003
    raw = {k: CASES_SCHEMA[k] for k in BASE_CASE_COLUMNS if k not in POWER_COLUMNS} | {
        "received_on": UTC_TIMESTAMP, "finished_on": UTC_TIMESTAMP}
    cases = read_frame(bind, cases_stmt(scope, **filters), raw)
    return (cases.join(_powers_of(bind, cases["power_id"]), on="power_id", how="left",
                       maintain_order="left")
            .select(BASE_CASE_COLUMNS)
            .with_columns(shanghai_date("received_on"), shanghai_date("finished_on")))


def _powers_of(bind: Bind, power_ids: pl.Series) -> pl.DataFrame:
    """The powers `power_ids`: by id, else (FEW_POWER_IDS or more) every power: a province's
    58,000 rows are read faster than tens of thousands of ids are written into the SQL and
    looked up."""
    p = Power
    stmt = select(p.id, p.code, p.category, p.name, p.version, p.fee_standard, p.online_available)
    ids = power_ids.unique().drop_nulls()
    if ids.len() < FEW_POWER_IDS:
        stmt = stmt.where(p.id.in_(ids.sort().to_list() or [-1]))
    return read_frame(bind, stmt, {"power_id": pl.Int64()} | POWER_COLUMNS)


def read_suspensions(bind: Bind, scope: Scope | None, case_ids: Ids = None) -> pl.DataFrame:
    s, c = CaseSuspension, ApprovalCase
    stmt = (select(s.case_id, s.id, c.case_no, c.department_id, c.region_code, s.kind,
                   s.start_on, s.end_on, s.reason, c.received_at, c.finished_at)
            .join(c, c.id == s.case_id))
    stmt = scoped(stmt, scope, c.region_code, c.department_id)
    if case_ids is not None:
        stmt = stmt.where(of_cases(s.case_id, case_ids))
    return read_frame(bind, stmt, SUSP_READ).with_columns(shanghai_date("received_on"),
                                                          shanghai_date("finished_on"))


def read_steps(bind: Bind, scope: Scope | None, case_ids: Ids = None, *,
               handlers: bool = True, in_case_order: bool = False) -> pl.DataFrame:
    """Steps with their flow step's name and limit: lean SQL (no join, no text for the
    province), powers, names and limits joined in polars. `handlers`: the handler column (a
    few cases' only: a timeline's). `in_case_order`: by case, start, pass and step. The
    province on PostgreSQL: from the per-case digest (step_digest.py), in that order."""
    st, c = CaseStep, ApprovalCase
    if case_ids is None and scope is None and not handlers and uses_digest(bind):
        steps, in_case_order = digest_steps(bind), True
    else:
        stmt = select(st.case_id, (st.seq * PASS_BASE + st.pass_no).label("seq_pass"),
                      st.started_at, st.finished_at,
                      # the handlers only for a few cases (a timeline), not the province
                      st.handler if case_ids is not None else literal(None))
        if scope is not None:
            stmt = scoped(stmt.join(c, c.id == st.case_id), scope, c.region_code, c.department_id)
        if case_ids is not None:
            stmt = stmt.where(of_cases(st.case_id, case_ids))
        if not handlers:
            stmt = stmt.with_only_columns(*stmt.selected_columns[:4], maintain_column_froms=True)
        steps = read_frame(bind, stmt, STEP_RAW if handlers else _WITHOUT_HANDLER).with_columns(
            (pl.col("seq_pass") // PASS_BASE).alias("seq"), (pl.col("seq_pass") % PASS_BASE).alias("pass_no"),
        ).drop("seq_pass")
        if in_case_order:  # before the joins, which keep it: fewer columns to move (5.8M steps)
            steps = steps.sort("case_id", "started_at", "pass_no", "seq")
    steps = steps.with_columns(shanghai_date("started_at", "started_on"),
                               shanghai_date("finished_at", "finished_on"))
    powers = select(c.id, c.power_id)
    if case_ids is not None:
        powers = powers.where(of_cases(c.id, case_ids))
    elif scope is not None:
        powers = scoped(powers, scope, c.region_code, c.department_id)
    of_case = read_frame(bind, powers, {"case_id": pl.Int64(), "power_id": pl.Int64()})
    flow = FLOW_READ
    # a few cases, or a department's (a partitioned sync, a county's pages): the flows of their
    # powers, not the province's 455,000 flow steps (0.7 s of a department's sync on SQLite)
    if case_ids is not None or (scope is not None and (scope.department_id is not None
                                                       or scope.department_ids is not None)):
        flow = flow.where(PowerStep.power_id.in_(of_case["power_id"].unique().sort().to_list() or [-1]))
    flow_steps = read_frame(bind, flow, FLOW_READ_SCHEMA)
    check_step_keys(of_case["power_id"], steps["seq"])  # refuse, never wrap round
    key = step_key("power_id", "seq")  # a join on one integer is 6× faster than on the pair
    return (_with_case_power(steps, of_case, sorted_by_case=in_case_order)
            .with_columns(key.alias("_key"))
            .join(flow_steps.lazy().select(key.alias("_key"), "step_name", "step_limit_days"),
                  on="_key", how="left", maintain_order="left")
            .select(*(n for n in STEP_READ if handlers or n != "handler")).collect())


_WITHOUT_HANDLER = {k: v for k, v in STEP_RAW.items() if k != "handler"}


def _with_case_power(steps: pl.DataFrame, of_case: pl.DataFrame, *,
                     sorted_by_case: bool) -> pl.LazyFrame:
    """`steps` with their case's power_id (null for a case not in `of_case`, as a left join
    gives). Steps sorted by case: an as-of join on the sorted cases, each match checked to be
    the step's own case — 4× faster than a hash join of 5.8M steps on a million cases."""
    if not sorted_by_case:
        return steps.lazy().join(of_case.lazy(), on="case_id", how="left", maintain_order="left")
    cases = of_case.sort("case_id").with_columns(pl.col("case_id").alias("_case"))
    return (steps.lazy().with_columns(pl.col("case_id").set_sorted())
            .join_asof(cases.lazy(), on="case_id", strategy="backward", check_sortedness=False)
            .with_columns(pl.when(pl.col("_case") == pl.col("case_id")).then(pl.col("power_id"))
                          .alias("power_id"))
            .drop("_case"))


# ---- timing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Timed:
    cases: pl.DataFrame
    unknown_years: tuple[int, ...]


def calendar_for(bind: Bind, dates: list[date | None], today: date,
                 max_workdays: int | None = 0) -> WorkCalendar:
    """The working-day calendar from the earliest of `dates` to far enough after `today` for a
    deadline of `max_workdays` (the largest limit), read on `bind`."""
    start, end = span(dates, today=today, max_workdays=max_workdays)
    with Session(bind) as session:
        return load_calendar(start, end, session=session)


def timed_cases(bind: Bind, scope: Scope | None, *, today: date, **filters) -> Timed:  # noqa: ANN003
    """Cases with deadline, elapsed and remaining working days (CASES_SCHEMA + remaining)."""
    cases = read_cases(bind, scope, **filters)
    if cases.height == 0:
        empty = pl.DataFrame(schema=CASES_SCHEMA).with_columns(
            pl.lit(None, dtype=pl.Int32).alias("remaining_workdays"))
        return Timed(empty, ())
    if scope is None and not filters:  # the province's (shared with the other rule loaders)
        susp = read_suspensions(bind, None)
    elif cases.height < FEW_CASES:
        susp = read_suspensions(bind, scope, cases["case_id"].to_list())
    else:  # the dates of the suspensions in scope (a province has 60,000: faster than a list
        # of ids), kept for the cases read
        s, c = CaseSuspension, ApprovalCase
        susp = read_frame(bind, scoped(select(s.case_id, s.start_on, s.end_on).join(c, c.id == s.case_id),
                                       scope, c.region_code, c.department_id),
                          {k: SUSP_READ[k] for k in ("case_id", "start_on", "end_on")})
        susp = susp.filter(pl.col("case_id").is_in(cases["case_id"].implode()))
    cal = calendar_for(bind, [cases["received_on"].min()], today, cases["limit_days"].max())
    timed = case_timing(cases, susp.select("case_id", "start_on", "end_on"), cal.frame, today=today)
    return Timed(timed.select(*CASES_SCHEMA, "remaining_workdays"), cal.unknown_years)


def timed_steps(bind: Bind, scope: Scope | None, *, today: date,
                case_ids: Ids = None, handlers: bool = True) -> pl.DataFrame:
    """STEPS_SCHEMA with working-day timing, in order of case and start (`handlers`: with the
    handler column, see read_steps)."""
    steps = read_steps(bind, scope, case_ids, handlers=handlers, in_case_order=True)
    columns = [*STEPS_SCHEMA, *(["handler"] if handlers else [])]
    if steps.height == 0:
        return pl.DataFrame(schema={**STEPS_SCHEMA, "handler": pl.String()}).select(columns)
    susp = read_suspensions(bind, scope, case_ids)
    cal = calendar_for(bind, [steps["started_on"].min()], today)
    # step_order = position by start time within the case: in case order, each row's index
    # less its case's first index (a window rank over a million cases takes 5× longer)
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    first = (pl.col("case_id") != pl.col("case_id").shift(1)).fill_null(True)
    ordered = steps.with_columns((row - pl.when(first).then(row).forward_fill() + 1).alias("step_order"))
    return (step_timing(ordered, susp.select("case_id", "start_on", "end_on"), cal.frame,
                        today=today, cases=suspended_cases(susp))
            .select(columns))


def timed_suspensions(bind: Bind, scope: Scope | None, *, today: date,
                      case_ids: Ids = None) -> pl.DataFrame:
    susp = read_suspensions(bind, scope, case_ids)
    if susp.height == 0:
        return pl.DataFrame(schema=SUSPENSIONS_SCHEMA)
    cal = calendar_for(bind, [susp["start_on"].min()], today)
    return suspension_lengths(susp, cal.frame, today,
                              cases=suspended_cases(susp)).select(*SUSPENSIONS_SCHEMA)


def suspended_cases(susp: pl.DataFrame) -> pl.DataFrame:
    """case_id, received_on, finished_on of the cases of `susp` (read_suspensions): what their
    suspensions are clipped to."""
    return susp.select("case_id", "received_on", "finished_on").unique("case_id", maintain_order=True)
