"""S5 KPIs with exact figures on a hand-built fixture of twelve tickets in two departments."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from metrics.feedback.kpis import category_mix, kpi_table, public_stats, top_unresolved, with_month
from metrics.feedback.rules import TICKETS_SCHEMA

TODAY = date(2026, 11, 16)
D = timedelta(days=1)


def t(i: int, dept: int, **kw) -> dict:  # noqa: ANN003
    row = dict(ticket_id=i, ticket_no=f"T{i}", department_id=dept, region_code="210102" if dept == 7 else "210103",
               category_code="ZJ01", status="dispatched", received_on=date(2026, 10, 1) + i * D,
               sign_due=TODAY - 20 * D, reply_due=TODAY - 10 * D, visit_due=None, signed_on=None,
               replied_on=None, visited_on=None, resolved=None, satisfaction=None, reopen_count=0,
               return_count=0, repeat_of_id=None, merged_into_id=None, reply_workdays_left=None)
    row.update(kw)
    return row


def fixture() -> pl.DataFrame:
    s, r = TODAY - 20 * D, TODAY - 10 * D
    rows = [
        # department 7: six live tickets and one merged
        t(1, 7, status="closed", signed_on=s, replied_on=r, visited_on=r + D, resolved=True, satisfaction="satisfied"),
        t(2, 7, status="closed", signed_on=s + D, replied_on=r + D, visited_on=r + 2 * D, resolved=True,
          satisfaction="basically", reopen_count=1),
        t(3, 7, status="evaluated", signed_on=s, replied_on=r, visited_on=r + D, resolved=False,
          satisfaction="unsatisfied"),
        t(4, 7, status="replied", signed_on=s, replied_on=r - D),
        t(5, 7, status="processing", signed_on=s, return_count=1, repeat_of_id=1),
        t(6, 7, status="dispatched", sign_due=TODAY + 2 * D, reply_due=TODAY + 9 * D),  # nothing due yet
        t(7, 7, status="merged", merged_into_id=1, repeat_of_id=1, category_code="SC01"),
        # department 8: five tickets
        t(8, 8, status="closed", signed_on=s, replied_on=r, visited_on=r + D, resolved=True,
          satisfaction="satisfied", category_code="SC01"),
        t(9, 8, status="dispatched", category_code="SC01"),                 # sign and reply late
        t(10, 8, status="received", sign_due=None, reply_due=None, return_count=1),  # returned, back
        t(11, 8, status="replied", sign_due=None, reply_due=None, replied_on=r),   # direct reply
        t(12, 8, status="signed", signed_on=s, repeat_of_id=8, category_code="SC01"),
    ]
    return pl.DataFrame(rows, schema=TICKETS_SCHEMA)


def test_kpis_per_department_exact():
    table = kpi_table(fixture(), ["department_id"], TODAY)
    d7, d8 = table.row(0, named=True), table.row(1, named=True)
    assert (d7["received"], d8["received"]) == (6, 5)
    # 响应率: dept 7 — 1, 3, 4, 5 on time, 2 a day late, 6 not yet due: 4/5
    assert (d7["response_num"], d7["response_den"]) == (4, 5)
    # dept 8 — 8 and 12 signed on time, 9 late (unsigned), 10 and 11 never dispatched: 2/3
    assert (d8["response_num"], d8["response_den"]) == (2, 3)
    # 按时办结率: dept 7 — 1, 3, 4 on time, 2 a day late, 5 overdue unanswered: 3/5
    assert (d7["on_time_num"], d7["on_time_den"], d7["on_time_rate"]) == (3, 5, 0.6)
    # dept 8 — 8 on time; 9, 12 overdue; the direct reply has no deadline: 1/3
    assert (d8["on_time_num"], d8["on_time_den"]) == (1, 3)
    assert (d7["visit_num"], d7["visit_den"]) == (3, 4)
    assert (d7["resolve_num"], d7["resolve_den"]) == (2, 3)
    assert (d7["satisfaction_num"], d7["satisfaction_den"]) == (2, 3)
    assert (d7["reopen_num"], d7["reopen_den"]) == (1, 6)
    assert (d7["return_num"], d7["return_den"]) == (1, 6)
    assert (d8["return_num"], d8["return_den"]) == (1, 4)
    # 重复诉求率: dept 7 — 5 and the merged 7 repeat ticket 1: 2 of 7 tickets
    assert (d7["repeat_num"], d7["repeat_den"]) == (2, 7)
    assert (d8["visit_num"], d8["visit_den"], d8["satisfaction_rate"]) == (1, 2, 1.0)


def test_kpis_for_the_whole_province_and_by_month():
    whole = kpi_table(fixture(), [], TODAY).row(0, named=True)
    assert (whole["received"], whole["on_time_num"], whole["on_time_den"]) == (11, 4, 8)
    assert (whole["satisfaction_num"], whole["satisfaction_den"]) == (3, 4)
    by_month = kpi_table(with_month(fixture()), ["month"], TODAY)
    assert by_month["month"].to_list() == ["2026-10"] and by_month["received"][0] == 11


def test_empty_denominator_gives_no_rate():
    table = kpi_table(fixture().filter(pl.col("ticket_id") == 6), ["department_id"], TODAY)
    assert table["on_time_den"][0] == 0 and table["on_time_rate"][0] is None


def test_mix_top_unresolved_and_public_stats():
    assert category_mix(fixture()).rows() == [("ZJ01", 8), ("SC01", 3)]
    top = top_unresolved(fixture())
    # matter 1: tickets 1, 5, 7 (7 merged, 1 closed resolved, 5 open) — the biggest
    assert top.select("ticket_no", "tickets", "unsettled").row(0) == ("T1", 3, 1)
    stats = public_stats(fixture(), "category_code", TODAY)
    assert set(stats.columns) == {"category_code", "received", "on_time_rate", "satisfaction_rate"}
    assert stats.filter(pl.col("category_code") == "SC01")["received"][0] == 3
