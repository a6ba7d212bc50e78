"""RFC 3339 timestamps as chrono's `DateTime::parse_from_rfc3339` reads them, and chrono's
`num_days()` (whole days, truncated toward zero — Python's timedelta.days floors)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))")


@lru_cache(maxsize=1 << 16)  # tender periods repeat the same few times of day
def parse_rfc3339(text: str | None) -> datetime | None:
    if text is None:
        return None
    m = _RFC3339.fullmatch(text)
    if m is None:
        return None
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    frac = m.group(7)
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    if m.group(8):
        tz = UTC
    else:
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return None
        sign = 1 if m.group(9) == "+" else -1
        tz = timezone(sign * timedelta(hours=oh, minutes=om))
    leap = s == 60  # chrono accepts a leap second and keeps it as :59 + 1 s
    try:
        value = datetime(y, mo, d, h, mi, 59 if leap else s, micro, tzinfo=tz)
    except ValueError:
        return None
    return value + timedelta(seconds=1) if leap else value


def whole_days(delta: timedelta) -> int:
    days = delta.days
    if days < 0 and (delta.seconds or delta.microseconds):
        days += 1
    return days
