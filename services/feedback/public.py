"""What the public sees, and nothing more: the status of one ticket by number and query code
(the public part of its timeline and the reply, no contact, no internal notes), statistics
without content or personal data, and the rate limit of the public and Open311 intakes."""

from __future__ import annotations

import threading
import time
from collections import deque
from datetime import date, timedelta

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from models.feedback import Category, Ticket, TicketEvent
from models.org import Region
from services.feedback import contact as crypto
from services.feedback.kpi_sql import kpi_parts, kpis_from

# notes of these public events are the citizen's business (the reply, the evaluation);
# other events show on the timeline without their note
PUBLIC_NOTES = ("reply", "direct_reply", "evaluate")


def lookup(*, session: Session, ticket_no: str, code: str) -> dict | None:
    """The ticket's public view when the code matches, else None (same answer for a wrong
    number and a wrong code, so numbers cannot be probed)."""
    no = (ticket_no or "").strip().upper()
    t = session.execute(select(Ticket).where(Ticket.ticket_no == no)).scalar_one_or_none()
    if t is None or not code or crypto.query_hash(no, code) != t.query_hash:
        return None
    cat = session.execute(select(Category.name).where(Category.code == t.category_code)).scalar()
    region = session.get(Region, t.region_code)
    events = session.execute(
        select(TicketEvent.at, TicketEvent.action, TicketEvent.note)
        .where(TicketEvent.ticket_id == t.id, TicketEvent.public.is_(True)).order_by(TicketEvent.id)).all()
    return {
        "ticket_no": t.ticket_no, "status": t.status, "category": cat or t.category_code,
        "region": region.name if region else t.region_code, "received_at": t.received_at,
        "reply_due": t.reply_due, "reply": t.reply, "satisfaction": t.satisfaction,
        "timeline": [{"at": at, "action": action,
                      "note": (note.split("：")[0] if action == "evaluate" else note)
                      if action in PUBLIC_NOTES else ""}
                     for at, action, note in events],
    }


def statistics(*, session: Session, today: date, months: int = 12) -> dict[str, pl.DataFrame]:
    """Published tickets of the last `months` months by category, region (city) and month."""
    since = today.replace(day=1) - timedelta(days=31 * (months - 1))
    parts = kpi_parts(session.connection(), None, by=["category_code", "region_code", "month"],
                      today=today, published=True, since=since.replace(day=1))
    cities = dict(session.execute(select(Region.code, Region.name)).all())
    parents = dict(session.execute(select(Region.code, Region.parent_code)).all())
    city = {c: (c if parents.get(c) in (None, "210000") else parents[c]) for c in parents}
    parts = parts.with_columns(pl.col("region_code").replace_strict(city, default=None).alias("city"))
    shown = ("received", "on_time_rate", "satisfaction_rate")
    out = {by: kpis_from(parts, [by]).select(by, *shown) for by in ("category_code", "city", "month")}
    out["city"] = out["city"].with_columns(pl.col("city").replace_strict(cities, default=None))
    return out


class RateLimiter:
    """At most `limit` events per key in a sliding window of `seconds`; thread-safe (one per
    server process, held by st.cache_resource or the Open311 routes)."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, *keys: str, now: float | None = None) -> bool:
        """Count one event for every key, unless one of them is over its limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            queues = [self._hits.setdefault(k, deque()) for k in keys if k]
            for q in queues:
                while q and now - q[0] >= self.seconds:
                    q.popleft()
            if any(len(q) >= self.limit for q in queues):
                return False
            for q in queues:
                q.append(now)
            return True

    def retry_minutes(self) -> int:
        return max(1, round(self.seconds / 60))
