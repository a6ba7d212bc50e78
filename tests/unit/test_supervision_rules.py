"""S4 light rules on hand-built frames: each fires at its threshold and not just below it."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from metrics.esupervision import rules as r
from metrics.lights.registry import evaluate

TODAY = date(2026, 6, 15)
CLOCK = pl.DataFrame({"today": [TODAY]}, schema={"today": pl.Date})


def cases(*rows: dict) -> pl.DataFrame:
    base = dict(case_id=1, case_no="C1", power_id=10, power_code="XK-210102004-001",
                power_category="行政许可", power_name="食品经营许可", power_version=1, department_id=5,
                region_code="210102", channel="online", status="in_progress",
                received_on=date(2026, 6, 1), finished_on=None, limit_days=10,
                suspended_workdays=0, deadline=date(2026, 6, 15), elapsed_workdays=5,
                fee_charged=0.0, fee_standard=None, online_available=True, reject_reason=None)
    return pl.DataFrame([base | row for row in rows], schema=r.CASES_SCHEMA)


def run(rule, **frames) -> pl.DataFrame:  # noqa: ANN001
    frames.setdefault("clock", CLOCK)
    return evaluate(rule, frames)


def ids(out: pl.DataFrame) -> list[str]:
    return sorted(out["subject_id"].to_list())


def facts(out: pl.DataFrame, subject: str) -> dict:
    return json.loads(out.filter(pl.col("subject_id") == subject)["facts"][0])


def test_ap_y1_remaining_days_and_share():
    c = cases(
        dict(case_no="A", limit_days=20, elapsed_workdays=15, deadline=date(2026, 6, 30)),  # 75 %, 5 left
        dict(case_no="B", limit_days=20, elapsed_workdays=16, deadline=date(2026, 6, 30)),  # 80 %
        dict(case_no="C", limit_days=10, elapsed_workdays=8, deadline=date(2026, 6, 17)),   # 2 left
        dict(case_no="D", limit_days=100, elapsed_workdays=10, deadline=date(2026, 9, 1)),
        dict(case_no="E", limit_days=10, elapsed_workdays=9, status="finished",
             finished_on=date(2026, 6, 12)),
        dict(case_no="F", limit_days=10, elapsed_workdays=11, deadline=date(2026, 6, 12)),  # past: R1
    )
    out = run(r.AP_Y1, ap_cases=c)
    assert ids(out) == ["B", "C"]
    assert set(out["level"]) == {"yellow"}
    f = facts(out, "C")
    assert (f["remaining_workdays"], f["deadline"], f["limit_days"]) == (2, "2026-06-17", 10)
    # the share is inclusive: at 75 % A (15 of 20 used) joins, at 76 % it does not
    assert ids(evaluate(r.AP_Y1, {"ap_cases": c, "clock": CLOCK}, {"share": 0.75})) == ["A", "B", "C"]
    assert ids(evaluate(r.AP_Y1, {"ap_cases": c, "clock": CLOCK}, {"share": 0.76})) == ["B", "C"]
    # raising the threshold to 5 days left brings in A
    assert ids(evaluate(r.AP_Y1, {"ap_cases": c, "clock": CLOCK}, {"remaining_days": 5})) == ["A", "B", "C"]


def test_ap_r1_finished_late_and_open_past_deadline():
    c = cases(
        dict(case_no="late", status="finished", finished_on=date(2026, 6, 16), deadline=date(2026, 6, 15)),
        dict(case_no="on_day", status="finished", finished_on=date(2026, 6, 15), deadline=date(2026, 6, 15)),
        dict(case_no="open_past", deadline=date(2026, 6, 12)),
        dict(case_no="open_today", deadline=TODAY),
        dict(case_no="withdrawn", status="withdrawn", deadline=date(2026, 6, 1)),
        dict(case_no="rejected_late", status="rejected", finished_on=date(2026, 6, 20),
             deadline=date(2026, 6, 19), reject_reason="材料虚假"),
    )
    out = run(r.AP_R1, ap_cases=c)
    assert ids(out) == ["late", "open_past", "rejected_late"]
    assert facts(out, "late")["finished_on"] == "2026-06-16"
    assert facts(out, "open_past")["finished_on"] is None


def test_ap_y2_step_over_own_limit_within_total():
    c = cases(dict(case_id=1, case_no="within", deadline=date(2026, 6, 30)),
              dict(case_id=2, case_no="over_total", deadline=date(2026, 6, 10)),
              dict(case_id=3, case_no="at_limit", deadline=date(2026, 6, 30)))
    steps = pl.DataFrame([
        dict(case_id=1, seq=1, step_name="受理", started_on=date(2026, 6, 1), finished_on=date(2026, 6, 3),
             step_limit_days=1, step_elapsed_workdays=2, step_order=1),
        dict(case_id=1, seq=2, step_name="审查", started_on=date(2026, 6, 3), finished_on=None,
             step_limit_days=None, step_elapsed_workdays=9, step_order=2),
        dict(case_id=2, seq=1, step_name="受理", started_on=date(2026, 6, 1), finished_on=None,
             step_limit_days=1, step_elapsed_workdays=9, step_order=1),
        dict(case_id=3, seq=1, step_name="受理", started_on=date(2026, 6, 1), finished_on=date(2026, 6, 2),
             step_limit_days=1, step_elapsed_workdays=1, step_order=1),
    ], schema=r.STEPS_SCHEMA)
    out = run(r.AP_Y2, ap_cases=c, ap_steps=steps)
    assert ids(out) == ["within"]
    f = facts(out, "within")
    assert (f["step_seq"], f["step_elapsed_workdays"], f["step_limit_days"], f["steps_over"]) == (1, 2, 1, 1)


def _steps(case_id: int, path: list[int]) -> list[dict]:
    return [dict(case_id=case_id, seq=s, pass_no=path[:i + 1].count(s), step_name=f"S{s}",
                 started_on=date(2026, 6, i + 1), finished_on=date(2026, 6, i + 2),
                 step_limit_days=None, step_elapsed_workdays=1, step_order=i + 1)
            for i, s in enumerate(path)]


def test_ap_r2_skipped_step_wrong_order_and_branches():
    # 1 → 2 → 4 → 5, with a branch 2 → 3 (end) and a loop 2 ⇄ 6
    edges = pl.DataFrame({"power_id": [10] * 6, "from_seq": [1, 2, 2, 4, 2, 6],
                          "to_seq": [2, 3, 4, 5, 6, 2]}, schema=r.EDGES_SCHEMA)
    paths = {1: [1, 2, 4, 5], 2: [1, 2, 3], 3: [1, 2, 6, 2, 4, 5], 4: [1, 4, 5], 5: [1, 4, 2, 5],
             6: [1, 2, 4], 7: [2, 4, 5]}
    c = cases(*[dict(case_id=i, case_no=f"P{i}", status="finished", finished_on=date(2026, 6, 12))
                for i in paths],
              dict(case_id=8, case_no="P8", status="in_progress"))
    steps = pl.DataFrame([s for i, p in paths.items() for s in _steps(i, p)] + _steps(8, [1, 5]),
                         schema=r.STEPS_SCHEMA)
    chart = pl.DataFrame({"power_id": [10] * 6, "seq": [1, 2, 3, 4, 5, 6]}, schema=r.FLOW_STEPS_SCHEMA)
    out = run(r.AP_R2, ap_cases=c, ap_steps=steps, ap_flow_steps=chart, ap_flow_edges=edges)
    assert ids(out) == ["P4", "P5", "P6", "P7"]
    assert facts(out, "P4") == {"case_no": "P4", "power_name": "食品经营许可", "path": "1→4→5",
                                "first_bad_seq": 1, "no_steps": False}
    assert facts(out, "P6")["first_bad_seq"] == 4  # stopped before the end
    assert facts(out, "P7")["first_bad_seq"] == 2  # did not begin at the start


def test_ap_r3_fee_above_standard():
    c = cases(dict(case_no="equal", fee_charged=80.0, fee_standard=80.0),
              dict(case_no="above", fee_charged=80.5, fee_standard=80.0),
              dict(case_no="free_charged", fee_charged=10.0, fee_standard=None),
              dict(case_no="free_zero", fee_charged=0.0, fee_standard=None))
    out = run(r.AP_R3, ap_cases=c)
    assert ids(out) == ["above", "free_charged"]
    assert facts(out, "above")["fee_standard"] == "80.00"  # exact money as decimal text
    # a free power's standard is 0 yuan, said as such (never "None")
    assert facts(out, "free_charged")["fee_standard"] == "0.00"
    assert ids(evaluate(r.AP_R3, {"ap_cases": c}, {"tolerance_yuan": 1.0})) == ["free_charged"]


def test_ap_y3_long_or_unexplained_suspension():
    s = pl.DataFrame([
        dict(suspension_id=1, case_id=1, case_no="C1", department_id=5, region_code="210102",
             kind="专家评审", start_on=date(2026, 5, 1), end_on=date(2026, 5, 20), reason="专家论证",
             suspension_workdays=11),
        dict(suspension_id=2, case_id=2, case_no="C2", department_id=5, region_code="210102",
             kind="补正材料", start_on=date(2026, 5, 1), end_on=date(2026, 5, 14), reason="缺少图纸",
             suspension_workdays=10),
        dict(suspension_id=3, case_id=3, case_no="C3", department_id=5, region_code="210102",
             kind="听证", start_on=date(2026, 5, 1), end_on=date(2026, 5, 2), reason="  ",
             suspension_workdays=1),
    ], schema=r.SUSPENSIONS_SCHEMA)
    out = run(r.AP_Y3, ap_suspensions=s)
    assert ids(out) == ["C1#1", "C3#3"]
    assert facts(out, "C3#3")["no_reason"] is True
    assert facts(out, "C1#1")["suspension_workdays"] == 11


def test_ap_y4_and_y5():
    c = cases(dict(case_no="no_reason", status="rejected", finished_on=date(2026, 6, 5), reject_reason=" "),
              dict(case_no="reason", status="rejected", finished_on=date(2026, 6, 5), reject_reason="不符合条件"),
              dict(case_no="window_online", channel="window", online_available=True),
              dict(case_no="window_only", channel="window", online_available=False))
    assert ids(run(r.AP_Y4, ap_cases=c)) == ["no_reason"]
    assert ids(run(r.AP_Y5, ap_cases=c)) == ["window_online"]


def test_ap_y6_outlier_department_fence():
    rows, n = [], 0
    # departments 1..5 handle the item; medians 4, 5, 5, 6 and (dept 5) 9 or 8
    for dept, values in {1: [4] * 5, 2: [5] * 5, 3: [5] * 5, 4: [6] * 5, 5: [9] * 5}.items():
        for v in values:
            n += 1
            rows.append(dict(case_id=n, case_no=f"K{n}", department_id=dept, status="finished",
                             finished_on=date(2026, 6, 1), elapsed_workdays=v))
    c = cases(*rows)
    out = run(r.AP_Y6, ap_cases=c)
    # Q1 5, Q3 6, IQR 1 -> fence 7.5: dept 5 (median 9) lights
    assert ids(out) == ["5:XK-210102004-001"]
    f = facts(out, "5:XK-210102004-001")
    assert (f["median_workdays"], f["q1"], f["q3"], f["fence"], f["departments"]) == (9.0, 5.0, 6.0, 7.5, 5)
    below = c.with_columns(pl.when(pl.col("department_id") == 5).then(pl.lit(7, dtype=pl.Int32))
                           .otherwise(pl.col("elapsed_workdays")).alias("elapsed_workdays"))
    assert ids(run(r.AP_Y6, ap_cases=below)) == []
    # equal medians never fire, and too few cases per department are not compared
    flat = c.with_columns(pl.lit(5, dtype=pl.Int32).alias("elapsed_workdays"))
    assert ids(run(r.AP_Y6, ap_cases=flat)) == []
    assert ids(evaluate(r.AP_Y6, {"ap_cases": c}, {"min_cases": 6})) == []


def payments(*rows: dict) -> pl.DataFrame:
    base = dict(payment_id=1, fund_id=1, fund_code="F1", department_id=5, region_code="210102",
                recipient_name="甲公司", recipient_uscc="91210100MA0000001X", amount=1000.0,
                paid_on=date(2026, 3, 1), voucher="V1", approval_threshold=100000.0)
    return pl.DataFrame([base | {"payment_id": i + 1, "voucher": f"V{i + 1}"} | row
                         for i, row in enumerate(rows)], schema=r.PAYMENTS_SCHEMA)


def funds(*rows: dict) -> pl.DataFrame:
    base = dict(fund_id=1, code="F1", name="农田水利专项", department_id=5, region_code="210102",
                year=2026, budget=10000.0, allocated_on=date(2026, 1, 10), approval_threshold=100000.0)
    return pl.DataFrame([base | row for row in rows], schema=r.FUNDS_SCHEMA)


def test_fd_r1_over_budget():
    f = funds(dict(fund_id=1, code="F1", budget=2000.0), dict(fund_id=2, code="F2", budget=2000.0))
    p = payments(dict(fund_id=1, amount=1500.0), dict(fund_id=1, amount=500.0),
                 dict(fund_id=2, fund_code="F2", amount=1500.0), dict(fund_id=2, fund_code="F2", amount=500.01))
    out = run(r.FD_R1, fd_funds=f, fd_payments=p)
    assert ids(out) == ["F2"]
    assert facts(out, "F2")["paid"] == "2000.01"


def test_fd_r2_duplicate_within_window():
    p = payments(dict(amount=5000.0, paid_on=date(2026, 3, 1)),
                 dict(amount=5000.0, paid_on=date(2026, 3, 31)),       # 30 days later: duplicate
                 dict(amount=5000.0, paid_on=date(2026, 5, 1)),        # 31 days later: not
                 dict(amount=5001.0, paid_on=date(2026, 3, 2)),        # other amount
                 dict(amount=5000.0, paid_on=date(2026, 3, 2), recipient_uscc="91210100MA0000002X"))
    out = run(r.FD_R2, fd_payments=p)
    assert ids(out) == ["2"]
    f = facts(out, "2")
    assert (f["previous_paid_on"], f["previous_voucher"], f["window_days"]) == ("2026-03-01", "V1", 30)


def test_fd_y1_split_payments_just_under_threshold():
    t = 100000.0
    split = payments(dict(amount=0.85 * t, paid_on=date(2026, 4, 1)), dict(amount=0.99 * t, paid_on=date(2026, 4, 10)),
                     dict(amount=t - 0.01, paid_on=date(2026, 5, 1)))
    out = run(r.FD_Y1, fd_payments=split)
    assert ids(out) == ["5:91210100MA0000001X"]  # per department and recipient (issue 11)
    f = facts(out, "5:91210100MA0000001X")
    assert (f["payments_in_window"], f["window_start"]) == (3, "2026-04-01")
    spread = split.with_columns(pl.Series("paid_on", [date(2026, 4, 1), date(2026, 4, 10), date(2026, 5, 2)]))
    assert ids(run(r.FD_Y1, fd_payments=spread)) == []
    small = split.with_columns(pl.Series("amount", [0.84 * t, 0.99 * t, t - 0.01]).cast(r.MONEY))
    assert ids(run(r.FD_Y1, fd_payments=small)) == []


def test_fd_y2_idle_after_six_months():
    f = funds(dict(fund_id=1, code="idle", allocated_on=date(2025, 12, 15), budget=10000.0),
              dict(fund_id=2, code="young", allocated_on=date(2025, 12, 16), budget=10000.0),
              dict(fund_id=3, code="busy", allocated_on=date(2025, 12, 1), budget=10000.0))
    p = payments(dict(fund_id=1, fund_code="idle", amount=2999.0), dict(fund_id=3, fund_code="busy", amount=3000.0))
    out = run(r.FD_Y2, fd_funds=f, fd_payments=p)
    assert ids(out) == ["idle"]
    assert facts(out, "idle")["paid"] == "2999.00"


def test_fd_y3_december_share():
    p = payments(dict(amount=600.0, paid_on=date(2025, 3, 1)), dict(amount=400.0, paid_on=date(2025, 12, 20)),
                 dict(amount=590.0, paid_on=date(2024, 3, 1)), dict(amount=410.0, paid_on=date(2024, 12, 20)))
    out = run(r.FD_Y3, fd_payments=p)
    assert ids(out) == ["F1:2024"]
    assert facts(out, "F1:2024")["december_share"] == 0.41


@pytest.mark.parametrize("rule", [r.AP_Y1, r.AP_R1, r.AP_Y2, r.AP_R2, r.AP_R3, r.AP_Y3, r.AP_Y4,
                                  r.AP_Y5, r.AP_Y6, r.AP_Y7, r.FD_R1, r.FD_R2, r.FD_Y1, r.FD_Y2, r.FD_Y3])
def test_every_rule_runs_on_empty_frames(rule):
    empty = {"ap_cases": pl.DataFrame(schema=r.CASES_SCHEMA), "ap_steps": pl.DataFrame(schema=r.STEPS_SCHEMA),
             "ap_flow_edges": pl.DataFrame(schema=r.EDGES_SCHEMA),
             "ap_flow_steps": pl.DataFrame(schema=r.FLOW_STEPS_SCHEMA),
             "ap_suspensions": pl.DataFrame(schema=r.SUSPENSIONS_SCHEMA),
             "fd_funds": pl.DataFrame(schema=r.FUNDS_SCHEMA),
             "fd_payments": pl.DataFrame(schema=r.PAYMENTS_SCHEMA), "clock": CLOCK}
    assert evaluate(rule, empty).height == 0
