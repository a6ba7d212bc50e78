"""The frames the S4 light rules read (loaders: services/esupervision/rule_inputs.py), and the
small helpers the rule modules share. Money is exact: pl.Decimal(14, 2) (yuan, two places)
everywhere, never float.

  ap_cases:       case_id, case_no, power_id, power_code, power_category, power_name,
                  power_version, department_id, region_code, channel, status, received_on,
                  finished_on, limit_days, suspended_workdays, deadline (null: the calendar
                  does not reach it, AP-Y7), elapsed_workdays (through finished_on, or today
                  while open), fee_charged, fee_standard (None = free), online_available,
                  reject_reason
  ap_steps:       case_id, seq, pass_no (1, 2, … each pass of a step), step_name, started_on,
                  finished_on, step_limit_days, step_elapsed_workdays, step_order (1, 2, …
                  by start time, then pass)
  ap_flow_steps:  power_id, seq (the steps of every power version's flow chart; in a partition,
                  of the versions its cases were handled under)
  ap_flow_edges:  power_id, from_seq, to_seq (the flow chart of every power version)
  ap_suspensions: suspension_id, case_id, case_no, department_id, region_code, kind,
                  start_on, end_on, reason, suspension_workdays (clipped to the case)
  fd_funds:       fund_id, code, name, department_id, region_code, year, budget,
                  allocated_on, approval_threshold
  fd_payments:    payment_id, fund_id, fund_code, department_id, region_code, recipient_name,
                  recipient_uscc, amount, paid_on, voucher, approval_threshold
  clock:          today (one China date per sync)
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics.lights.registry import facts_json

MONEY = pl.Decimal(14, 2)

CASES_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.Int64(), "case_no": pl.String(), "power_id": pl.Int64(),
    "power_code": pl.String(), "power_category": pl.String(), "power_name": pl.String(),
    "power_version": pl.Int64(), "department_id": pl.Int64(), "region_code": pl.String(),
    "channel": pl.String(), "status": pl.String(), "received_on": pl.Date(),
    "finished_on": pl.Date(), "limit_days": pl.Int64(), "suspended_workdays": pl.Int32(),
    "deadline": pl.Date(), "elapsed_workdays": pl.Int32(), "fee_charged": MONEY,
    "fee_standard": MONEY, "online_available": pl.Boolean(), "reject_reason": pl.String(),
}
STEPS_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.Int64(), "seq": pl.Int64(), "pass_no": pl.Int64(), "step_name": pl.String(),
    "started_on": pl.Date(), "finished_on": pl.Date(), "step_limit_days": pl.Int64(),
    "step_elapsed_workdays": pl.Int32(), "step_order": pl.Int64(),
}
FLOW_STEPS_SCHEMA: dict[str, pl.DataType] = {"power_id": pl.Int64(), "seq": pl.Int64()}
EDGES_SCHEMA: dict[str, pl.DataType] = {
    "power_id": pl.Int64(), "from_seq": pl.Int64(), "to_seq": pl.Int64(),
}
SUSPENSIONS_SCHEMA: dict[str, pl.DataType] = {
    "suspension_id": pl.Int64(), "case_id": pl.Int64(), "case_no": pl.String(),
    "department_id": pl.Int64(), "region_code": pl.String(), "kind": pl.String(),
    "start_on": pl.Date(), "end_on": pl.Date(), "reason": pl.String(),
    "suspension_workdays": pl.Int32(),
}
FUNDS_SCHEMA: dict[str, pl.DataType] = {
    "fund_id": pl.Int64(), "code": pl.String(), "name": pl.String(), "department_id": pl.Int64(),
    "region_code": pl.String(), "year": pl.Int64(), "budget": MONEY,
    "allocated_on": pl.Date(), "approval_threshold": MONEY,
}
PAYMENTS_SCHEMA: dict[str, pl.DataType] = {
    "payment_id": pl.Int64(), "fund_id": pl.Int64(), "fund_code": pl.String(),
    "department_id": pl.Int64(), "region_code": pl.String(), "recipient_name": pl.String(),
    "recipient_uscc": pl.String(), "amount": MONEY, "paid_on": pl.Date(),
    "voucher": pl.String(), "approval_threshold": MONEY,
}
OPEN = ("in_progress", "suspended")
CONCLUDED = ("finished", "rejected")


def day(col: str) -> pl.Expr:
    """A date column as ISO text, for the facts."""
    return pl.col(col).dt.strftime("%Y-%m-%d").alias(col)


def fen(col: str | pl.Expr) -> pl.Expr:
    """An amount in whole fen (Int64): exact sums and comparisons with shares of it."""
    c = pl.col(col) if isinstance(col, str) else col
    return (c.cast(MONEY) * 100).cast(pl.Int64)


def today_of(frames: Mapping[str, pl.DataFrame]) -> pl.Expr:
    clock = frames["clock"]
    if clock.height == 0:
        raise ValueError("the clock input has no row")
    return pl.lit(clock["today"][0], dtype=pl.Date)


def open_case_ids(frames: Mapping[str, pl.DataFrame]) -> pl.Series:
    """The sweep's subjects of a case rule (Rule.open_subjects): the cases read open."""
    return frames["ap_cases"]["case_no"]


def suspension_subject(frame: pl.DataFrame) -> pl.Series:
    """AP-Y3's subject id of each suspension."""
    return frame.select(pl.col("case_no") + pl.lit("#") + pl.col("suspension_id").cast(pl.String)).to_series()


def open_suspension_ids(frames: Mapping[str, pl.DataFrame]) -> pl.Series:
    """The sweep's subjects of AP-Y3: the suspensions of the cases read open."""
    return suspension_subject(frames["ap_suspensions"])


def case_subjects(frame: pl.DataFrame, *facts: pl.Expr) -> pl.DataFrame:
    return frame.select(
        pl.lit("approval_case").alias("subject_type"), pl.col("case_no").alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("case_no"), pl.col("power_name"), *facts))
