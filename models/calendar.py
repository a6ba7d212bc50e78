"""Official working-day schedules entered by an admin (take precedence over chinese-calendar).

The State Council publishes each year's holidays and make-up workdays in the autumn;
chinese-calendar only knows the years it was released with."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.base import utcnow


class CalendarYear(SQLModel, table=True):
    __tablename__ = "calendar_year"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    source_note: str = Field(default="", max_length=255)  # e.g. 国办发明电〔2026〕X号
    entered_by: str = Field(max_length=64)
    entered_at: datetime = Field(default_factory=utcnow)


class CalendarDay(SQLModel, table=True):
    __tablename__ = "calendar_day"

    day: date = Field(primary_key=True)
    year: int = Field(foreign_key="calendar_year.year", index=True)
    kind: str = Field(max_length=8)  # holiday / workday (a make-up working weekend day)
    name: str = Field(default="", max_length=32)
