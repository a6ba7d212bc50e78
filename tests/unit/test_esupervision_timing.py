"""Issue 11, time: suspensions clipped to their case and merged, deadlines clamped to the first
working day on or after receipt, a calendar sized from the largest limit, and a case without
a computable deadline reported (AP-Y7, on-time rate) instead of skipped. Hand-built calendar:
June–July 2026 with the Dragon Boat Festival (Fri 19 June) off."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from metrics.esupervision import rules as r
from metrics.esupervision.timing import (
    case_timing,
    clip_suspensions,
    merge_suspensions,
    on_time_rate,
    step_timing,
    suspension_lengths,
)
from metrics.lights.registry import evaluate
from metrics.platform.workdays import calendar_frame, pad_days_for, span, with_deadline

D = date
CAL = calendar_frame(D(2026, 5, 1), D(2026, 8, 31), holidays=[D(2026, 6, 19)], makeup_workdays=[])
TODAY = D(2026, 7, 31)


def _cases(*rows: dict) -> pl.DataFrame:
    base = dict(case_id=1, received_on=D(2026, 6, 1), finished_on=None, limit_days=5, status="finished")
    return pl.DataFrame([base | row for row in rows],
                        schema={"case_id": pl.Int64, "received_on": pl.Date, "finished_on": pl.Date,
                                "limit_days": pl.Int64, "status": pl.String})


def _susp(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"case_id": pl.Int64, "start_on": pl.Date, "end_on": pl.Date},
                        orient="row")


def test_open_suspension_on_a_finished_case_stops_at_its_conclusion():
    # received Mon 06-01, limit 5, finished Fri 06-26; a suspension from 06-03 never closed.
    # Before: counted to today (2026-07-31): 42 working days, the deadline pushed to 08-06.
    cases = _cases(dict(finished_on=D(2026, 6, 26)))
    out = case_timing(cases, _susp((1, D(2026, 6, 3), None)), CAL, today=TODAY).row(0, named=True)
    # 06-03..06-26: 3 + 5 + 4 (19th off) + 5 = 17 working days
    assert out["suspended_workdays"] == 17
    # 06-02 (1), the 17 suspended, then 06-29, 06-30, 07-01, 07-02: 5 + 17 = 22nd working day
    assert (out["deadline"], out["elapsed_workdays"]) == (D(2026, 7, 2), 1)
    susp = pl.DataFrame({"case_id": [1], "start_on": [D(2026, 6, 3)], "end_on": [None]},
                        schema={"case_id": pl.Int64, "start_on": pl.Date, "end_on": pl.Date})
    assert suspension_lengths(susp, CAL, TODAY, cases=cases)["suspension_workdays"].to_list() == [17]


def test_overlapping_suspensions_count_once():
    cases = _cases(dict(finished_on=D(2026, 6, 30)))
    susp = _susp((1, D(2026, 6, 8), D(2026, 6, 12)), (1, D(2026, 6, 10), D(2026, 6, 15)),
                 (1, D(2026, 6, 16), D(2026, 6, 16)), (1, D(2026, 6, 24), D(2026, 6, 24)))
    merged = merge_suspensions(clip_suspensions(susp, cases, TODAY))
    # 8–12 and 10–15 overlap, 16 touches them: one run 8–16; 24 stays apart
    assert merged.select("start_on", "end_on").rows() == [(D(2026, 6, 8), D(2026, 6, 16)),
                                                          (D(2026, 6, 24), D(2026, 6, 24))]
    out = case_timing(cases, susp, CAL, today=TODAY).row(0, named=True)
    assert out["suspended_workdays"] == 7 + 1  # 8,9,10,11,12,15,16 + 24 (was 5 + 4 + 1 + 1 = 11)


def test_suspension_from_the_day_of_receipt_subtracts_only_counted_days():
    cases = _cases(dict(finished_on=D(2026, 6, 10)))
    out = case_timing(cases, _susp((1, D(2026, 6, 1), D(2026, 6, 3))), CAL, today=TODAY)
    # the day of receipt never counted: 06-02 and 06-03 are the suspended days (not 3)
    assert out["suspended_workdays"].to_list() == [2]
    # and a suspension wholly before receipt or after conclusion counts nothing
    outside = _susp((1, D(2026, 5, 20), D(2026, 5, 29)), (1, D(2026, 6, 15), D(2026, 6, 17)))
    assert case_timing(cases, outside, CAL, today=TODAY)["suspended_workdays"].to_list() == [0]


def test_step_timing_uses_the_merged_clipped_suspensions():
    cases = _cases(dict(finished_on=D(2026, 6, 30)))
    steps = pl.DataFrame({"case_id": [1], "seq": [2], "started_on": [D(2026, 6, 5)],
                          "finished_on": [D(2026, 6, 19)]})
    susp = _susp((1, D(2026, 6, 8), D(2026, 6, 12)), (1, D(2026, 6, 10), D(2026, 6, 15)))
    out = step_timing(steps, susp, CAL, today=TODAY, cases=cases)
    # 06-08..06-18 are 9 working days after the start (19th off); 8–15 suspended once (6)
    assert out["step_elapsed_workdays"].to_list() == [3]


def test_zero_limit_received_on_a_saturday_is_due_on_monday():
    frame = pl.DataFrame({"received_on": [D(2026, 6, 6), D(2026, 6, 8), D(2026, 6, 18)],
                          "limit_days": [0, 0, 1]},
                         schema={"received_on": pl.Date, "limit_days": pl.Int64})
    out = with_deadline(frame, CAL, suspended_col=None)["deadline"].to_list()
    # Sat -> Mon (was Fri 06-05, before receipt); Mon -> the same day; Thu 18 + 1 -> Mon 22
    assert out == [D(2026, 6, 8), D(2026, 6, 8), D(2026, 6, 22)]
    c = pl.DataFrame([dict(case_id=1, case_no="JB1", power_id=1, power_code="QT-1", power_category="其他",
                           power_name="即办件", power_version=1, department_id=5, region_code="210102",
                           channel="online", status="finished", received_on=D(2026, 6, 6),
                           finished_on=D(2026, 6, 8), limit_days=0, suspended_workdays=0,
                           deadline=out[0], elapsed_workdays=1, fee_charged=0, fee_standard=None,
                           online_available=True, reject_reason=None)], schema=r.CASES_SCHEMA)
    clock = pl.DataFrame({"today": [D(2026, 6, 8)]}, schema={"today": pl.Date})
    assert evaluate(r.AP_R1, {"ap_cases": c, "clock": clock}).height == 0


def test_calendar_is_sized_from_the_largest_limit():
    assert pad_days_for(0) == 400 and pad_days_for(300) == 511
    start, end = span([D(2026, 1, 5)], today=D(2026, 7, 1), max_workdays=300)
    assert (start, end) == (D(2026, 1, 4), D(2027, 11, 24))
    cal = calendar_frame(start, end, holidays=[], makeup_workdays=[])
    frame = pl.DataFrame({"received_on": [D(2026, 7, 1)], "limit_days": [300]},
                         schema={"received_on": pl.Date, "limit_days": pl.Int64})
    # 300 weekdays after Wed 2026-07-01: 60 weeks -> Wed 2027-08-25
    assert with_deadline(frame, cal, suspended_col=None)["deadline"].to_list() == [D(2027, 8, 25)]


def test_a_case_without_a_computable_deadline_is_reported_not_skipped():
    short = calendar_frame(D(2026, 6, 1), D(2026, 6, 30), holidays=[], makeup_workdays=[])
    cases = _cases(dict(case_id=1, limit_days=300, finished_on=D(2026, 6, 20)),
                   dict(case_id=2, limit_days=5, finished_on=D(2026, 6, 5)),
                   dict(case_id=3, limit_days=5, finished_on=D(2026, 6, 12)))
    timed = case_timing(cases, _susp(), short, today=D(2026, 6, 30))
    assert timed["deadline"].to_list() == [None, D(2026, 6, 8), D(2026, 6, 8)]
    rate = on_time_rate(timed.with_columns(pl.lit("甲").alias("department")), ["department"])
    # before: the case without a deadline was counted late (33.3 %)
    assert rate.row(0, named=True) == {"department": "甲", "concluded": 3, "on_time": 1, "late": 1,
                                       "on_time_rate": 50.0, "no_deadline": 1}
    full = pl.DataFrame([dict(case_id=i, case_no=f"N{i}", power_id=1, power_code="XK-1",
                              power_category="行政许可", power_name="许可", power_version=1,
                              department_id=5, region_code="210102", channel="online",
                              status=st, received_on=D(2026, 6, 1), finished_on=None,
                              limit_days=300, suspended_workdays=0, deadline=dl,
                              elapsed_workdays=3, fee_charged=0, fee_standard=None,
                              online_available=True, reject_reason=None)
                         for i, st, dl in ((1, "in_progress", None), (2, "withdrawn", None),
                                           (3, "in_progress", D(2027, 8, 1)))],
                        schema=r.CASES_SCHEMA)
    clock = pl.DataFrame({"today": [D(2026, 6, 30)]}, schema={"today": pl.Date})
    out = evaluate(r.AP_Y7, {"ap_cases": full, "clock": clock})
    assert out["subject_id"].to_list() == ["N1"]
    assert json.loads(out["facts"][0])["limit_days"] == 300
