"""S4's figures for the performance system (S3): `SCORE_METRICS` (core.manifest.ScoreMetric).

Each `compute` reads the whole province for a period [start, end] (China dates, inclusive) and
returns one row per department (department_id, value, numerator, denominator); each `records`
returns what lies behind one department's value, with a `link` to the page showing each record.
The figures come from the S4 and lights metrics modules (on_time_rate, fund_progress,
open_counts, overdue_orders), not re-derived here."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from core.manifest import ScoreMetric
from core.statuses import LIGHT_OPEN
from metrics.esupervision.schemas import PAYMENTS_SCHEMA
from metrics.esupervision.timing import fund_progress, on_time_rate
from metrics.lights.board import open_counts, overdue_orders
from models.esupervision import FundPayment, SpecialFund
from models.lights import Alert, SupervisionOrder
from services.esupervision import read as es
from services.platform.frames import UTC_TIMESTAMP, read_frame, shanghai_date
from services.platform.scope import ALL, Scope

OUT = {"department_id": pl.Int64, "value": pl.Float64, "numerator": pl.Float64,
       "denominator": pl.Float64}
M = "services.esupervision.scores"


def _out(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(*(pl.col(c).cast(t) for c, t in OUT.items()))


def _dept_scope(department_id: int) -> Scope:
    return Scope(region_codes=None, department_id=department_id)


# ---- on-time approval rate ------------------------------------------------------------------

def _concluded(session: Session, scope: Scope, start: date, end: date) -> pl.DataFrame:
    memo = session.info.setdefault("esupervision.scores", {})
    if (scope, start, end) not in memo:
        memo[(scope, start, end)] = _read_concluded(session, scope, start, end)
    return memo[(scope, start, end)]


def _read_concluded(session: Session, scope: Scope, start: date, end: date) -> pl.DataFrame:
    cases = es.timed_cases(session=session, scope=scope, today=min(end, china_today()),
                           since=start, until=end).cases
    return cases.filter(pl.col("status").is_in(["finished", "rejected"])
                        & pl.col("finished_on").is_between(start, end))


def on_time_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:
    """Concluded cases of the period on time / concluded with a deadline."""
    rates = on_time_rate(_concluded(session, ALL, start, end), ["department_id"])
    return _out(rates.with_columns(
        pl.col("on_time").alias("numerator"),
        (pl.col("on_time") + pl.col("late")).alias("denominator"),
        (pl.col("on_time_rate") / 100.0).alias("value")))


def on_time_records(*, session: Session, department_id: int, start: date,
                    end: date) -> pl.DataFrame:
    """The department's concluded cases of the period, late ones first."""
    cases = _concluded(session, _dept_scope(department_id), start, end)
    return (cases.with_columns((pl.col("finished_on") <= pl.col("deadline")).alias("on_time"),
                               (pl.lit("supervision_cases?case=") + pl.col("case_no")).alias("link"))
            .select("case_no", "power_name", "received_on", "deadline", "finished_on",
                    "elapsed_workdays", "limit_days", "on_time", "link")
            .sort("on_time", "case_no", nulls_last=False))


# ---- open lights --------------------------------------------------------------------------

def _alerts(session: Session, end: date, department_id: int | None = None) -> pl.DataFrame:
    a = Alert
    stmt = (select(a.id, a.rule_id, a.level, a.status, a.department_id, a.subject_id,
                   a.detected_at)
            .where(a.status.in_(LIGHT_OPEN), a.department_id.is_not(None)))
    if department_id is not None:
        stmt = stmt.where(a.department_id == department_id)
    frame = read_frame(session.connection(), stmt, {
        "alert_id": pl.Int64, "rule_id": pl.String, "level": pl.String, "status": pl.String,
        "department_id": pl.Int64, "subject_id": pl.String, "detected_at": UTC_TIMESTAMP})
    return frame.with_columns(shanghai_date("detected_at", "detected_on")) \
        .filter(pl.col("detected_on") <= end)


def _lights_compute(level: str, session: Session, end: date) -> pl.DataFrame:
    counts = open_counts(_alerts(session, end), ["department_id"])
    return _out(counts.with_columns(pl.col(f"open_{level}").alias("value"),
                                    pl.lit(None, pl.Float64).alias("numerator"),
                                    pl.lit(None, pl.Float64).alias("denominator")))


def red_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:  # noqa: ARG001
    """Red lights raised by the period's end and still open (open, acknowledged, supervising)."""
    return _lights_compute("red", session, end)


def yellow_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:  # noqa: ARG001
    return _lights_compute("yellow", session, end)


def _lights_records(level: str, session: Session, department_id: int, end: date) -> pl.DataFrame:
    return (_alerts(session, end, department_id).filter(pl.col("level") == level)
            .with_columns((pl.lit("lights_centre?alert=") + pl.col("alert_id").cast(pl.String))
                          .alias("link"))
            .select("alert_id", "rule_id", "level", "status", "subject_id", "detected_on", "link")
            .sort("alert_id"))


def red_records(*, session: Session, department_id: int, start: date,  # noqa: ARG001
                end: date) -> pl.DataFrame:
    return _lights_records("red", session, department_id, end)


def yellow_records(*, session: Session, department_id: int, start: date,  # noqa: ARG001
                   end: date) -> pl.DataFrame:
    return _lights_records("yellow", session, department_id, end)


# ---- 督办 orders overdue -----------------------------------------------------------------------

def _orders(session: Session, end: date, department_id: int | None = None) -> pl.DataFrame:
    o = SupervisionOrder
    stmt = select(o.id, o.order_no, o.department_id, o.status, o.due_date, o.issued_at)
    if department_id is not None:
        stmt = stmt.where(o.department_id == department_id)
    frame = read_frame(session.connection(), stmt, {
        "order_id": pl.Int64, "order_no": pl.String, "department_id": pl.Int64,
        "status": pl.String, "due_date": pl.Date, "issued_at": UTC_TIMESTAMP})
    as_of = min(end, china_today())
    return overdue_orders(frame.with_columns(shanghai_date("issued_at", "issued_on"))
                          .filter(pl.col("issued_on") <= end), as_of)


def orders_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:  # noqa: ARG001
    """督办 orders issued by the period's end, past due and not accepted (as of the end)."""
    counts = _orders(session, end).group_by("department_id").agg(pl.len().alias("value"))
    return _out(counts.with_columns(pl.lit(None, pl.Float64).alias("numerator"),
                                    pl.lit(None, pl.Float64).alias("denominator")))


def orders_records(*, session: Session, department_id: int, start: date,  # noqa: ARG001
                   end: date) -> pl.DataFrame:
    return (_orders(session, end, department_id)
            .with_columns((pl.lit("supervision_orders?order=") + pl.col("order_no")).alias("link"))
            .select("order_no", "status", "issued_on", "due_date", "link").sort("order_no"))


# ---- special-fund progress ---------------------------------------------------------------------

def _funds(session: Session, scope: Scope, end: date) -> pl.DataFrame:
    funds = es.read_funds(session=session, scope=scope, year=end.year)
    payments = es.read_payments(session=session, scope=scope).filter(pl.col("paid_on") <= end)
    return fund_progress(funds, payments, today=end)


def _province_funds(session: Session, end: date) -> pl.DataFrame:
    """`_funds` for the whole province, reading only the two payment columns the progress
    needs, filtered in SQL (the full payment rows cost 2.3 s of the province score run)."""
    p, f = FundPayment, SpecialFund
    funds = es.read_funds(session=session, scope=ALL, year=end.year)
    payments = read_frame(session.connection(), select(p.fund_id, p.amount).join(f, f.id == p.fund_id)
                          .where(f.year == end.year, p.paid_on <= end),
                          {"fund_id": pl.Int64, "amount": PAYMENTS_SCHEMA["amount"]})
    return fund_progress(funds, payments, today=end)


def funds_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:  # noqa: ARG001
    """Paid by the period's end / budget, over the department's funds of the period's year."""
    per = (_province_funds(session, end).group_by("department_id")
           .agg(pl.col("paid").cast(pl.Float64).sum().alias("numerator"),
                pl.col("budget").cast(pl.Float64).sum().alias("denominator")))
    return _out(per.with_columns(
        pl.when(pl.col("denominator") > 0).then(pl.col("numerator") / pl.col("denominator"))
        .alias("value")))


def funds_records(*, session: Session, department_id: int, start: date,  # noqa: ARG001
                  end: date) -> pl.DataFrame:
    return (_funds(session, _dept_scope(department_id), end)
            .with_columns((pl.lit("supervision_funds?fund=") + pl.col("code")).alias("link"))
            .select("code", "name", "budget", "paid", "progress", "link").sort("progress"))


def _metric(key: str, unit: str, higher: bool, fn: str) -> ScoreMetric:
    return ScoreMetric(key=f"esupervision.{key}", system="esupervision",
                       title_key=f"performance.metric.esupervision_{key}",
                       definition_key=f"performance.metric.esupervision_{key}_def", unit=unit,
                       higher_is_better=higher, compute=f"{M}:{fn}_compute",
                       records=f"{M}:{fn}_records")


SCORE_METRICS: tuple[ScoreMetric, ...] = (
    _metric("on_time_rate", "rate", True, "on_time"),
    _metric("open_red_lights", "count", False, "red"),
    _metric("open_yellow_lights", "count", False, "yellow"),
    _metric("overdue_orders", "count", False, "orders"),
    _metric("fund_progress", "rate", True, "funds"),
)
