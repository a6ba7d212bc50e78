"""Working days, vectorised: a calendar frame with a running workday ordinal per date, joined
onto cases. No Python loop per case.

Conventions (the e-supervision rules):
- the day of receipt does not count; counting starts the next day;
- a deadline of N working days is the N-th counted working day;
- working days inside legally excluded suspensions do not count (they push the deadline);
- dates are calendar dates in Asia/Shanghai (convert timestamps before calling).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from core.clock import china_today

CAL_SCHEMA = {"day": pl.Date, "is_workday": pl.Boolean, "ordinal": pl.Int32}


def calendar_frame(start: date, end: date, *, holidays: Iterable[date],
                   makeup_workdays: Iterable[date]) -> pl.DataFrame:
    """One row per date in [start, end]: working day or not (Mon–Fri unless a statutory
    holiday; a make-up Saturday/Sunday works), and `ordinal` = working days up to and
    including that date since `start`."""
    holidays = pl.Series("h", sorted(set(holidays)), dtype=pl.Date)
    makeup = pl.Series("m", sorted(set(makeup_workdays)), dtype=pl.Date)
    days = pl.date_range(start, end, interval="1d", eager=True).alias("day")
    return (
        pl.DataFrame(days)
        .with_columns(
            ((pl.col("day").dt.weekday() <= 5) & ~pl.col("day").is_in(holidays)
             | pl.col("day").is_in(makeup)).alias("is_workday")
        )
        .with_columns(pl.col("is_workday").cast(pl.Int32).cum_sum().alias("ordinal"))
        .select(pl.col(c).cast(t) for c, t in CAL_SCHEMA.items())
    )


def _ordinal_of(cal: pl.DataFrame, col: str, alias: str) -> pl.DataFrame:
    return cal.select(pl.col("day").alias(col), pl.col("ordinal").alias(alias))


def suspended_workdays(suspensions: pl.DataFrame, cal: pl.DataFrame, *, key: str = "case_id",
                       start_col: str = "start_on", end_col: str = "end_on") -> pl.DataFrame:
    """Working days inside each suspension (both ends inclusive), summed per `key`.
    An open suspension (end null) counts nothing here; callers close it at 'today'."""
    s = (
        suspensions.filter(pl.col(end_col).is_not_null())
        .join(_ordinal_of(cal, start_col, "_o_start"), on=start_col, how="left")
        .join(_ordinal_of(cal, end_col, "_o_end"), on=end_col, how="left")
        .join(cal.select(pl.col("day").alias(start_col), pl.col("is_workday").alias("_w_start")),
              on=start_col, how="left")
    )
    return (
        s.with_columns(
            (pl.col("_o_end") - pl.col("_o_start") + pl.col("_w_start").cast(pl.Int32))
            .clip(lower_bound=0).alias("suspended_workdays"))
        .group_by(key)
        .agg(pl.col("suspended_workdays").sum().cast(pl.Int32))
    )


def with_deadline(frame: pl.DataFrame, cal: pl.DataFrame, *, received_col: str = "received_on",
                  limit_col: str = "limit_days", suspended_col: str | None = "suspended_workdays",
                  out: str = "deadline") -> pl.DataFrame:
    """Add `out`: the (limit + suspended)-th working day after the day of receipt."""
    workdays_by_ordinal = cal.filter(pl.col("is_workday")).select(
        pl.col("ordinal").alias("_target"), pl.col("day").alias(out))
    extra = pl.col(suspended_col).fill_null(0) if suspended_col else pl.lit(0, dtype=pl.Int32)
    return (
        frame.join(_ordinal_of(cal, received_col, "_o_recv"), on=received_col, how="left")
        .with_columns((pl.col("_o_recv") + pl.col(limit_col).cast(pl.Int32) + extra).alias("_target"))
        .join(workdays_by_ordinal, on="_target", how="left")
        .drop("_o_recv", "_target")
    )


def with_elapsed(frame: pl.DataFrame, cal: pl.DataFrame, *, received_col: str = "received_on",
                 end_col: str = "end_on", suspended_col: str | None = "suspended_workdays",
                 out: str = "elapsed_workdays") -> pl.DataFrame:
    """Add `out`: working days counted from the day after receipt through `end_col`
    (inclusive), less suspended working days."""
    extra = pl.col(suspended_col).fill_null(0) if suspended_col else pl.lit(0, dtype=pl.Int32)
    return (
        frame.join(_ordinal_of(cal, received_col, "_o_recv"), on=received_col, how="left")
        .join(_ordinal_of(cal, end_col, "_o_end"), on=end_col, how="left")
        .with_columns((pl.col("_o_end") - pl.col("_o_recv") - extra).clip(lower_bound=0)
                      .cast(pl.Int32).alias(out))
        .drop("_o_recv", "_o_end")
    )


def span(dates: Iterable[date | None], *, pad_days: int = 400) -> tuple[date, date]:
    """A calendar range covering the dates with room for deadlines after the last one."""
    known = [d for d in dates if d is not None]
    if not known:
        today = china_today()
        return today - timedelta(days=1), today + timedelta(days=pad_days)
    return min(known) - timedelta(days=1), max(known) + timedelta(days=pad_days)
