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


def _figures(units: pl.DataFrame, key: str, cases: pl.DataFrame,
             open_red: pl.DataFrame) -> pl.DataFrame:
    counts = cases.group_by(key).agg(pl.len().cast(pl.Int64).alias("cases"))
    rates = on_time_rate(cases, [key]).select(key, "concluded", "on_time", "late", "on_time_rate")
    red = open_red.group_by(key).agg(pl.col("open_red").sum().cast(pl.Int64))
    return (
        units.join(counts, on=key, how="left").join(rates, on=key, how="left")
        .join(red, on=key, how="left")
        .with_columns(pl.col("cases", "open_red", "concluded", "on_time", "late")
                      .fill_null(0).cast(pl.Int64))
    )


def department_ranking(departments: pl.DataFrame, cases: pl.DataFrame,
                       open_red: pl.DataFrame) -> pl.DataFrame:
    """departments (department_id, department, region_code, region) + cases (department_id,
    status, finished_on, deadline) + open red lights (department_id, open_red) -> one row per
    department with cases, open_red, red_per_100 (2 decimals; null without cases), concluded,
    on_time, late, on_time_rate (% of concluded with a deadline) and rank (worst first)."""
    return _ranked(_figures(departments, "department_id", cases, open_red))


def region_ranking(departments: pl.DataFrame, cases: pl.DataFrame,
                   open_red: pl.DataFrame) -> pl.DataFrame:
    """The same per region (the region each department belongs to)."""
    units = departments.select("region_code", "region").unique("region_code")
    return _ranked(_figures(units, "region_code", cases, open_red))
