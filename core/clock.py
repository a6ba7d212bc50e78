"""The one clock: China's time zone and "today" in China.

Servers run in UTC (CI does): `date.today()` there is "yesterday" in Shanghai for eight hours a
day. Every date that a deadline, a light or a filter depends on comes from here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")
_PINNED: ContextVar[date | None] = ContextVar("pinned_china_today", default=None)


def china_now() -> datetime:
    """The current time, aware, in Asia/Shanghai."""
    return datetime.now(UTC).astimezone(CHINA_TZ)


def china_today() -> date:
    """Today's date in China (the pinned one inside `one_today`)."""
    pinned = _PINNED.get()
    return pinned if pinned is not None else china_now().date()


def utc_midnight(d: date) -> datetime:
    """00:00 in China on `d`, as an aware UTC datetime (a period filter on UTC timestamps)."""
    return datetime.combine(d, time(0), CHINA_TZ).astimezone(UTC)


@contextmanager
def one_today(today: date | None = None) -> Iterator[date]:
    """Within the block every `china_today()` is the same date (`today`, or today's date in
    China when the block opens): a sync that runs across midnight reads one day, not two."""
    pinned = _PINNED.get() or today or china_now().date()
    token = _PINNED.set(pinned)
    try:
        yield pinned
    finally:
        _PINNED.reset(token)
