"""Ticket deadlines in working days, vectorised on the platform calendar
(metrics.platform.workdays): the start day does not count, a limit of N working days ends on
the N-th working day after it; a limit of 0 ends on the start day itself, or on the next
working day when the start day is a holiday."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from metrics.platform.workdays import with_deadline


def due_dates(frame: pl.DataFrame, cal: pl.DataFrame, *, start_col: str, days_col: str,
              out: str) -> pl.DataFrame:
    """Add `out`: the deadline of `days_col` working days counted from `start_col` (null
    start, null deadline). The calendar must cover the starts and the deadlines."""
    zero = pl.col(days_col) == 0
    shaped = frame.with_columns(
        pl.when(zero).then(pl.col(start_col) - pl.duration(days=1))
        .otherwise(pl.col(start_col)).alias("_start"),
        pl.when(zero).then(pl.lit(1)).otherwise(pl.col(days_col)).alias("_days"))
    return with_deadline(shaped, cal, received_col="_start", limit_col="_days",
                         suspended_col=None, out=out).drop("_start", "_days")


def add_workdays(cal: pl.DataFrame, start: date, days: int) -> date:
    """The deadline of one limit (see `due_dates`)."""
    frame = pl.DataFrame({"start": [start], "days": [days]},
                         schema={"start": pl.Date, "days": pl.Int32})
    due = due_dates(frame, cal, start_col="start", days_col="days", out="due")["due"][0]
    if due is None:
        raise ValueError(f"the calendar does not reach {days} working days after {start}")
    return due


def calendar_span(start: date, days: int = 0) -> tuple[date, date]:
    """A calendar range wide enough for `days` working days after `start` (holidays included)."""
    return start - timedelta(days=2), start + timedelta(days=days * 2 + 30)
