"""Issue 11, case rules: AP-Y1 lights only cases in progress (a suspended case's clock is
stopped); AP-R3 compares fees in exact money."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import polars as pl

from metrics.esupervision import rules as r
from metrics.lights.registry import evaluate

TODAY = date(2026, 6, 15)
CLOCK = pl.DataFrame({"today": [TODAY]}, schema={"today": pl.Date})


def cases(*rows: dict) -> pl.DataFrame:
    base = dict(case_id=1, case_no="C1", power_id=10, power_code="XK-210102004-001",
                power_category="行政许可", power_name="食品经营许可", power_version=1, department_id=5,
                region_code="210102", channel="online", status="in_progress",
                received_on=date(2026, 6, 1), finished_on=None, limit_days=10,
                suspended_workdays=0, deadline=date(2026, 6, 17), elapsed_workdays=8,
                fee_charged=Decimal("0"), fee_standard=None, online_available=True, reject_reason=None)
    return pl.DataFrame([base | {"case_id": i + 1} | row for i, row in enumerate(rows)],
                        schema=r.CASES_SCHEMA)


def test_ap_y1_skips_suspended_cases():
    c = cases(dict(case_no="running"), dict(case_no="paused", status="suspended", suspended_workdays=3),
              dict(case_no="one_more_day", elapsed_workdays=7, deadline=date(2026, 6, 18)))
    out = evaluate(r.AP_Y1, {"ap_cases": c, "clock": CLOCK})
    # 8 of 10 used: 2 left and 80 % -> yellow; the suspended one with the same figures is not
    assert out["subject_id"].to_list() == ["running"]
    assert json.loads(out["facts"][0])["remaining_workdays"] == 2
    # the same suspended case, past its deadline, is still red (AP-R1 counts the open case)
    late = c.with_columns(pl.lit(date(2026, 6, 12)).alias("deadline"))
    assert sorted(evaluate(r.AP_R1, {"ap_cases": late, "clock": CLOCK})["subject_id"]) == [
        "one_more_day", "paused", "running"]


def test_ap_r3_fee_in_exact_money():
    c = cases(dict(case_no="equal", fee_charged=Decimal("80.10"), fee_standard=Decimal("80.10")),
              dict(case_no="fen_more", fee_charged=Decimal("80.11"), fee_standard=Decimal("80.10")),
              dict(case_no="free_charged", fee_charged=Decimal("0.01"), fee_standard=None))
    out = evaluate(r.AP_R3, {"ap_cases": c})
    assert sorted(out["subject_id"]) == ["fen_more", "free_charged"]
    f = json.loads(out.filter(pl.col("subject_id") == "fen_more")["facts"][0])
    assert (f["fee_charged"], f["fee_standard"], f["tolerance_yuan"]) == ("80.11", "80.10", 0.0)
    assert json.loads(out.filter(pl.col("subject_id") == "free_charged")["facts"][0])["fee_standard"] == "0.00"
    # a tolerance of 1 fen lets both one-fen excesses through, 0.009 yuan rounds to 1 fen
    assert evaluate(r.AP_R3, {"ap_cases": c}, {"tolerance_yuan": 0.01}).height == 0
    assert evaluate(r.AP_R3, {"ap_cases": c}, {"tolerance_yuan": 0.009}).height == 0
