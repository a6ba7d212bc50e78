"""S4 timing and monitoring figures on a hand-built calendar (国庆 2026-10-01..07 off, Saturday
2026-10-10 a make-up working day)."""

from __future__ import annotations

from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from metrics.esupervision.timing import (
    case_timing,
    fund_progress,
    on_time_rate,
    step_timing,
    suspension_lengths,
    weekly_volumes,
)
from metrics.platform.workdays import calendar_frame

HOLIDAYS = [date(2026, 10, d) for d in range(1, 8)]
CAL = calendar_frame(date(2026, 9, 1), date(2026, 12, 31), holidays=HOLIDAYS,
                     makeup_workdays=[date(2026, 10, 10)])
D = date


def susp(*rows) -> pl.DataFrame:  # noqa: ANN002
    return pl.DataFrame(rows, schema={"case_id": pl.Int64, "start_on": pl.Date, "end_on": pl.Date},
                        orient="row")


def test_case_deadline_elapsed_and_remaining_across_national_day():
    cases = pl.DataFrame({"case_id": [1, 2, 3], "received_on": [D(2026, 9, 29)] * 3,
                          "finished_on": [None, D(2026, 10, 13), None], "limit_days": [5, 5, 5],
                          "status": ["in_progress", "finished", "suspended"]})
    s = susp((2, D(2026, 10, 8), D(2026, 10, 9)), (3, D(2026, 10, 12), None))
    out = case_timing(cases, s, CAL, today=D(2026, 10, 14)).sort("case_id")
    # 1: 9-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12 -> due 10-12; today 10-14 is day 7
    # 2: two suspended working days push it to 10-14; concluded 10-13 after 6 - 2 = 4 days
    # 3: suspended since 10-12 (10-12, 10-13, 10-14 = 3 days, still running) -> due 10-15
    assert out["deadline"].to_list() == [D(2026, 10, 12), D(2026, 10, 14), D(2026, 10, 15)]
    assert out["suspended_workdays"].to_list() == [0, 2, 3]
    assert out["elapsed_workdays"].to_list() == [7, 4, 4]
    assert out["remaining_workdays"].to_list() == [-2, 1, 1]


def test_step_elapsed_excludes_suspension_inside_the_step():
    steps = pl.DataFrame({"case_id": [1, 1, 2], "seq": [1, 2, 1],
                          "started_on": [D(2026, 9, 29), D(2026, 10, 7), D(2026, 10, 12)],
                          "finished_on": [D(2026, 10, 7), D(2026, 10, 12), None]})
    s = susp((1, D(2026, 10, 8), D(2026, 10, 9)))
    cases = pl.DataFrame({"case_id": [1, 2], "received_on": [D(2026, 9, 29), D(2026, 10, 12)],
                          "finished_on": [D(2026, 10, 12), None]})
    out = step_timing(steps, s, CAL, today=D(2026, 10, 14), cases=cases)
    # step 1: 9-30 only (holidays after); step 2: 10-08..10-12 = 4 less 2 suspended; open step: 2
    assert out["step_elapsed_workdays"].to_list() == [1, 2, 2]


def test_suspension_lengths_running_and_closed():
    s = pl.DataFrame({"case_id": [1, 2], "start_on": [D(2026, 9, 30), D(2026, 10, 12)],
                      "end_on": [D(2026, 10, 9), None], "kind": ["听证", "补正材料"]})
    cases = pl.DataFrame({"case_id": [1, 2], "received_on": [D(2026, 9, 29), D(2026, 10, 9)],
                          "finished_on": [None, None]}, schema_overrides={"finished_on": pl.Date})
    out = suspension_lengths(s, CAL, D(2026, 10, 14), cases=cases)
    assert out["suspension_workdays"].to_list() == [3, 3]
    assert out["end_on"].to_list() == [D(2026, 10, 9), None]


def test_on_time_rate_weekly_volumes_and_fund_progress():
    cases = pl.DataFrame({
        "department": ["甲", "甲", "乙", "乙"], "status": ["finished", "rejected", "finished", "in_progress"],
        "channel": ["online", "window", "online", "online"],
        "received_on": [D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 19), D(2026, 10, 20)],
        "finished_on": [D(2026, 10, 14), D(2026, 10, 20), D(2026, 10, 21), None],
        "deadline": [D(2026, 10, 14), D(2026, 10, 19), D(2026, 10, 30), D(2026, 10, 30)]})
    assert_frame_equal(on_time_rate(cases, ["department"]), pl.DataFrame(
        {"department": ["甲", "乙"], "concluded": [2, 1], "on_time": [1, 1], "late": [1, 0],
         "on_time_rate": [50.0, 100.0], "no_deadline": [0, 0]}), check_dtypes=False)
    weekly = weekly_volumes(cases)
    assert weekly.rows() == [(D(2026, 10, 12), 2, 1, 1, 1), (D(2026, 10, 19), 2, 2, 0, 2)]
    funds = pl.DataFrame({"fund_id": [1, 2], "budget": [1000.0, 0.0],
                          "allocated_on": [D(2026, 1, 1), D(2026, 9, 1)]})
    pays = pl.DataFrame({"fund_id": [1, 1], "amount": [100.0, 150.0]})
    prog = fund_progress(funds, pays, today=D(2026, 10, 14)).sort("fund_id")
    assert prog["paid"].to_list() == [250.0, 0.0]
    assert prog["progress"].to_list() == [25.0, None]
    assert prog["months_since_allocation"].to_list() == [9, 1]
