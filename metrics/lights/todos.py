"""What waits for whom: working days left on 督办 orders, pure polars."""

from __future__ import annotations

from datetime import date

import polars as pl

REMIND_WORKDAYS = 2  # an order due within this many working days is shown as a reminder


def with_days_left(orders: pl.DataFrame, cal: pl.DataFrame, today: date, *,
                   remind: int = REMIND_WORKDAYS) -> pl.DataFrame:
    """orders (due_date) + the working-day calendar (day, ordinal) covering today and every due
    date -> `days_left` (working days from today to the due date: 0 = due today, negative =
    working days overdue) and `state` ("overdue" past the due date, "due_soon" within
    `remind` working days, else "pending"), soonest first."""
    ordinal = cal.select("day", "ordinal")
    today_ord = ordinal.filter(pl.col("day") == today)["ordinal"]
    base = int(today_ord[0]) if today_ord.len() else 0
    return (
        orders.join(ordinal.rename({"day": "due_date", "ordinal": "_due_ord"}), on="due_date",
                    how="left")
        .with_columns((pl.col("_due_ord").cast(pl.Int64) - base).alias("days_left"))
        .with_columns(
            pl.when(pl.col("due_date") < today).then(pl.lit("overdue"))
            .when(pl.col("days_left") <= remind).then(pl.lit("due_soon"))
            .otherwise(pl.lit("pending")).alias("state"))
        .drop("_due_ord")
        .sort("due_date", "order_no")
    )
