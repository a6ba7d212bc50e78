"""The official working-day calendar: admin-entered years first, then chinese-calendar, else
Monday–Friday with a warning (`unknown_years`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar
import polars as pl
from sqlalchemy import delete, select
from sqlmodel import Session

from core.errors import AppError
from metrics.platform.workdays import calendar_frame
from models.calendar import CalendarDay, CalendarYear
from services.platform import audit

LIBRARY_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
KINDS = ("holiday", "workday")
# chinese-calendar names its holidays in English; the schedule is shown as published.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class CalendarError(AppError):
    """A refused action; `key` names the i18n message, `params` fill it."""


@dataclass(frozen=True)
class WorkCalendar:
    frame: pl.DataFrame            # day, is_workday, ordinal
    unknown_years: tuple[int, ...]  # years counted Monday–Friday for want of a schedule
    sources: dict[int, str]         # year -> "admin" / "library" / "weekdays"


def year_sources(years: range, *, session: Session) -> dict[int, str]:
    entered = set(session.execute(select(CalendarYear.year)).scalars())
    return {y: "admin" if y in entered else "library" if y in LIBRARY_YEARS else "weekdays"
            for y in years}


def load_calendar(start: date, end: date, *, session: Session) -> WorkCalendar:
    years = range(start.year, end.year + 1)
    sources = year_sources(years, session=session)
    holidays: set[date] = set()
    makeup: set[date] = set()
    admin_years = [y for y, src in sources.items() if src == "admin"]
    if admin_years:
        rows = session.execute(select(CalendarDay.day, CalendarDay.kind)
                               .where(CalendarDay.year.in_(admin_years))).all()
        holidays |= {d for d, k in rows if k == "holiday"}
        makeup |= {d for d, k in rows if k == "workday"}
    library_years = {y for y, src in sources.items() if src == "library"}
    holidays |= {d for d in chinese_calendar.holidays if d.year in library_years}
    makeup |= {d for d in chinese_calendar.workdays if d.year in library_years}
    unknown = tuple(y for y, src in sources.items() if src == "weekdays")
    return WorkCalendar(calendar_frame(start, end, holidays=holidays, makeup_workdays=makeup),
                        unknown, sources)


def year_schedule(year: int, *, session: Session) -> pl.DataFrame:
    """The year's holidays and make-up workdays as entered, or as the library knows them."""
    schema = {"day": pl.Date, "kind": pl.String, "name": pl.String}
    rows = session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.name)
                           .where(CalendarDay.year == year).order_by(CalendarDay.day)).all()
    if rows:
        return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    if year in LIBRARY_YEARS:
        lib = [(d, kind, HOLIDAY_NAMES_ZH.get(n, n or ""))
               for kind, table in (("holiday", chinese_calendar.holidays), ("workday", chinese_calendar.workdays))
               for d, n in table.items() if d.year == year]
        return pl.DataFrame(sorted(lib), schema=schema, orient="row")
    return pl.DataFrame(schema=schema)


def save_year_schedule(*, session: Session, actor: str, year: int, days: pl.DataFrame,
                       source_note: str = "") -> int:
    """Replace the year's official schedule. `days` has day, kind (holiday/workday), name.
    A make-up workday must fall on a weekend and a holiday should not (a weekday is fine too:
    it is the usual case) — only the former is an error."""
    if not 2000 <= year <= 2100:
        raise CalendarError("calendar.err_year", year=year)
    clean = days.drop_nulls("day").with_columns(pl.col("kind").str.strip_chars(),
                                                pl.col("name").fill_null("").str.strip_chars())
    if clean.height == 0:
        raise CalendarError("calendar.err_empty")
    for i, row in enumerate(clean.iter_rows(named=True), start=1):
        if row["day"].year != year:
            raise CalendarError("calendar.err_other_year", row=i, day=row["day"].isoformat(), year=year)
        if row["kind"] not in KINDS:
            raise CalendarError("calendar.err_kind", row=i, kind=row["kind"])
        if row["kind"] == "workday" and row["day"].weekday() < 5:
            raise CalendarError("calendar.err_makeup_weekday", row=i, day=row["day"].isoformat())
    dupes = clean.filter(pl.col("day").is_duplicated())["day"].unique().sort().to_list()
    if dupes:
        raise CalendarError("calendar.err_duplicate", day=dupes[0].isoformat())
    before = session.execute(select(CalendarDay.day, CalendarDay.kind)
                       .where(CalendarDay.year == year)).all()
    session.execute(delete(CalendarDay).where(CalendarDay.year == year))
    existing = session.get(CalendarYear, year)
    if existing is None:
        session.add(CalendarYear(year=year, source_note=source_note, entered_by=actor))
    else:
        existing.source_note, existing.entered_by = source_note, actor
        session.add(existing)
    session.flush()
    session.add_all(CalendarDay(day=r["day"], year=year, kind=r["kind"], name=r["name"][:32])
              for r in clean.iter_rows(named=True))
    audit.record(session, actor=actor, action="calendar.save_year", entity_type="calendar_year",
                 entity_id=year,
                 before={"days": len(before)} if before else None,
                 after={"holidays": clean.filter(pl.col("kind") == "holiday").height,
                        "workdays": clean.filter(pl.col("kind") == "workday").height,
                        "note": source_note})
    return clean.height
