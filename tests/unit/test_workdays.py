"""Working-day deadlines and elapsed counts against the official calendar, to the day."""

from datetime import date, datetime, timedelta

import polars as pl
import pytest

import core.clock as clock
from metrics.platform.workdays import (
    calendar_frame,
    suspended_workdays,
    with_deadline,
    with_elapsed,
)
from models.db import session_scope
from services.platform.workcalendar import (
    LIBRARY_YEARS,
    CalendarError,
    load_calendar,
    save_year_schedule,
    year_schedule,
)


def act(engine, service, *args, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


@pytest.fixture
def cal(engine):
    return act(engine, load_calendar, date(2025, 1, 1), date(2027, 3, 31))


def deadline(cal, received, limit, suspended=0):
    frame = pl.DataFrame({"received_on": [received], "limit_days": [limit],
                          "suspended_workdays": [suspended]},
                         schema={"received_on": pl.Date, "limit_days": pl.Int32, "suspended_workdays": pl.Int32})
    return with_deadline(frame, cal.frame)["deadline"][0]


def test_national_day_2025_with_make_up_saturday(cal):
    # Oct 1–8 off; counting starts Oct 1: Oct 9, 10, Sat Oct 11 (make-up), Mon 13, Tue 14.
    assert deadline(cal, date(2025, 9, 30), 5) == date(2025, 10, 14)
    # The make-up Sunday Sep 28 counts: received Fri Sep 26 -> Sep 28, 29, 30, Oct 9.
    assert deadline(cal, date(2025, 9, 26), 4) == date(2025, 10, 9)


def test_spring_festival_2026(cal):
    # Feb 15–23 off, Sat Feb 14 and Sat Feb 28 are workdays.
    # Received Fri Feb 13: Sat 14, Tue 24, 25, 26, 27, Sat 28.
    assert deadline(cal, date(2026, 2, 13), 6) == date(2026, 2, 28)
    assert deadline(cal, date(2026, 2, 13), 7) == date(2026, 3, 2)


def test_receipt_on_a_holiday(cal):
    # Received on National Day 2026 (Oct 1): Oct 8, 9, Sat Oct 10 (make-up), Mon 12.
    assert deadline(cal, date(2026, 10, 1), 4) == date(2026, 10, 12)


def test_suspension_spanning_a_holiday(cal):
    susp = pl.DataFrame({"case_id": [1, 1], "start_on": [date(2025, 9, 29), date(2025, 10, 20)],
                         "end_on": [date(2025, 10, 10), date(2025, 10, 20)]})
    # Sep 29, 30 (2) + Oct 9, 10 (2) inside the first; Mon Oct 20 in the second.
    counted = suspended_workdays(susp, cal.frame)
    assert counted.to_dicts() == [{"case_id": 1, "suspended_workdays": 5}]
    # Received Fri Sep 26, 5 days + 5 suspended = 10th working day after:
    # Sep 28, 29, 30, Oct 9, 10, 11, 13, 14, 15, 16.
    assert deadline(cal, date(2025, 9, 26), 5, suspended=5) == date(2025, 10, 16)


def test_year_boundary_into_an_unknown_year_falls_back_to_weekdays(engine):
    # the first year the library does not know (whatever its version), not a fixed 2027
    last = max(LIBRARY_YEARS)
    cal = act(engine, load_calendar, date(last, 12, 1), date(last + 1, 1, 31))
    assert cal.unknown_years == (last + 1,)
    assert cal.sources[last] == "library"
    # Dec 31 + 3 counts the next year's days as plain weekdays, New Year's Day included
    start = date(last, 12, 31)
    days = [start + timedelta(days=k) for k in range(1, 8)]
    expected = [d for d in days if d.year == last + 1 and d.weekday() < 5][2]
    assert deadline(cal, start, 3) == expected


def test_admin_schedule_takes_precedence_and_is_audited(engine):
    days = pl.DataFrame({"day": [date(2027, 1, 1), date(2027, 1, 4)], "kind": ["holiday", "holiday"],
                         "name": ["元旦", "元旦"]})
    assert act(engine, save_year_schedule, actor="admin", year=2027, days=days, source_note="测试") == 2
    cal = act(engine, load_calendar, date(2026, 12, 1), date(2027, 1, 31))
    assert cal.unknown_years == () and cal.sources[2027] == "admin"
    frame = pl.DataFrame({"received_on": [date(2026, 12, 31)], "limit_days": [3]},
                         schema={"received_on": pl.Date, "limit_days": pl.Int32})
    assert with_deadline(frame, cal.frame, suspended_col=None)["deadline"][0] == date(2027, 1, 7)
    assert act(engine, year_schedule, 2027).height == 2
    from sqlmodel import Session, select

    from models.audit import AuditEvent
    with Session(engine) as s:
        assert s.exec(select(AuditEvent.action)).all() == ["calendar.save_year"]


def test_bad_schedules_are_refused(engine):
    bad_kind = pl.DataFrame({"day": [date(2027, 1, 1)], "kind": ["party"], "name": [""]})
    with pytest.raises(CalendarError) as err:
        act(engine, save_year_schedule, actor="admin", year=2027, days=bad_kind)
    assert err.value.key == "calendar.err_kind" and err.value.params["row"] == 1
    weekday_makeup = pl.DataFrame({"day": [date(2027, 1, 6)], "kind": ["workday"], "name": [""]})
    with pytest.raises(CalendarError) as err:
        act(engine, save_year_schedule, actor="admin", year=2027, days=weekday_makeup)
    assert err.value.key == "calendar.err_makeup_weekday"
    other_year = pl.DataFrame({"day": [date(2028, 1, 1)], "kind": ["holiday"], "name": [""]})
    with pytest.raises(CalendarError) as err:
        act(engine, save_year_schedule, actor="admin", year=2027, days=other_year)
    assert err.value.key == "calendar.err_other_year"


def test_elapsed_counts_exclude_receipt_day_and_suspensions():
    cal = calendar_frame(date(2026, 3, 1), date(2026, 3, 31), holidays=[], makeup_workdays=[])
    frame = pl.DataFrame({"received_on": [date(2026, 3, 2), date(2026, 3, 2)],
                          "end_on": [date(2026, 3, 6), date(2026, 3, 16)],
                          "suspended_workdays": [0, 3]})
    out = with_elapsed(frame, cal)
    # Mon Mar 2 received: Tue–Fri = 4; to Mon Mar 16 = 10 working days, less 3 suspended = 7.
    assert out["elapsed_workdays"].to_list() == [4, 7]


def test_library_schedule_is_shown_in_chinese(engine):
    sched = act(engine, year_schedule, 2026)
    row = sched.filter(pl.col("day") == date(2026, 10, 10)).row(0, named=True)
    assert (row["kind"], row["name"]) == ("workday", "国庆节")
    assert sched.filter(pl.col("kind") == "holiday").height == 33


def test_calendar_page_warns_about_an_unscheduled_year(seeded, monkeypatch):
    from i18n import translate
    from tests.app.helpers import login, open_page

    # the page shows this year -2 … +1: pinned to the year after the library's last, the
    # unknown years are that one and the next, whatever today's date and library version
    last = max(LIBRARY_YEARS)
    monkeypatch.setattr(clock, "china_now", lambda: datetime(last + 1, 6, 15, 10, tzinfo=clock.CHINA_TZ))
    at = open_page(login("admin"), "pages/platform/work_calendar.py")
    assert not at.exception
    expected = translate("calendar.warn_unknown", "zh_CN", years=f"{last + 1}、{last + 2}")
    assert [w.value for w in at.warning] == [expected]


def test_a_date_outside_the_calendar_has_no_ordinal_and_no_deadline():
    """The lookups by position give what a left join on the day gave: null outside the frame
    (the day before its first, the day after its last), never another day's value."""
    from metrics.platform.workdays import on_day, workday_numbered

    cal = calendar_frame(date(2026, 10, 1), date(2026, 10, 12), holidays=[date(2026, 10, 1) + timedelta(days=i)
                                                                            for i in range(8)],
                         makeup_workdays=[date(2026, 10, 10)])
    days = pl.DataFrame({"d": [date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 9),
                               date(2026, 10, 10), date(2026, 10, 12), date(2026, 10, 13), None]})
    got = days.select(on_day(cal, "d").alias("o"), on_day(cal, "d", "is_workday").alias("w"))
    assert got["o"].to_list() == [None, 0, 1, 2, 3, None, None]
    assert got["w"].to_list() == [None, False, True, True, True, None, None]
    numbered = pl.DataFrame({"k": [0, 1, 3, 4]}).select(workday_numbered(cal, pl.col("k")).alias("day"))
    assert numbered["day"].to_list() == [None, date(2026, 10, 9), date(2026, 10, 12), None]
    with pytest.raises(ValueError, match="one row per day"):
        on_day(cal.filter(pl.col("is_workday")), "d")
