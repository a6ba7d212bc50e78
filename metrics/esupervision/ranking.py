"""The ranking leaders ask for, pure polars: departments and regions by open red lights per
100 approval cases and by on-time rate."""

from __future__ import annotations

import polars as pl

from metrics.esupervision.timing import on_time_rate

RANK_COLUMNS = ("cases", "open_red", "red_per_100", "concluded", "on_time", "late",
                "on_time_rate")


def _ranked(frame: pl.DataFrame) -> pl.DataFrame:
    """Worst first: most open red lights per 100 cases, then lowest on-time rate."""
    return (
        frame.with_columns(
            pl.when(pl.col("cases") > 0)
            .then((pl.col("open_red") * 100.0 / pl.col("cases")).round(2))
            .alias("red_per_100"))
        .sort(["red_per_100", "open_red", "on_time_rate"], descending=[True, True, False],
              nulls_last=True)
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
    )


def case_counts(cases: pl.DataFrame) -> pl.DataFrame:
    """cases (department_id, region_code, status, finished_on, deadline) -> per department and
    region: cases, concluded, on_time, late. All the ranking needs of the cases, and small
    (one row per department), so a page can keep it between runs instead of the cases."""
    keys = ["department_id", "region_code"]
    counts = cases.group_by(keys).agg(pl.len().cast(pl.Int64).alias("cases"))
    rates = on_time_rate(cases, keys).select(*keys, "concluded", "on_time", "late")
    return (counts.join(rates, on=keys, how="left", nulls_equal=True)
            .with_columns(pl.col("concluded", "on_time", "late").fill_null(0).cast(pl.Int64))
            .sort(keys))


def _figures(units: pl.DataFrame, key: str, counts: pl.DataFrame,
             open_red: pl.DataFrame) -> pl.DataFrame:
    per = (counts.group_by(key).agg(pl.col("cases", "concluded", "on_time", "late").sum())
           # metrics.esupervision.timing.on_time_rate's formula, on the summed counts
           .with_columns(pl.when(pl.col("on_time") + pl.col("late") > 0)
                         .then(pl.col("on_time") * 100.0 / (pl.col("on_time") + pl.col("late")))
                         .round(1).alias("on_time_rate")))
    red = open_red.group_by(key).agg(pl.col("open_red").sum().cast(pl.Int64))
    return (
        units.join(per, on=key, how="left").join(red, on=key, how="left")
        .with_columns(pl.col("cases", "open_red", "concluded", "on_time", "late")
                      .fill_null(0).cast(pl.Int64))
    )


def department_ranking(departments: pl.DataFrame, counts: pl.DataFrame,
                       open_red: pl.DataFrame) -> pl.DataFrame:
    """departments (department_id, department, region_code, region) + case_counts(cases) +
    open red lights (department_id, open_red) -> one row per department with cases, open_red,
    red_per_100 (2 decimals; null without cases), concluded, on_time, late, on_time_rate (% of
    concluded with a deadline) and rank (worst first)."""
    return _ranked(_figures(departments, "department_id", counts, open_red))


def region_ranking(departments: pl.DataFrame, counts: pl.DataFrame,
                   open_red: pl.DataFrame) -> pl.DataFrame:
    """The same per region (the region each department belongs to)."""
    units = departments.select("region_code", "region").unique("region_code")
    return _ranked(_figures(units, "region_code", counts, open_red))
