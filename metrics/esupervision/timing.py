"""S4 e-supervision, pure polars: case and step timing in working days (on top of
metrics.workdays), and the monitoring figures (on-time rates, elapsed distribution, weekly
volumes, fund progress). Frames in, frames out; `today` is always passed in."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from metrics.platform.workdays import suspended_workdays, with_deadline, with_elapsed

CONCLUDED = ("finished", "rejected")
OPEN = ("in_progress", "suspended")


def close_open_suspensions(suspensions: pl.DataFrame, today: date) -> pl.DataFrame:
    """A suspension still running counts up to today (never before its own start)."""
    return suspensions.with_columns(
        pl.coalesce(pl.col("end_on"), pl.max_horizontal(pl.col("start_on"),
                                                          pl.lit(today, dtype=pl.Date)))
        .alias("end_on"))


def suspension_lengths(suspensions: pl.DataFrame, cal: pl.DataFrame, today: date) -> pl.DataFrame:
    """Add `suspension_workdays`: working days inside each suspension (both ends inclusive,
    a running one up to today)."""
    closed = close_open_suspensions(suspensions, today).with_row_index("_sid")
    lengths = suspended_workdays(closed, cal, key="_sid").rename(
        {"suspended_workdays": "suspension_workdays"})
    original_end = suspensions.select(pl.col("end_on")).with_row_index("_sid")
    return (closed.drop("end_on").join(original_end, on="_sid", how="left")
            .join(lengths, on="_sid", how="left")
            .with_columns(pl.col("suspension_workdays").fill_null(0))
            .sort("_sid").drop("_sid"))


def case_timing(cases: pl.DataFrame, suspensions: pl.DataFrame, cal: pl.DataFrame, *,
                today: date) -> pl.DataFrame:
    """Cases (case_id, received_on, finished_on, limit_days, …) with `suspended_workdays`,
    `deadline`, `end_on` (finished or today), `elapsed_workdays` and `remaining_workdays`."""
    susp = suspended_workdays(close_open_suspensions(suspensions.select("case_id", "start_on",
                                                                       "end_on"), today), cal)
    out = (
        cases.join(susp, on="case_id", how="left")
        .with_columns(pl.col("suspended_workdays").fill_null(0).cast(pl.Int32),
                      pl.coalesce(pl.col("finished_on"), pl.lit(today, dtype=pl.Date)).alias("end_on"))
        .pipe(with_deadline, cal, received_col="received_on", limit_col="limit_days")
        .pipe(with_elapsed, cal, received_col="received_on", end_col="end_on")
    )
    return out.with_columns(
        (pl.col("limit_days").cast(pl.Int32) - pl.col("elapsed_workdays")).alias("remaining_workdays"))


def step_timing(steps: pl.DataFrame, suspensions: pl.DataFrame, cal: pl.DataFrame, *,
                today: date) -> pl.DataFrame:
    """Steps (case_id, seq, started_on, finished_on, …) with `step_elapsed_workdays`: working
    days from the day after the step started through its end (or today), less the working
    days of the case's suspensions that fall inside the step."""
    ordinal = cal.select("day", "ordinal")
    workday = cal.select("day", "is_workday")
    st = (steps.with_row_index("_sid")
          .with_columns(pl.coalesce(pl.col("finished_on"), pl.lit(today, dtype=pl.Date)).alias("_end")))
    raw = (st.select("_sid", "started_on", "_end")
           .join(ordinal.rename({"day": "started_on", "ordinal": "_os"}), on="started_on", how="left")
           .join(ordinal.rename({"day": "_end", "ordinal": "_oe"}), on="_end", how="left")
           .select("_sid", (pl.col("_oe") - pl.col("_os")).alias("_raw")))
    susp = close_open_suspensions(suspensions.select("case_id", "start_on", "end_on"), today)
    overlap = (
        st.select("_sid", "case_id", "started_on", "_end")
        .join(susp, on="case_id", how="inner")
        .with_columns(pl.max_horizontal(pl.col("started_on") + pl.duration(days=1),
                                        pl.col("start_on")).alias("_a"),
                      pl.min_horizontal(pl.col("_end"), pl.col("end_on")).alias("_b"))
        .filter(pl.col("_b") >= pl.col("_a"))
        .join(ordinal.rename({"day": "_a", "ordinal": "_oa"}), on="_a", how="left")
        .join(ordinal.rename({"day": "_b", "ordinal": "_ob"}), on="_b", how="left")
        .join(workday.rename({"day": "_a", "is_workday": "_wa"}), on="_a", how="left")
        .group_by("_sid")
        .agg((pl.col("_ob") - pl.col("_oa") + pl.col("_wa").cast(pl.Int32)).sum().alias("_ov"))
    )
    return (st.join(raw, on="_sid", how="left").join(overlap, on="_sid", how="left")
            .with_columns((pl.col("_raw") - pl.col("_ov").fill_null(0)).clip(lower_bound=0)
                          .cast(pl.Int32).alias("step_elapsed_workdays"))
            .sort("_sid").drop("_sid", "_end", "_raw", "_ov"))


# ---- monitoring figures ----------------------------------------------------------------

def on_time_rate(cases: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Concluded cases (finished or rejected) per group: count, on time (concluded by the
    deadline), late, on-time rate in % (one decimal), sorted by rate ascending."""
    done = cases.filter(pl.col("status").is_in(CONCLUDED))
    return (
        done.group_by(by)
        .agg(pl.len().alias("concluded"),
             (pl.col("finished_on") <= pl.col("deadline")).sum().cast(pl.Int64).alias("on_time"))
        .with_columns((pl.col("concluded") - pl.col("on_time")).alias("late"),
                      (pl.col("on_time") * 100.0 / pl.col("concluded")).round(1).alias("on_time_rate"))
        .sort(["on_time_rate", *by], descending=[False] + [False] * len(by))
    )


def elapsed_summary(cases: pl.DataFrame, by: str = "power_name") -> pl.DataFrame:
    """Per group of concluded cases: count, promised limit, min / quartiles / max of elapsed
    working days."""
    done = cases.filter(pl.col("status").is_in(CONCLUDED))
    e = pl.col("elapsed_workdays")
    return (done.group_by(by)
            .agg(pl.len().alias("cases"), pl.col("limit_days").max().alias("limit_days"),
                 e.min().alias("min"), e.quantile(0.25, "linear").alias("q1"),
                 e.median().alias("median"), e.quantile(0.75, "linear").alias("q3"),
                 e.max().alias("max"))
            .sort(["cases", by], descending=[True, False]))


def weekly_volumes(cases: pl.DataFrame) -> pl.DataFrame:
    """Cases received and concluded per ISO week (Monday), by channel for receipts."""
    received = (cases.group_by(pl.col("received_on").dt.truncate("1w").alias("week"), "channel")
                .agg(pl.len().alias("received")))
    concluded = (cases.filter(pl.col("status").is_in(CONCLUDED) & pl.col("finished_on").is_not_null())
                 .group_by(pl.col("finished_on").dt.truncate("1w").alias("week"))
                 .agg(pl.len().alias("concluded")))
    wide = (received.pivot(on="channel", index="week", values="received")
            if received.height else pl.DataFrame(schema={"week": pl.Date}))
    for ch in ("online", "window"):
        if ch not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.UInt32).alias(ch))
    return (wide.join(concluded, on="week", how="full", coalesce=True)
            .with_columns(pl.col("online", "window", "concluded").fill_null(0).cast(pl.Int64))
            .with_columns((pl.col("online") + pl.col("window")).alias("received"))
            .select("week", "received", "online", "window", "concluded").sort("week"))


def fund_progress(funds: pl.DataFrame, payments: pl.DataFrame, *, today: date) -> pl.DataFrame:
    """Per fund: paid total, payment count, progress % of budget, months since allocation."""
    paid = payments.group_by("fund_id").agg(pl.col("amount").sum().alias("paid"),
                                             pl.len().cast(pl.Int64).alias("payments"))
    return (
        funds.join(paid, on="fund_id", how="left")
        .with_columns(pl.col("paid").fill_null(0.0), pl.col("payments").fill_null(0))
        .with_columns(
            pl.when(pl.col("budget") > 0).then((pl.col("paid") * 100.0 / pl.col("budget")).round(1))
            .otherwise(None).alias("progress"),
            (pl.lit(today, dtype=pl.Date) - pl.col("allocated_on")).dt.total_days()
            .floordiv(30).cast(pl.Int64).alias("months_since_allocation"))
        .sort("progress", nulls_last=True)
    )


def period_start(today: date, months: int) -> date:
    """The first day of the month `months - 1` months before today's month."""
    y, m = today.year, today.month - (months - 1)
    while m <= 0:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def received_since(cases: pl.DataFrame, since: date) -> pl.DataFrame:
    return cases.filter(pl.col("received_on") >= since)


def overall_on_time(cases: pl.DataFrame) -> pl.DataFrame:
    """on_time_rate over all the cases: one row (none when nothing is concluded)."""
    return on_time_rate(cases.with_columns(pl.lit("").alias("_all")), ["_all"])
