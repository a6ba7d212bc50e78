"""Cell values as spreadsheet programs hand them over, made into the declared type.

Excel and WPS store a time typed into a cell as a time cell; the reader gives it back as a
date-time on Excel's day zero (`1899-12-31 09:30:00`), a datetime cell as
`2026-11-02 09:30:00`, and a time kept as a number as the fraction of a day (`0.3958…`).
People also write `9:30` without the leading zero or with a full-width colon (`9：30`).
`time_of_day` accepts all of these and gives `HH:MM` text (null where the cell is not a time
of day, so the caller reports a row-level error); `plausible_date` refuses the day-zero dates
that a time cell turns into when it lands in a date column."""

from __future__ import annotations

from datetime import date

import polars as pl

# [date part, optional] H:MM[:SS[.fff]], with an ASCII or full-width colon
_CLOCK = r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T])?(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?$"
_FRACTION = r"^0?\.\d+$|^0$"
FIRST_DAY = date(1900, 1, 1)  # Excel's calendar starts here; earlier dates are time cells


def time_of_day(cell: pl.Expr) -> pl.Expr:
    """`HH:MM` (seconds dropped) or null."""
    text = cell.str.strip_chars()
    hour = text.str.extract(_CLOCK, 1).cast(pl.Int64, strict=False)
    minute = text.str.extract(_CLOCK, 2).cast(pl.Int64, strict=False)
    second = text.str.extract(_CLOCK, 3).cast(pl.Int64, strict=False).fill_null(0)
    clock_ok = hour.is_between(0, 23) & minute.is_between(0, 59) & second.is_between(0, 59)
    # a fraction of a day: 0.375 is 09:00; rounded to the minute, 23:59:59 stays 23:59
    fraction = pl.when(text.str.contains(_FRACTION)).then(text.cast(pl.Float64, strict=False))
    of_day = (fraction * 1440).round(6).floor().cast(pl.Int64, strict=False)
    frac_ok = fraction.is_not_null() & (fraction >= 0) & (fraction < 1)
    hh = pl.when(clock_ok).then(hour).when(frac_ok).then(of_day // 60)
    mm = pl.when(clock_ok).then(minute).when(frac_ok).then(of_day % 60)
    return pl.when(hh.is_not_null()).then(
        pl.format("{}:{}", hh.cast(pl.String).str.zfill(2), mm.cast(pl.String).str.zfill(2)))


def plausible_date(day: pl.Expr) -> pl.Expr:
    """The date, or null when it lies before Excel's first day (a time cell in a date column)."""
    return pl.when(day >= pl.lit(FIRST_DAY)).then(day)


# The template's example row starts with this mark; rows so marked are never imported.
EXAMPLE_MARKS = ("【示例】", "[Example]")


def example_mark(lang: str) -> str:
    return EXAMPLE_MARKS[0] if lang == "zh_CN" else EXAMPLE_MARKS[1]


def drop_examples(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """The rows whose `column` does not start with an example mark."""
    marked = pl.any_horizontal(pl.col(column).str.starts_with(m) for m in EXAMPLE_MARKS)
    return frame.filter(~marked.fill_null(False))


def shanghai_timestamp(date_col: str, time_col: str, out: str) -> pl.Expr:
    """A Shanghai calendar date plus HH:MM (09:00 when empty) as an aware UTC timestamp."""
    hhmm = pl.col(time_col).fill_null("09:00")
    minutes = hhmm.str.slice(0, 2).cast(pl.Int64) * 60 + hhmm.str.slice(3, 2).cast(pl.Int64)
    return ((pl.col(date_col).cast(pl.Datetime("us")) + pl.duration(minutes=minutes))
            .dt.replace_time_zone("Asia/Shanghai").dt.convert_time_zone("UTC").alias(out))
