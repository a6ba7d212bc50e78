"""Lights and cockpit figures, pure polars.

A department's light is red with any open red alert, yellow with any open yellow alert, else
green; "open" means status open, acknowledged or supervising (still waiting for action; an
alert whose order was answered is `rectified` and no longer lights the board). A region's light
is the worst light in its subtree (alerts without a department count in their region), with the
number of departments of each colour behind it."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from core.statuses import ACTIVE_ORDER_STATUSES, LIGHT_OPEN

OPEN_STATUSES = LIGHT_OPEN
LIGHTS: tuple[str, ...] = ("red", "yellow", "green")
LEVELS: tuple[str, ...] = ("red", "yellow")


def _is_open(col: str = "status") -> pl.Expr:
    return pl.col(col).is_in(OPEN_STATUSES)


def _light(red: pl.Expr, yellow: pl.Expr) -> pl.Expr:
    return (pl.when(red > 0).then(pl.lit("red"))
            .when(yellow > 0).then(pl.lit("yellow")).otherwise(pl.lit("green")))


def open_counts(alerts: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Open red and yellow alerts per group (`by` columns of `alerts`)."""
    return (
        alerts.filter(_is_open())
        .group_by(by)
        .agg((pl.col("level") == "red").sum().cast(pl.Int64).alias("open_red"),
             (pl.col("level") == "yellow").sum().cast(pl.Int64).alias("open_yellow"))
    )


def department_lights(departments: pl.DataFrame, alerts: pl.DataFrame) -> pl.DataFrame:
    """departments (id, region_code, …) + alerts (department_id, level, status) ->
    one row per department with open_red, open_yellow and light."""
    counts = open_counts(alerts.filter(pl.col("department_id").is_not_null()), ["department_id"])
    return (
        departments.join(counts, left_on="id", right_on="department_id", how="left")
        .with_columns(pl.col("open_red", "open_yellow").fill_null(0).cast(pl.Int64))
        .with_columns(_light(pl.col("open_red"), pl.col("open_yellow")).alias("light"))
    )


def _ancestors(frame: pl.DataFrame, regions: pl.DataFrame, region_col: str) -> pl.DataFrame:
    """One row per (row of `frame`, region above or equal to its region): column `ancestor`."""
    paths = regions.select(pl.col("code").alias(region_col), "path")
    return (
        frame.join(paths, on=region_col, how="inner")
        .with_columns(pl.col("path").str.strip_suffix("/").str.split("/").alias("ancestor"))
        .explode("ancestor")
    )


def region_lights(regions: pl.DataFrame, dept_lights: pl.DataFrame,
                  alerts: pl.DataFrame) -> pl.DataFrame:
    """regions (code, name, level, parent_code, path) + department_lights + alerts (region_code,
    department_id, level, status) -> per region: light, departments per colour (red, yellow,
    green) and open red / yellow alerts in its subtree."""
    depts = (
        _ancestors(dept_lights.select("id", "region_code", "light"), regions, "region_code")
        .group_by("ancestor")
        .agg(*[(pl.col("light") == c).sum().cast(pl.Int64).alias(c) for c in LIGHTS])
    )
    opened = (
        _ancestors(alerts.filter(_is_open()).select("region_code", "level"), regions, "region_code")
        .group_by("ancestor")
        .agg((pl.col("level") == "red").sum().cast(pl.Int64).alias("open_red"),
             (pl.col("level") == "yellow").sum().cast(pl.Int64).alias("open_yellow"))
    )
    return (
        regions.select("code", "name", "level", "parent_code", "path")
        .join(depts, left_on="code", right_on="ancestor", how="left")
        .join(opened, left_on="code", right_on="ancestor", how="left")
        .with_columns(pl.col(*LIGHTS, "open_red", "open_yellow").fill_null(0).cast(pl.Int64))
        .with_columns(_light(pl.col("open_red"), pl.col("open_yellow")).alias("light"))
        .sort("path")
    )


def open_over_time(events: pl.DataFrame, *, start: date, end: date,
                   tz: str = "Asia/Shanghai") -> pl.DataFrame:
    """Open alerts per day (end of day, local time) and level, replayed from the alerts'
    status history: events (alert_id, ts aware UTC, from_status, to_status, level)."""
    days = pl.date_range(start, end, "1d", eager=True).alias("day")
    grid = pl.DataFrame(days).join(pl.DataFrame({"level": list(LEVELS)}), how="cross")
    deltas = events.select(
        pl.col("ts").dt.convert_time_zone(tz).dt.date().alias("day"),
        pl.col("level"),
        (pl.col("to_status").is_in(OPEN_STATUSES).fill_null(False).cast(pl.Int64)
         - pl.col("from_status").is_in(OPEN_STATUSES).fill_null(False).cast(pl.Int64)
         ).alias("delta"),
    )
    base = (deltas.filter(pl.col("day") < start).group_by("level")
            .agg(pl.col("delta").sum().alias("base")))
    daily = (deltas.filter(pl.col("day").is_between(start, end)).group_by("day", "level")
             .agg(pl.col("delta").sum()))
    return (
        grid.join(daily, on=["day", "level"], how="left")
        .join(base, on="level", how="left")
        .with_columns(pl.col("delta", "base").fill_null(0))
        .sort("level", "day")
        .with_columns((pl.col("base") + pl.col("delta").cum_sum().over("level"))
                      .cast(pl.Int64).alias("open"))
        .select("day", "level", "open")
        .sort("day", "level")
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


def kpis(alerts: pl.DataFrame, orders: pl.DataFrame, series: pl.DataFrame, *,
         today: date) -> dict[str, int]:
    """Cockpit numbers. alerts (level, status); orders (status, due_date); series from
    open_over_time covering the last day of the previous month."""
    open_ = alerts.filter(_is_open())
    active = orders.filter(pl.col("status").is_in(ACTIVE_ORDER_STATUSES))
    last_month_end = month_start(today) - timedelta(days=1)

    def at(day: date, level: str) -> int:
        row = series.filter((pl.col("day") == day) & (pl.col("level") == level))
        return int(row["open"][0]) if row.height else 0

    return {
        "open_red": int((open_["level"] == "red").sum()),
        "open_yellow": int((open_["level"] == "yellow").sum()),
        "orders_open": active.height,
        "orders_overdue": int((active["due_date"] < today).sum()),
        "open_red_last_month": at(last_month_end, "red"),
        "open_yellow_last_month": at(last_month_end, "yellow"),
    }


def top_departments(dept_lights: pl.DataFrame, n: int = 10) -> pl.DataFrame:
    """Departments with the most open red alerts (then yellow), those with any red only."""
    return (
        dept_lights.filter(pl.col("open_red") > 0)
        .sort(["open_red", "open_yellow", "id"], descending=[True, True, False])
        .head(n)
    )


def overdue_orders(orders: pl.DataFrame, today: date) -> pl.DataFrame:
    """督办 orders past their due date and not yet accepted."""
    return orders.filter((pl.col("status") != "accepted") & (pl.col("due_date") < today))


def active_orders(orders: pl.DataFrame) -> pl.DataFrame:
    """Orders still being worked (issued, answered or returned)."""
    return orders.filter(pl.col("status").is_in(ACTIVE_ORDER_STATUSES))
