"""The lights centre's own rule: a 督办 order past its due date and not accepted (LC-R1).

Inputs: `supervision_orders` (id, order_no, department_id, region_code, due_date, status,
answered_on: the China date of the department's answer) and `clock` (one row: `today`, the
date in Asia/Shanghai, one per sync)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl

from metrics.lights.registry import Param, Rule, facts_json

ORDER_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(), "order_no": pl.String(), "department_id": pl.Int64(),
    "region_code": pl.String(), "due_date": pl.Date(), "status": pl.String(),
    "answered_on": pl.Date(),
}
CLOCK_SCHEMA: dict[str, pl.DataType] = {"today": pl.Date()}


def order_escalation(orders: pl.DataFrame, *, today: date, escalate_every_days: int,
                     grace_days: int = 0) -> pl.DataFrame:
    """Orders overdue and not accepted, with days overdue and escalation level
    (1 for the first `escalate_every_days` days overdue, +1 for each further period). An order
    the department answered by its due date and that awaits the supervisor's decision is not
    the department's delay: it is not overdue (a returned one is, again; an answer of unknown
    date counts as late)."""
    every = max(int(escalate_every_days), 1)
    answered_on = (pl.col("answered_on") if "answered_on" in orders.columns
                   else pl.lit(None, dtype=pl.Date))
    waiting_on_supervisor = ((pl.col("status") == pl.lit("answered"))
                             & (answered_on <= pl.col("due_date"))).fill_null(False)
    return (
        orders.filter((pl.col("status") != pl.lit("accepted")) & ~waiting_on_supervisor)
        .with_columns((pl.lit(today, dtype=pl.Date) - pl.col("due_date")).dt.total_days()
                      .cast(pl.Int64).alias("days_overdue"))
        .filter(pl.col("days_overdue") > pl.lit(int(grace_days)))
        .with_columns((pl.lit(1) + (pl.col("days_overdue") - 1) // pl.lit(every))
                      .cast(pl.Int64).alias("escalation_level"))
    )


def overdue_orders(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    clock = frames["clock"]
    if clock.height == 0:
        raise ValueError("the clock input has no row")
    today = clock["today"][0]
    every = int(params["escalate_every_days"])
    late = order_escalation(frames["supervision_orders"], today=today, escalate_every_days=every,
                            grace_days=int(params["grace_days"]))
    return late.select(
        pl.lit("supervision_order").alias("subject_type"),
        pl.col("id").cast(pl.String).alias("subject_id"),
        pl.col("department_id"),
        pl.col("region_code"),
        facts_json(
            pl.col("order_no"),
            pl.col("due_date").dt.strftime("%Y-%m-%d").alias("due_date"),
            pl.col("days_overdue"),
            pl.col("escalation_level"),
            pl.lit(every).alias("escalate_every_days"),
        ),
    )


LC_R1 = Rule(
    id="LC-R1", system="LC", level="red", subject_type="supervision_order",
    title_key="lights.rules.lc_r1.title", definition_key="lights.rules.lc_r1.definition",
    basis_key="lights.rules.lc_r1.basis", inputs=("supervision_orders", "clock"),
    fn=overdue_orders,
    params=(
        Param("escalate_every_days", 5, "lights.rules.lc_r1.escalate_every_days", min=1, max=90),
        Param("grace_days", 0, "lights.rules.lc_r1.grace_days", min=0, max=30),
    ),
    volatile=("days_overdue",),
    facts_key="lights.rules.lc_r1.facts",
    partition="department",  # an order's alert is its department's (issue 12)
)

RULES = (LC_R1,)
