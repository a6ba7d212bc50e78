"""Issue 11, money and funds: exact decimal amounts (payments that add up to the budget never
exceed it), FD-Y1 strictly below the threshold with an inclusive 30-day window, the same
recipient across two funds of one department, counted without a self-join."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import polars as pl

from metrics.esupervision import rules as r
from metrics.lights.registry import evaluate

CLOCK = pl.DataFrame({"today": [date(2026, 6, 30)]}, schema={"today": pl.Date})
USCC = "91210100MA0000001X"


def payments(*rows: dict) -> pl.DataFrame:
    base = dict(payment_id=1, fund_id=1, fund_code="F1", department_id=5, region_code="210102",
                recipient_name="甲公司", recipient_uscc=USCC, amount=Decimal("1000"),
                paid_on=date(2026, 3, 1), voucher="V1", approval_threshold=Decimal("100000"))
    return pl.DataFrame([base | {"payment_id": i + 1, "voucher": f"V{i + 1}"} | row
                         for i, row in enumerate(rows)], schema=r.PAYMENTS_SCHEMA)


def funds(*rows: dict) -> pl.DataFrame:
    base = dict(fund_id=1, code="F1", name="农田水利专项", department_id=5, region_code="210102",
                year=2026, budget=Decimal("161671.22"), allocated_on=date(2026, 1, 10),
                approval_threshold=Decimal("100000"))
    return pl.DataFrame([base | row for row in rows], schema=r.FUNDS_SCHEMA)


AMOUNTS = ("42991.62", "10842.23", "43509.89", "47090.12", "17237.36")


def test_payments_adding_up_exactly_to_the_budget_are_not_over_it():
    assert sum(float(a) for a in AMOUNTS) == 161671.22000000003  # what float storage summed
    p = payments(*(dict(amount=Decimal(a)) for a in AMOUNTS))
    assert evaluate(r.FD_R1, {"fd_funds": funds({}), "fd_payments": p}).height == 0
    one_fen_more = payments(*(dict(amount=Decimal(a)) for a in AMOUNTS), dict(amount=Decimal("0.01")))
    out = evaluate(r.FD_R1, {"fd_funds": funds({}), "fd_payments": one_fen_more})
    f = json.loads(out["facts"][0])
    assert (f["budget"], f["paid"]) == ("161671.22", "161671.23")  # exact text, never a float


def test_idle_and_december_shares_in_exact_money():
    f = funds(dict(budget=Decimal("10000.00"), allocated_on=date(2025, 12, 1)))
    at_share = payments(dict(amount=Decimal("1000.00")), dict(amount=Decimal("2000.00")))
    assert evaluate(r.FD_Y2, {"fd_funds": f, "fd_payments": at_share, "clock": CLOCK}).height == 0
    below = payments(dict(amount=Decimal("1000.00")), dict(amount=Decimal("1999.99")))
    out = evaluate(r.FD_Y2, {"fd_funds": f, "fd_payments": below, "clock": CLOCK})
    assert json.loads(out["facts"][0])["paid"] == "2999.99"
    # December exactly 40 % is not "more than" 40 %
    p = payments(dict(amount=Decimal("0.30"), paid_on=date(2025, 3, 1)),
                 dict(amount=Decimal("0.10"), paid_on=date(2025, 4, 1)),
                 dict(amount=Decimal("0.40"), paid_on=date(2025, 12, 1)),
                 dict(amount=Decimal("0.20"), paid_on=date(2025, 5, 1)))
    assert evaluate(r.FD_Y3, {"fd_payments": p}).height == 0
    more = p.with_columns(pl.when(pl.col("payment_id") == 3).then(Decimal("0.41"))
                          .otherwise(pl.col("amount")).cast(r.MONEY).alias("amount"))
    out = evaluate(r.FD_Y3, {"fd_payments": more})
    f = json.loads(out["facts"][0])
    assert (f["year_total"], f["december"], f["december_share"]) == ("1.01", "0.41", 0.4059)


def test_fd_y1_a_payment_at_the_threshold_was_approved_not_split():
    t = Decimal("100000")
    p = payments(dict(amount=Decimal("85000.00"), paid_on=date(2026, 4, 1)),
                 dict(amount=Decimal("99999.99"), paid_on=date(2026, 4, 10)),
                 dict(amount=t, paid_on=date(2026, 4, 20)))
    assert evaluate(r.FD_Y1, {"fd_payments": p}).height == 0  # before: 3 "split" payments
    p3 = p.with_columns(pl.when(pl.col("payment_id") == 3).then(Decimal("99999.99"))
                        .otherwise(pl.col("amount")).cast(r.MONEY).alias("amount"))
    out = evaluate(r.FD_Y1, {"fd_payments": p3})
    assert out["subject_id"].to_list() == [f"5:{USCC}"]
    f = json.loads(out["facts"][0])
    assert (f["payments_in_window"], f["window_start"], f["amounts"]) == (
        3, "2026-04-01", "85000.00,99999.99,99999.99")
    # just under the low share (84,999.99 of 85 %) does not count
    low = p3.with_columns(pl.when(pl.col("payment_id") == 1).then(Decimal("84999.99"))
                          .otherwise(pl.col("amount")).cast(r.MONEY).alias("amount"))
    assert evaluate(r.FD_Y1, {"fd_payments": low}).height == 0


def test_fd_y1_window_includes_both_ends():
    near = [Decimal("90000.00")] * 3
    inside = payments(*(dict(amount=a, paid_on=d) for a, d in
                        zip(near, (date(2026, 4, 1), date(2026, 4, 15), date(2026, 5, 1)), strict=True)))
    # 04-01 .. 05-01 is 30 days apart: inside a 30-day window
    assert evaluate(r.FD_Y1, {"fd_payments": inside}).height == 1
    outside = inside.with_columns(pl.Series("paid_on", [date(2026, 4, 1), date(2026, 4, 15),
                                                        date(2026, 5, 2)]))
    assert evaluate(r.FD_Y1, {"fd_payments": outside}).height == 0


def test_fd_y1_same_recipient_across_two_funds_of_one_department():
    p = payments(dict(fund_id=1, fund_code="F1", amount=Decimal("90000.00"), paid_on=date(2026, 4, 1)),
                 dict(fund_id=2, fund_code="F2", amount=Decimal("45000.00"), paid_on=date(2026, 4, 5),
                      approval_threshold=Decimal("50000")),
                 dict(fund_id=1, fund_code="F1", amount=Decimal("95000.00"), paid_on=date(2026, 4, 9)))
    out = evaluate(r.FD_Y1, {"fd_payments": p})
    assert out["subject_id"].to_list() == [f"5:{USCC}"]  # before: 2 + 1, never 3 in one fund
    f = json.loads(out["facts"][0])
    assert (f["fund_codes"], f["payments_in_window"]) == ("F1,F2", 3)
    other_dept = p.with_columns(pl.when(pl.col("fund_id") == 2).then(6)
                                .otherwise(pl.col("department_id")).alias("department_id"))
    assert evaluate(r.FD_Y1, {"fd_payments": other_dept}).height == 0


def test_fd_y1_picks_the_busiest_window_per_recipient():
    days = [date(2026, 1, 1), date(2026, 3, 1), date(2026, 3, 10), date(2026, 3, 20),
            date(2026, 3, 31), date(2026, 6, 1)]
    p = payments(*(dict(amount=Decimal("88000.00"), paid_on=d) for d in days),
                 dict(amount=Decimal("88000.00"), paid_on=date(2026, 3, 5), recipient_uscc="91210100MA0000002X"))
    out = evaluate(r.FD_Y1, {"fd_payments": p})
    f = json.loads(out["facts"][0])
    assert out["subject_id"].to_list() == [f"5:{USCC}"]
    assert (f["payments_in_window"], f["window_start"]) == (4, "2026-03-01")
