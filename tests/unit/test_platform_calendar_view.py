"""The working-calendar page's frames (ui.platform.calendar_view): each year's source in words,
and the editor's rows back with `day` as a date."""

from __future__ import annotations

from datetime import date

import polars as pl

from ui.platform.calendar_view import edited_days, sources_table


def test_each_year_shows_the_source_of_its_schedule_in_words():
    table = sources_table(range(2025, 2028), {2025: "library", 2026: "admin", 2027: "weekdays"})
    assert table.columns == ["年份", "来源"]
    assert table.rows() == [(2025, "内置日历（chinese-calendar）"), (2026, "管理员录入"),
                            (2027, "未知，按周一至周五计算")]


def test_the_edited_days_come_back_as_dates():
    schedule = pl.DataFrame({"day": [date(2026, 10, 1), date(2026, 10, 11)], "kind": ["holiday", "workday"],
                             "name": ["国庆节", None]})
    back = edited_days(schedule.to_pandas())  # pandas holds the days as datetimes
    assert back.schema["day"] == pl.Date
    assert back.rows() == [(date(2026, 10, 1), "holiday", "国庆节"), (date(2026, 10, 11), "workday", None)]
