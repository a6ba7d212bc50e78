"""The small figures pages show, computed in metrics/: overdue and active 督办 orders, risk
points without measures, inspection counts, the overall on-time rate."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.esupervision.timing import overall_on_time, received_since
from metrics.lights.board import active_orders, overdue_orders
from metrics.power.coverage import inspection_status
from metrics.power.risk import without_measures

TODAY = date(2026, 11, 20)


def test_orders_overdue_and_active():
    orders = pl.DataFrame({
        "order_no": ["A", "B", "C", "D"],
        "status": ["issued", "accepted", "answered", "returned"],
        "due_date": [date(2026, 11, 19), date(2026, 11, 1), date(2026, 11, 20), date(2026, 11, 2)]})
    assert overdue_orders(orders, TODAY)["order_no"].to_list() == ["A", "D"]
    assert active_orders(orders)["order_no"].to_list() == ["A", "C", "D"]


def test_risk_points_without_measures():
    risks = pl.DataFrame({"id": [1, 2, 3, 4], "level": ["高", "中", "低", "高"],
                          "measures": [None, None, None, "双人复核"]})
    assert without_measures(risks)["id"].to_list() == [1, 2, 3]
    assert without_measures(risks, ("高", "中"))["id"].to_list() == [1, 2]


def test_inspection_counts():
    insp = pl.DataFrame({
        "id": [1, 2, 3],
        "rectify_by": [date(2026, 11, 1), date(2026, 12, 1), date(2026, 11, 1)],
        "rectified_on": [None, None, date(2026, 11, 5)]})
    flagged, counts = inspection_status(insp, TODAY)
    assert flagged["overdue"].to_list() == [True, False, False]
    assert counts == {"total": 3, "open": 2, "overdue": 1}


def test_overall_on_time_rate_since_a_day():
    cases = pl.DataFrame({
        "received_on": [date(2026, 10, 1), date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)],
        "status": ["finished", "finished", "rejected", "in_progress"],
        "finished_on": [date(2026, 10, 30), date(2026, 11, 9), date(2026, 11, 20), None],
        "deadline": [date(2026, 10, 20), date(2026, 11, 10), date(2026, 11, 18), date(2026, 12, 1)]})
    recent = received_since(cases, date(2026, 11, 1))
    assert recent.height == 3
    overall = overall_on_time(recent)
    assert overall.select("concluded", "on_time", "late", "on_time_rate").row(0) == (2, 1, 1, 50.0)
