"""Issue 11, the same faults looked for beyond S4: one China "today" per sync (a sync across
midnight reads one day in every loader) and LC-R1 not lighting a department that answered its
督办 order in time while the supervisor has not decided yet."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import polars as pl

import core.clock as clock
from metrics.lights.registry import evaluate
from metrics.lights.rules import LC_R1, ORDER_SCHEMA, order_escalation
from services.lights import inputs


def _ticking(monkeypatch, start: datetime) -> None:  # noqa: ANN001
    """china_now() advances one hour per call, starting one minute before midnight."""
    calls = {"n": 0}

    def now() -> datetime:
        calls["n"] += 1
        return start + timedelta(hours=calls["n"] - 1)
    monkeypatch.setattr(clock, "china_now", now)


def test_one_today_holds_across_midnight(monkeypatch):
    _ticking(monkeypatch, datetime(2026, 12, 31, 23, 59, tzinfo=clock.CHINA_TZ))
    assert clock.china_today() == date(2026, 12, 31)
    assert clock.china_today() == date(2027, 1, 1)  # unpinned: the day changed between reads
    _ticking(monkeypatch, datetime(2026, 12, 31, 23, 59, tzinfo=clock.CHINA_TZ))
    with clock.one_today() as today:
        assert [clock.china_today() for _ in range(3)] == [date(2026, 12, 31)] * 3 == [today] * 3
        with clock.one_today(date(2030, 1, 1)):  # an inner block keeps the outer day
            assert clock.china_today() == date(2026, 12, 31)
    assert clock.china_today() == date(2027, 1, 1)


def test_every_loader_of_a_sync_reads_the_same_day(monkeypatch):
    _ticking(monkeypatch, datetime(2026, 12, 31, 23, 59, tzinfo=clock.CHINA_TZ))
    seen: list[date] = []

    def loader(bind):  # noqa: ANN001, ANN202
        seen.append(clock.china_today())
        return pl.DataFrame({"today": [seen[-1]]})
    for name in ("t_a", "t_b", "t_c"):
        monkeypatch.setitem(inputs.LOADERS, name, loader)
    frames = inputs.load_inputs(object(), {"t_a", "t_b", "t_c"})  # not an Engine: no snapshot
    assert seen == [date(2026, 12, 31)] * 3
    assert {f["today"][0] for f in frames.values()} == {date(2026, 12, 31)}


ORDERS = pl.DataFrame(
    [(1, "DB1", 7, "210102", date(2026, 11, 10), "answered", date(2026, 11, 10)),  # on the due day
     (2, "DB2", 7, "210102", date(2026, 11, 10), "answered", date(2026, 11, 11)),  # a day late
     (3, "DB3", 7, "210102", date(2026, 11, 10), "returned", date(2026, 11, 9)),   # sent back
     (4, "DB4", 7, "210102", date(2026, 11, 10), "answered", None),
     (5, "DB5", 7, "210102", date(2026, 11, 10), "issued", None)],
    schema=ORDER_SCHEMA, orient="row")


def test_lc_r1_an_answer_in_time_awaiting_the_supervisor_is_not_overdue():
    frames = {"supervision_orders": ORDERS,
              "clock": pl.DataFrame({"today": [date(2026, 11, 20)]}, schema={"today": pl.Date})}
    out = evaluate(LC_R1, frames)
    # before: all five red, the first one against a department that answered on its due day
    assert sorted(out["subject_id"]) == ["2", "3", "4", "5"]
    assert json.loads(out.filter(pl.col("subject_id") == "2")["facts"][0])["days_overdue"] == 10
    # the escalation the sync applies follows the same rule
    assert order_escalation(ORDERS, today=date(2026, 11, 20), escalate_every_days=5)["id"].to_list() \
        == [2, 3, 4, 5]


def test_a_sync_can_pass_its_day_in(monkeypatch):
    seen: list[date] = []
    monkeypatch.setitem(inputs.LOADERS, "t_day", lambda bind: seen.append(clock.china_today()) or pl.DataFrame())
    inputs.load_inputs(object(), {"t_day"}, today=date(2026, 2, 17))
    assert seen == [date(2026, 2, 17)]
