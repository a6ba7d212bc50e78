"""S4 e-supervision, pure polars: case and step timing in working days (on top of
metrics.workdays), and the monitoring figures (on-time rates, elapsed distribution, weekly
volumes, fund progress). Frames in, frames out; `today` is always passed in."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from metrics.platform.workdays import on_day, suspended_workdays, with_deadline, with_elapsed

CONCLUDED = ("finished", "rejected")
OPEN = ("in_progress", "suspended")


def clip_suspensions(suspensions: pl.DataFrame, cases: pl.DataFrame, today: date) -> pl.DataFrame:
    """Each suspension (case_id, start_on, end_on, …) cut to the time it can have stopped the
    clock: from the day after receipt (the day of receipt never counts) through the case's
    conclusion, or today while it is open; a running suspension (no end) lasts until then.
    Adds `start_on` / `end_on` clipped (the stored end is kept as `end_stored`); a suspension
    with nothing left inside the case is dropped. `cases` needs case_id, received_on,
    finished_on."""
    until = pl.coalesce(pl.col("finished_on"), pl.lit(today, dtype=pl.Date))
    return (
        suspensions.rename({"end_on": "end_stored"})
        .join(cases.select("case_id", pl.col("received_on").alias("_recv"),
                           until.alias("_until")), on="case_id", how="inner")
        .with_columns(
            pl.max_horizontal(pl.col("start_on"), pl.col("_recv") + pl.duration(days=1))
            .alias("start_on"),
            pl.min_horizontal(pl.coalesce(pl.col("end_stored"), pl.col("_until")),
                              pl.col("_until")).alias("end_on"))
        .filter(pl.col("end_on") >= pl.col("start_on"))
        .drop("_recv", "_until")
    )


def merge_suspensions(clipped: pl.DataFrame) -> pl.DataFrame:
    """Overlapping or touching suspensions of a case as one (case_id, start_on, end_on): a day
    suspended twice stops the clock once. Sorted by case and start, a suspension starts a new
    run when it begins after the latest end so far in its case, plus one day. The per-case
    running maximum is one running maximum over (case number · 2³² + end day): each case's
    offset lies above every earlier case's values, so the maximum starts afresh at each case
    without a window (`over` on a province's 50,000 suspended cases took 0.45 s)."""
    s = clipped.select("case_id", "start_on", "end_on").sort("case_id", "start_on", "end_on")
    new_case = (pl.col("case_id") != pl.col("case_id").shift(1)).fill_null(True)
    offset = new_case.cum_sum().cast(pl.Int64) * (1 << 32)
    reach = (offset + pl.col("end_on").cast(pl.Int64)).cum_max() - offset  # a day number
    starts_anew = new_case | (pl.col("start_on").cast(pl.Int64) > reach.shift(1) + 1)
    return (s.with_columns(starts_anew.cum_sum().alias("_run"))
            .group_by("_run")
            .agg(pl.col("case_id").first(), pl.col("start_on").min(), pl.col("end_on").max())
            .drop("_run").sort("case_id", "start_on"))


def _case_window(frame: pl.DataFrame, cases: pl.DataFrame | None,
                 finished: str = "finished_on") -> pl.DataFrame:
    """The cases' receipt and conclusion; without `cases`, the frame's own columns
    (received_on and `finished`)."""
    if cases is not None:
        return cases
    missing = {"case_id", "received_on", finished} - set(frame.columns)
    if missing:
        raise ValueError(f"suspensions are clipped to their case: pass cases or {sorted(missing)}")
    return frame.select("case_id", "received_on", pl.col(finished).alias("finished_on")).unique("case_id")


def suspension_lengths(suspensions: pl.DataFrame, cal: pl.DataFrame, today: date, *,
                       cases: pl.DataFrame | None = None) -> pl.DataFrame:
    """Add `suspension_workdays`: working days of each suspension inside its case (clipped as
    in `clip_suspensions`, both ends inclusive; `cases` or the suspensions' own received_on /
    finished_on give the case's dates). `end_on` stays as stored (null while it lasts); a
    suspension wholly outside its case counts 0."""
    clipped = clip_suspensions(suspensions.with_row_index("_sid"),
                               _case_window(suspensions, cases), today)
    lengths = suspended_workdays(clipped, cal, key="_sid").rename(
        {"suspended_workdays": "suspension_workdays"})
    return (suspensions.with_row_index("_sid").join(lengths, on="_sid", how="left")
            .with_columns(pl.col("suspension_workdays").fill_null(0).cast(pl.Int32))
            .sort("_sid").drop("_sid"))


def case_timing(cases: pl.DataFrame, suspensions: pl.DataFrame, cal: pl.DataFrame, *,
                today: date) -> pl.DataFrame:
    """Cases (case_id, received_on, finished_on, limit_days, …) with `suspended_workdays`
    (clipped to the case and merged), `deadline` (null when the calendar does not reach it:
    see `without_deadline`), `end_on` (finished or today), `elapsed_workdays` and
    `remaining_workdays`."""
    merged = merge_suspensions(clip_suspensions(
        suspensions.select("case_id", "start_on", "end_on"), cases, today))
    susp = suspended_workdays(merged, cal)
    out = (
        cases.join(susp, on="case_id", how="left")
        .with_columns(pl.col("suspended_workdays").fill_null(0).cast(pl.Int32),
                      pl.coalesce(pl.col("finished_on"), pl.lit(today, dtype=pl.Date)).alias("end_on"))
        .pipe(with_deadline, cal, received_col="received_on", limit_col="limit_days")
        .pipe(with_elapsed, cal, received_col="received_on", end_col="end_on")
    )
    return out.with_columns(
        (pl.col("limit_days").cast(pl.Int32) - pl.col("elapsed_workdays")).alias("remaining_workdays"))


def without_deadline(cases: pl.DataFrame) -> pl.DataFrame:
    """Cases whose deadline could not be computed (the calendar does not reach it): shown to
    the admin and lit by AP-Y7, never silently left out of AP-R1 / AP-Y1 / on-time rates."""
    return cases.filter(pl.col("deadline").is_null())


def step_timing(steps: pl.DataFrame, suspensions: pl.DataFrame, cal: pl.DataFrame, *,
                today: date, cases: pl.DataFrame | None = None) -> pl.DataFrame:
    """Steps (case_id, seq, started_on, finished_on, …) with `step_elapsed_workdays`: working
    days from the day after the step started through its end (or today), less the working
    days of the case's suspensions (clipped to the case and merged: `cases`, or the steps'
    own columns, give case_id, received_on, finished_on) that fall inside the step."""
    st = (steps.with_row_index("_sid")
          .with_columns(pl.coalesce(pl.col("finished_on"), pl.lit(today, dtype=pl.Date)).alias("_end"))
          .with_columns((on_day(cal, "_end") - on_day(cal, "started_on")).alias("_raw")))
    susp = merge_suspensions(clip_suspensions(
        suspensions.select("case_id", "start_on", "end_on"),
        _case_window(steps, cases, "case_finished_on"), today))
    overlap = (
        st.select("_sid", "case_id", "started_on", "_end")
        .join(susp, on="case_id", how="inner")
        .with_columns(pl.max_horizontal(pl.col("started_on") + pl.duration(days=1),
                                        pl.col("start_on")).alias("_a"),
                      pl.min_horizontal(pl.col("_end"), pl.col("end_on")).alias("_b"))
        .filter(pl.col("_b") >= pl.col("_a"))
        .with_columns((on_day(cal, "_b") - on_day(cal, "_a")
                       + on_day(cal, "_a", "is_workday").cast(pl.Int32)).alias("_ov"))
        .group_by("_sid").agg(pl.col("_ov").sum())
    )
    return (st.join(overlap, on="_sid", how="left", maintain_order="left")
            .with_columns((pl.col("_raw") - pl.col("_ov").fill_null(0)).clip(lower_bound=0)
                          .cast(pl.Int32).alias("step_elapsed_workdays"))
            .drop("_sid", "_end", "_raw", "_ov"))


# ---- monitoring figures ----------------------------------------------------------------

def on_time_rate(cases: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Concluded cases (finished or rejected) per group: count, on time (concluded by the
    deadline), late, without a computable deadline (`no_deadline`, neither on time nor late),
    on-time rate in % of those with a deadline (one decimal), sorted by rate ascending."""
    done = cases.filter(pl.col("status").is_in(CONCLUDED))
    return (
        done.group_by(by)
        .agg(pl.len().alias("concluded"),
             (pl.col("finished_on") <= pl.col("deadline")).sum().cast(pl.Int64).alias("on_time"),
             (pl.col("finished_on") > pl.col("deadline")).sum().cast(pl.Int64).alias("late"),
             pl.col("deadline").is_null().sum().cast(pl.Int64).alias("no_deadline"))
        .with_columns(pl.when(pl.col("on_time") + pl.col("late") > 0)
                      .then(pl.col("on_time") * 100.0 / (pl.col("on_time") + pl.col("late")))
                      .round(1).alias("on_time_rate"))
        .select(*by, "concluded", "on_time", "late", "on_time_rate", "no_deadline")
        .sort(["on_time_rate", *by], descending=[False] + [False] * len(by), nulls_last=True)
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
    """Per fund: paid total (exact yuan), payment count, progress % of budget, months since
    allocation."""
    money = pl.Decimal(14, 2)
    paid = payments.group_by("fund_id").agg(pl.col("amount").cast(money).sum().cast(money).alias("paid"),
                                             pl.len().cast(pl.Int64).alias("payments"))
    budget = pl.col("budget").cast(money)
    return (
        funds.join(paid, on="fund_id", how="left")
        .with_columns(pl.col("paid").fill_null(0).cast(money), pl.col("payments").fill_null(0))
        .with_columns(
            pl.when(budget > 0)
            .then((pl.col("paid").cast(pl.Float64) * 100.0 / budget.cast(pl.Float64)).round(1))
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
