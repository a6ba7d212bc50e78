"""S5's figures for the performance system (S3): `SCORE_METRICS` (core.manifest.ScoreMetric).

Tickets received in the period [start, end] (China dates, inclusive), whole province, one
row per department; the rates are those of metrics.feedback.kpis (the dashboard's, counted in
SQL by services.feedback.kpi_sql), with their numerator and denominator. `records` lists one
department's tickets behind a value, with a link to the ticket detail page."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlmodel import Session

from core.clock import china_today
from core.manifest import ScoreMetric
from services.feedback.kpi_sql import kpi_sql
from services.feedback.read import ticket_frame
from services.platform.scope import Scope

OUT = {"department_id": pl.Int64, "value": pl.Float64, "numerator": pl.Float64,
       "denominator": pl.Float64}
M = "services.feedback.scores"


def _tickets(session: Session, start: date, end: date, department_id: int | None = None) -> pl.DataFrame:
    scope = None if department_id is None else Scope(region_codes=None, department_id=department_id)
    return ticket_frame(session.connection(), scope, since=start, until=end)


def _compute(key: str, session: Session, start: date, end: date) -> pl.DataFrame:
    table = kpi_sql(session.connection(), None, by=["department_id"], today=min(end, china_today()),
                    since=start, until=end).filter(pl.col("department_id").is_not_null())
    return table.select(pl.col("department_id").cast(pl.Int64),
                        pl.col(f"{key}_rate").cast(pl.Float64).alias("value"),
                        pl.col(f"{key}_num").cast(pl.Float64).alias("numerator"),
                        pl.col(f"{key}_den").cast(pl.Float64).alias("denominator"))


def on_time_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:
    return _compute("on_time", session, start, end)


def satisfaction_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:
    return _compute("satisfaction", session, start, end)


def repeat_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:
    return _compute("repeat", session, start, end)


def records(*, session: Session, department_id: int, start: date, end: date) -> pl.DataFrame:
    """The department's tickets of the period, with the fields every S5 figure counts."""
    frame = _tickets(session, start, end, department_id)
    return (frame.select("ticket_no", "category_code", "status", "received_on", "sign_due",
                         "signed_on", "reply_due", "replied_on", "visited_on", "resolved",
                         "satisfaction", "reopen_count", "return_count",
                         pl.col("repeat_of_id").is_not_null().alias("repeat"),
                         (pl.lit("feedback_ticket?no=") + pl.col("ticket_no")).alias("link"))
            .sort("received_on", "ticket_no"))


SCORE_METRICS: tuple[ScoreMetric, ...] = (
    ScoreMetric("feedback.on_time_rate", "feedback", "feedback.score.on_time",
                "feedback.score.on_time_def", "rate", True, f"{M}:on_time_compute", f"{M}:records"),
    ScoreMetric("feedback.satisfaction_rate", "feedback", "feedback.score.satisfaction",
                "feedback.score.satisfaction_def", "rate", True, f"{M}:satisfaction_compute",
                f"{M}:records"),
    ScoreMetric("feedback.repeat_rate", "feedback", "feedback.score.repeat",
                "feedback.score.repeat_def", "rate", False, f"{M}:repeat_compute", f"{M}:records"),
)
