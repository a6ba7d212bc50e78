"""Lights roll-up, cockpit figures, LC-R1 and the purity of metrics (frames in, frames out)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from metrics.lights.board import (
    department_lights,
    kpis,
    open_over_time,
    region_lights,
    top_departments,
)
from metrics.lights.registry import evaluate
from metrics.lights.rules import LC_R1, order_escalation

ROOT = Path(__file__).resolve().parents[2]

REGIONS = pl.DataFrame(
    [("210000", "辽宁省", "province", None, "210000/"),
     ("210100", "沈阳市", "city", "210000", "210000/210100/"),
     ("210102", "和平区", "county", "210100", "210000/210100/210102/"),
     ("210103", "沈河区", "county", "210100", "210000/210100/210103/"),
     ("210200", "大连市", "city", "210000", "210000/210200/")],
    schema={"code": pl.String, "name": pl.String, "level": pl.String, "parent_code": pl.String,
            "path": pl.String}, orient="row")
DEPTS = pl.DataFrame({"id": [1, 2, 3, 4, 5],
                      "region_code": ["210102", "210102", "210103", "210100", "210200"]})
ALERTS = pl.DataFrame(
    [(1, "red", "open"), (1, "yellow", "supervising"), (2, "yellow", "acknowledged"),
     (3, "red", "closed"), (3, "yellow", "dismissed"), (3, "red", "rectified"),
     (5, "yellow", "acknowledged"), (None, "red", "supervising"), (4, "red", "cleared")],
    schema={"department_id": pl.Int64, "level": pl.String, "status": pl.String}, orient="row",
).with_columns(pl.col("department_id").replace_strict(
    {1: "210102", 2: "210102", 3: "210103", 4: "210100", 5: "210200"}, default="210200",
    return_dtype=pl.String).alias("region_code"))


def test_department_lights_exact():
    got = department_lights(DEPTS, ALERTS).sort("id")
    assert got.select("id", "open_red", "open_yellow", "light").rows() == [
        (1, 1, 1, "red"), (2, 0, 1, "yellow"), (3, 0, 0, "green"), (4, 0, 0, "green"),
        (5, 0, 1, "yellow")]


def test_region_rollup_exact_colours_and_counts():
    got = region_lights(REGIONS, department_lights(DEPTS, ALERTS), ALERTS)
    assert got.select("code", "light", "red", "yellow", "green", "open_red", "open_yellow").rows() == [
        ("210000", "red", 1, 2, 2, 2, 3),
        ("210100", "red", 1, 1, 2, 1, 2),
        ("210102", "red", 1, 1, 0, 1, 2),
        ("210103", "green", 0, 0, 1, 0, 0),
        ("210200", "red", 0, 1, 0, 1, 1),  # the red alert without a department counts here
    ]


def _ts(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=UTC)


EVENTS = pl.DataFrame(
    [(1, _ts("2026-11-01T02:00:00"), None, "open", "red"),
     (1, _ts("2026-11-03T02:00:00"), "open", "acknowledged", "red"),
     (1, _ts("2026-11-05T02:00:00"), "acknowledged", "closed", "red"),
     (2, _ts("2026-10-20T02:00:00"), None, "open", "yellow"),
     (2, _ts("2026-11-02T02:00:00"), "open", "cleared", "yellow"),
     (3, _ts("2026-11-01T17:00:00"), None, "open", "yellow")],  # 11-02 01:00 in Shanghai
    schema={"alert_id": pl.Int64, "ts": pl.Datetime("us", "UTC"), "from_status": pl.String,
            "to_status": pl.String, "level": pl.String}, orient="row")


def test_open_over_time_replays_history_by_local_day():
    got = open_over_time(EVENTS, start=date(2026, 11, 1), end=date(2026, 11, 5))
    red = got.filter(pl.col("level") == "red")["open"].to_list()
    yellow = got.filter(pl.col("level") == "yellow")["open"].to_list()
    assert red == [1, 1, 1, 1, 0]
    assert yellow == [1, 1, 1, 1, 1]


def test_kpis_exact():
    series = open_over_time(EVENTS, start=date(2026, 11, 1), end=date(2026, 12, 3))
    orders = pl.DataFrame(
        {"status": ["issued", "answered", "accepted", "returned"],
         "due_date": [date(2026, 12, 1), date(2026, 12, 10), date(2026, 11, 1), date(2026, 12, 3)]})
    got = kpis(ALERTS, orders, series, today=date(2026, 12, 3))
    assert got == {"open_red": 2, "open_yellow": 3, "orders_open": 3, "orders_overdue": 1,
                   "open_red_last_month": 0, "open_yellow_last_month": 1}


def test_top_departments_by_open_red():
    lights = department_lights(
        pl.DataFrame({"id": [1, 2, 3], "region_code": ["210102"] * 3}),
        pl.DataFrame({"department_id": [1, 2, 2, 3, 3], "level": ["red", "red", "red", "yellow", "red"],
                      "status": ["open", "open", "acknowledged", "open", "closed"]}))
    assert top_departments(lights, 5).select("id", "open_red").rows() == [(2, 2), (1, 1)]


ORDERS = pl.DataFrame(
    [(1, "DB202600001", 7, "210102", date(2026, 11, 10), "issued"),
     (2, "DB202600002", 7, "210102", date(2026, 11, 10), "accepted"),
     (3, "DB202600003", 8, "210103", date(2026, 11, 20), "answered")],
    schema={"id": pl.Int64, "order_no": pl.String, "department_id": pl.Int64,
            "region_code": pl.String, "due_date": pl.Date, "status": pl.String}, orient="row")


def _lc(today: date, **params) -> pl.DataFrame:
    return evaluate(LC_R1, {"supervision_orders": ORDERS, "clock": pl.DataFrame({"today": [today]})},
                    params)


def test_lc_r1_threshold_and_escalation():
    assert _lc(date(2026, 11, 10)).height == 0  # due today: not overdue yet
    got = _lc(date(2026, 11, 11))
    assert got.select("rule_id", "level", "subject_type", "subject_id", "department_id",
                      "region_code").rows() == [("LC-R1", "red", "supervision_order", "1", 7, "210102")]
    assert json.loads(got["facts"][0]) == {"order_no": "DB202600001", "due_date": "2026-11-10",
                                           "days_overdue": 1, "escalation_level": 1,
                                           "escalate_every_days": 5}
    levels = [json.loads(_lc(date(2026, 11, d))["facts"][0])["escalation_level"] for d in (15, 16, 21)]
    assert levels == [1, 2, 3]  # 5 days overdue: still 1; 6: 2; 11: 3
    assert _lc(date(2026, 11, 12), grace_days=2).height == 0
    assert _lc(date(2026, 11, 13), grace_days=2).height == 1
    # the answered order is overdue too once its own due date has passed; accepted ones never
    assert _lc(date(2026, 11, 21))["subject_id"].to_list() == ["1", "3"]


def test_order_escalation_frame():
    got = order_escalation(ORDERS, today=date(2026, 11, 21), escalate_every_days=3)
    assert_frame_equal(got.select("id", "days_overdue", "escalation_level"),
                       pl.DataFrame({"id": [1, 3], "days_overdue": [11, 1],
                                     "escalation_level": [4, 1]}))


def test_metrics_import_neither_streamlit_nor_database():
    """Rules and metrics are pure: importing every metrics module pulls in no UI or DB layer."""
    code = (
        "import importlib, pkgutil, sys, metrics\n"
        "for m in pkgutil.walk_packages(metrics.__path__, 'metrics.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "('streamlit', 'sqlalchemy', 'sqlmodel', 'psycopg', 'sqlite3'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
