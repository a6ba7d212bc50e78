"""S5 light rules at their thresholds, on hand-built frames: each fires at the limit and not
one step before it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import polars as pl
import pytest

from metrics.feedback.rules import MOVES_SCHEMA, RULES, TICKETS_SCHEMA, move_counts, rated_counts
from metrics.lights.registry import evaluate

TODAY = date(2026, 11, 16)  # a Monday
RULE = {r.id: r for r in RULES}
CLOCK = pl.DataFrame({"today": [TODAY]})


def ticket(i: int, **kw) -> dict:  # noqa: ANN003
    row = dict(ticket_id=i, ticket_no=f"T{i}", department_id=7, region_code="210102",
               category_code="ZJ01", status="processing", received_on=TODAY - timedelta(days=20),
               sign_due=None, reply_due=TODAY + timedelta(days=30), visit_due=None,
               signed_on=None, replied_on=None, visited_on=None, resolved=None, satisfaction=None,
               reopen_count=0, return_count=0, repeat_of_id=None, merged_into_id=None,
               reply_workdays_left=20)
    row.update(kw)
    return row


def run(rule_id: str, rows: list[dict], moves: list[dict] | None = None, **params) -> pl.DataFrame:  # noqa: ANN003
    tickets = pl.DataFrame(rows, schema=TICKETS_SCHEMA)
    window = int((RULE[rule_id].defaults() | params).get("window_days", 90))
    # the loaders' subsets hold these rows too (the rules filter them anyway); the counts are
    # the reference the loaders' SQL is checked against (test_feedback_rule_inputs.py)
    frames = {"fb_open": tickets, "fb_repeats": tickets,
              "fb_rated": rated_counts(tickets, TODAY, window),
              "fb_returns": move_counts(pl.DataFrame(moves or [], schema=MOVES_SCHEMA), TODAY, window),
              "clock": CLOCK}
    return evaluate(RULE[rule_id], frames, params)


def ids(out: pl.DataFrame) -> list[str]:
    return sorted(out["subject_id"].to_list())


def test_sign_overdue_fires_the_day_after_the_deadline():
    rows = [ticket(1, status="dispatched", sign_due=TODAY - timedelta(days=1)),
            ticket(2, status="dispatched", sign_due=TODAY),           # still today: not late
            ticket(3, status="signed", sign_due=TODAY - timedelta(days=5))]
    out = run("FB-Y1", rows)
    assert ids(out) == ["T1"]
    assert json.loads(out["facts"][0])["sign_due"] == "2026-11-15"
    assert out["level"][0] == "yellow"


def test_reply_overdue_and_near_split_at_the_deadline():
    rows = [ticket(1, reply_due=TODAY - timedelta(days=1), reply_workdays_left=-1),
            ticket(2, reply_due=TODAY, reply_workdays_left=0),
            ticket(3, reply_due=TODAY + timedelta(days=2), reply_workdays_left=2),
            ticket(4, reply_due=TODAY + timedelta(days=3), reply_workdays_left=3),
            ticket(5, status="replied", reply_due=TODAY - timedelta(days=9), reply_workdays_left=-7),
            ticket(6, status="returned", reply_due=TODAY - timedelta(days=9), reply_workdays_left=-7)]
    assert ids(run("FB-R1", rows)) == ["T1"]
    assert ids(run("FB-Y2", rows)) == ["T2", "T3"]
    assert ids(run("FB-Y2", rows, workdays_left=3)) == ["T2", "T3", "T4"]
    assert json.loads(run("FB-Y2", rows)["facts"][1])["reply_workdays_left"] == 2


def test_visit_overdue():
    rows = [ticket(1, status="replied", replied_on=TODAY - timedelta(days=5), visit_due=TODAY - timedelta(days=1)),
            ticket(2, status="replied", replied_on=TODAY - timedelta(days=2), visit_due=TODAY),
            ticket(3, status="visited", visit_due=TODAY - timedelta(days=3))]
    assert ids(run("FB-Y3", rows)) == ["T1"]


def test_reopened_twice_is_red_unless_closed():
    rows = [ticket(1, reopen_count=2), ticket(2, reopen_count=1),
            ticket(3, reopen_count=3, status="closed"), ticket(4, reopen_count=2, status="evaluated")]
    out = run("FB-R2", rows)
    assert ids(out) == ["T1", "T4"] and set(out["level"]) == {"red"}
    assert ids(run("FB-R2", rows, min_reopens=3)) == []


def test_repeated_matter_unresolved():
    closed_ok = dict(status="closed", resolved=True)
    rows = [  # matter 1: three tickets, one still open -> fires on the first ticket
        ticket(1, **closed_ok), ticket(2, repeat_of_id=1, **closed_ok), ticket(3, repeat_of_id=1),
        # matter 10: three tickets, all closed resolved or merged -> settled
        ticket(10, **closed_ok), ticket(11, repeat_of_id=10, status="merged", merged_into_id=10),
        ticket(12, repeat_of_id=10, **closed_ok),
        # matter 20: two tickets, open -> below the threshold
        ticket(20), ticket(21, repeat_of_id=20),
        # matter 30: three tickets closed but the last one not resolved -> fires
        ticket(30, **closed_ok), ticket(31, repeat_of_id=30, **closed_ok),
        ticket(32, repeat_of_id=30, status="closed", resolved=False)]
    out = run("FB-R3", rows)
    assert ids(out) == ["T1", "T30"]
    facts = json.loads(out.filter(pl.col("subject_id") == "T1")["facts"][0])
    assert (facts["tickets"], facts["unsettled"], facts["ticket_nos"]) == (3, 1, "T1、T2、T3")
    assert ids(run("FB-R3", rows, min_tickets=2)) == ["T1", "T20", "T30"]


def _rated(start: int, dept: int, n_ok: int, n_bad: int, visited: date) -> list[dict]:
    return ([ticket(start + i, department_id=dept, status="closed", satisfaction="basically" if i % 2 else "satisfied",
                    visited_on=visited) for i in range(n_ok)]
            + [ticket(start + 100 + i, department_id=dept, status="evaluated", satisfaction="unsatisfied",
                      visited_on=visited) for i in range(n_bad)])


def test_low_satisfaction_below_the_rate_with_enough_evaluations():
    recent = TODAY - timedelta(days=10)
    rows = (_rated(1000, 7, 7, 3, recent)      # 7/10 = 0.70 < 0.8: fires
            + _rated(2000, 8, 8, 2, recent)    # 8/10 = 0.80: at the threshold, not below
            + _rated(3000, 9, 5, 4, recent)    # 5/9: too few evaluations (min 10)
            + _rated(4000, 10, 0, 10, TODAY - timedelta(days=90)))  # outside the 90 days
    out = run("FB-Y4", rows)
    assert ids(out) == ["7"]
    assert json.loads(out["facts"][0]) == {"evaluated": 10, "satisfied": 7, "rate": 0.7,
                                           "min_rate": 0.8, "window_days": 90}
    assert ids(run("FB-Y4", rows, min_rate=0.81)) == ["7", "8"]
    assert ids(run("FB-Y4", rows, min_evaluated=9)) == ["7", "9"]
    assert ids(run("FB-Y4", rows, window_days=91)) == ["10", "7"]


def _moves(dept: int, given: int, returns: int, on: date) -> list[dict]:
    return ([dict(department_id=dept, region_code="210102", action="dispatch", on=on)] * given
            + [dict(department_id=dept, region_code="210102", action="return", on=on)] * returns)


def test_return_abuse_needs_both_count_and_share():
    recent = TODAY - timedelta(days=3)
    moves = (_moves(7, 10, 5, recent)      # 5 returns of 10 given: 0.5 ≥ 0.3, 5 ≥ 5: fires
             + _moves(8, 20, 6, recent)    # 6 of 20 = 0.3: at the share, fires
             + _moves(9, 10, 4, recent)    # only 4 returns
             + _moves(10, 40, 6, recent)   # 6 of 40 = 0.15
             + _moves(11, 10, 9, TODAY - timedelta(days=90)))  # outside the window
    out = run("FB-Y5", [], moves)
    assert ids(out) == ["7", "8"]
    assert json.loads(out.filter(pl.col("subject_id") == "8")["facts"][0])["return_share"] == 0.3
    assert ids(run("FB-Y5", [], moves, min_returns=4)) == ["7", "8", "9"]
    assert ids(run("FB-Y5", [], moves, share=0.31)) == ["7"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_is_quiet_on_an_empty_province(rule):
    assert run(rule.id, []).height == 0
