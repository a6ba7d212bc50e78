"""The one clock: China's time zone and "today" in China.

Servers run in UTC (CI does): `date.today()` there is "yesterday" in Shanghai for eight hours a
day. Every date that a deadline, a light or a filter depends on comes from here."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def china_now() -> datetime:
    """The current time, aware, in Asia/Shanghai."""
    return datetime.now(UTC).astimezone(CHINA_TZ)


def china_today() -> date:
    """Today's date in China."""
    return china_now().date()
