"""The process page's tables (ui.trading.process_tables): dates in Beijing, one link per tenderer."""

from __future__ import annotations

from datetime import UTC as UTC_ZONE
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import polars as pl

from ui.trading import process_tables

UTC = pl.Datetime("us", "UTC")


def _view(**frames: pl.DataFrame) -> SimpleNamespace:
    parties = pl.DataFrame({"uscc": ["91A", "91B"], "name": ["甲公司", None]})
    return SimpleNamespace(frames={"tr_parties": parties, **frames})


def test_an_amendment_before_eight_in_the_morning_is_dated_in_beijing():
    amended = pl.DataFrame({
        "amendment_no": ["M1", "M2"],
        # 2026-03-01 23:30 UTC is 2026-03-02 07:30 in Beijing; 2026-03-02 15:59 UTC is 23:59 there
        "amended_at": [datetime(2026, 3, 1, 23, 30, tzinfo=UTC_ZONE),
                       datetime(2026, 3, 2, 15, 59, tzinfo=UTC_ZONE)],
        "amount_after": [Decimal("1200000.00"), Decimal("80.50")],
        "rationale": ["增加工程量", "<b>调减</b>"]}, schema_overrides={"amended_at": UTC})
    lines = process_tables.amendment_lines(_view(tr_amendments=amended))
    assert lines == ["变更 M1：2026-03-02 变更为 1,200,000.00 元（增加工程量）",
                     "变更 M2：2026-03-02 变更为 80.50 元（<b>调减</b>）"]


def test_each_tenderer_is_linked_once_by_name_or_code_and_a_bid_without_one_is_not():
    bids = pl.DataFrame({
        "tenderer_uscc": ["91B", "91A", "91B", None],
        "received_at": [datetime(2026, 3, 1, 16, 0, tzinfo=UTC_ZONE)] * 4,
    }, schema_overrides={"received_at": UTC})
    frame = process_tables.bids(_view(tr_bids=bids))
    assert frame["received"].to_list() == ["2026-03-02 00:00"] * 4
    assert process_tables.tenderers(frame) == [("91B", "91B"), ("91A", "甲公司")]
