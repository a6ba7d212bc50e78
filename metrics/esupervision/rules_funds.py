"""S4 light rules on special funds and their payments (FD-*). Money is exact: amounts are
pl.Decimal(14, 2) and every sum or comparison with a share of a threshold is done in whole
fen (Int64), so payments that add up to the budget never exceed it by a float's error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from metrics.esupervision.schemas import MONEY, day, fen, today_of
from metrics.lights.registry import facts_json

SHARE_SCALE = 10_000  # shares of a threshold compared in units of 1/10,000


def _paid(frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    paid = frames["fd_payments"].group_by("fund_id").agg(fen("amount").sum().alias("paid_fen"))
    return (frames["fd_funds"].join(paid, on="fund_id", how="left")
            .with_columns(pl.col("paid_fen").fill_null(0), fen("budget").alias("budget_fen"))
            .with_columns((pl.col("paid_fen").cast(MONEY) / 100).cast(MONEY).alias("paid")))


def _fund_subjects(frame: pl.DataFrame, subject_id: pl.Expr, subject_type: str,
                   *facts: pl.Expr) -> pl.DataFrame:
    return frame.select(pl.lit(subject_type).alias("subject_type"), subject_id.alias("subject_id"),
                        pl.col("department_id"), pl.col("region_code"), facts_json(*facts))


def over_budget(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-R1: payments add up to more than the fund's budget (to the fen)."""
    hit = _paid(frames).filter(pl.col("paid_fen") > pl.col("budget_fen"))
    return _fund_subjects(hit, pl.col("code"), "special_fund", pl.col("code").alias("fund_code"),
                          pl.col("name"), pl.col("budget"), pl.col("paid"))


def duplicate_payment(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-R2: a payment of the same amount to the same recipient from the same fund within N
    days of an earlier one (the later payment lights)."""
    days = int(params["window_days"])
    keys = ["fund_id", "recipient_uscc", "amount"]
    same = pl.all_horizontal(pl.col(k).shift(1) == pl.col(k) for k in keys).fill_null(False)
    p = (frames["fd_payments"].sort(*keys, "paid_on", "payment_id")
         .with_columns(pl.when(same).then(pl.col("paid_on").shift(1)).alias("previous_paid_on"),
                       pl.when(same).then(pl.col("voucher").shift(1)).alias("previous_voucher")))
    hit = p.filter((pl.col("paid_on") - pl.col("previous_paid_on")).dt.total_days() <= pl.lit(days))
    return _fund_subjects(hit, pl.col("payment_id").cast(pl.String), "fund_payment",
                          pl.col("fund_code"), pl.col("recipient_name"), pl.col("recipient_uscc"),
                          pl.col("amount"), day("paid_on"), pl.col("voucher"),
                          day("previous_paid_on"), pl.col("previous_voucher"),
                          pl.lit(days).alias("window_days"))


def _share(value: float) -> int:
    return round(float(value) * SHARE_SCALE)


def split_payments(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-Y1: ≥ N payments from the funds of one department to one recipient whose payment
    dates lie within D days of the first (both ends included: paid_on − first ≤ D), each at
    least `low_share` of its fund's approval threshold and strictly below `high_share` of it
    (a payment at or above the threshold was approved, so it is no split). One window per
    (department, recipient): the one with most payments, earliest first. Counted with a
    sorted search per payment (linear in the payments), not a self-join."""
    days, n = int(params["window_days"]), int(params["min_payments"])
    lo, hi = _share(params["low_share"]), _share(params["high_share"])
    amount, threshold = fen("amount") * SHARE_SCALE, fen("approval_threshold")
    near = (frames["fd_payments"]
            .filter((amount >= threshold * lo) & (amount < threshold * hi))
            .with_columns(pl.struct("department_id", "recipient_uscc").rank("dense")
                          .cast(pl.Int64).alias("_grp"),
                          pl.col("paid_on").cast(pl.Int32).cast(pl.Int64).alias("_day"))
            # one sortable integer per payment: the group above the widest span of days
            .with_columns((pl.col("_grp") * (1 << 32) + pl.col("_day")).alias("_key"))
            .sort("_key", "payment_id"))
    keys = near["_key"]
    upto = keys.search_sorted(keys + days, side="right")
    counted = near.with_columns(
        (pl.Series(upto, dtype=pl.Int64) - pl.int_range(pl.len(), dtype=pl.Int64)).alias("_n"))
    best = (counted.sort("_n", "_key", descending=[True, False])
            .group_by("_grp", maintain_order=True)
            .agg(pl.col("_n").first().alias("payments_in_window"),
                 pl.col("paid_on").first().alias("window_start"),
                 pl.col("department_id", "region_code", "recipient_uscc").first())
            .filter(pl.col("payments_in_window") >= pl.lit(n)))
    window = (counted.join(best.select("_grp", "window_start"), on="_grp")
              .filter((pl.col("paid_on") >= pl.col("window_start"))
                      & ((pl.col("paid_on") - pl.col("window_start")).dt.total_days() <= days))
              .sort("_key", "payment_id")
              .group_by("_grp", maintain_order=True)
              .agg(pl.col("recipient_name").first(),
                   pl.col("fund_code").unique(maintain_order=True).str.join(",").alias("fund_codes"),
                   pl.col("amount").cast(pl.String).str.join(",").alias("amounts"),
                   pl.col("approval_threshold").min()))
    hit = best.join(window, on="_grp")
    return _fund_subjects(
        hit, pl.col("department_id").cast(pl.String) + pl.lit(":") + pl.col("recipient_uscc"),
        "department_recipient",
        pl.col("fund_codes"), pl.col("recipient_name"), pl.col("recipient_uscc"),
        pl.col("payments_in_window").cast(pl.Int64), day("window_start"), pl.col("amounts"),
        pl.col("approval_threshold"), pl.lit(days).alias("window_days"),
        pl.lit(float(params["low_share"])).alias("low_share"),
        pl.lit(float(params["high_share"])).alias("high_share"))


def idle_fund(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-Y2: less than `min_share` of the budget paid `months` months after allocation."""
    months, share = int(params["months"]), float(params["min_share"])
    today = today_of(frames)
    hit = _paid(frames).filter(
        (pl.col("allocated_on").dt.offset_by(f"{months}mo") <= today)
        & (pl.col("paid_fen") * SHARE_SCALE < pl.col("budget_fen") * _share(share)))
    return _fund_subjects(hit, pl.col("code"), "special_fund", pl.col("code").alias("fund_code"),
                          pl.col("name"), day("allocated_on"), pl.col("budget"),
                          pl.col("paid"), pl.lit(months).alias("months"),
                          pl.lit(share).alias("min_share"))


def year_end_rush(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-Y3: more than `max_share` of a fund's payments of a calendar year (by amount) paid in
    December."""
    share = float(params["max_share"])
    p = frames["fd_payments"].with_columns(fen("amount").alias("_fen"))
    per_year = (p.group_by("fund_id", "fund_code", pl.col("paid_on").dt.year().cast(pl.Int64)
                           .alias("pay_year"))
                .agg(pl.col("department_id", "region_code").first(),
                     pl.col("_fen").sum().alias("_total"),
                     pl.col("_fen").filter(pl.col("paid_on").dt.month() == 12).sum().alias("_dec"))
                .filter((pl.col("_total") > 0)
                        & (pl.col("_dec") * SHARE_SCALE > pl.col("_total") * _share(share)))
                .with_columns((pl.col("_total").cast(MONEY) / 100).cast(MONEY).alias("year_total"),
                              (pl.col("_dec").cast(MONEY) / 100).cast(MONEY).alias("december"),
                              (pl.col("_dec") / pl.col("_total")).round(4).alias("december_share")))
    return _fund_subjects(
        per_year, pl.col("fund_code") + pl.lit(":") + pl.col("pay_year").cast(pl.String),
        "fund_year", pl.col("fund_code"), pl.col("pay_year"), pl.col("year_total"),
        pl.col("december"), pl.col("december_share"), pl.lit(share).alias("max_share"))
