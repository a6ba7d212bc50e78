"""Open311 GeoReport v2 for S5 (https://wiki.open311.org/GeoReport_v2): the catalog as
services, published tickets as service requests (no contact, no personal data), and intake by
POST with an API key and a per-key rate limit. `ROUTES` are Starlette routes served beside the
app (serve.py); `request_json` / `import_requests` are shared with the CLI's JSON files.

Conventions: service_code = category code; service_request_id = ticket number; status is
open / closed (closed = 办结 or 并单); jurisdiction_id = the 6-digit region code (POST);
datetimes are W3C with the +08:00 offset; errors are [{"code": …, "description": …}]."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, time, timedelta

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.clock import CHINA_TZ
from i18n import translate
from models.feedback import Category, Ticket, TicketCreate
from models.org import Department
from services.feedback import tickets as svc
from services.feedback.public import RateLimiter

BASE = "/open311/v2"
DEFAULT_DAYS, MAX_RESULTS = 90, 1000
DEMO_KEY = "demo-open311-key"
KEY_LIMIT = (30, 60.0)           # POSTs per API key per minute
_PHONE = re.compile(r"\d{7,}")
_LIMITER = RateLimiter(*KEY_LIMIT)  # one per server process; the routes are its only users


def api_keys() -> set[str]:
    """FIVESYS_OPEN311_KEYS (comma-separated); the demo key only in demo mode."""
    keys = {k.strip() for k in os.environ.get("FIVESYS_OPEN311_KEYS", "").split(",") if k.strip()}
    from services.platform.settings import get_settings

    if get_settings().demo_mode:
        keys.add(DEMO_KEY)
    return keys


def _w3c(ts: datetime | None) -> str | None:
    return ts.astimezone(CHINA_TZ).isoformat(timespec="seconds") if ts else None


def _parse_w3c(value: str) -> datetime:
    ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return ts if ts.tzinfo else ts.replace(tzinfo=CHINA_TZ)


def service_list(session: Session) -> list[dict]:
    cats = session.execute(select(Category).where(Category.active.is_(True)).order_by(Category.code)).scalars()
    return [{"service_code": c.code, "service_name": c.name, "description": c.description,
             "metadata": False, "type": "realtime", "keywords": c.department_kind, "group": c.department_kind}
            for c in cats]


def request_json(t: Ticket, *, category: str, agency: str | None) -> dict:
    """One ticket as a GeoReport service request: no contact, phone-like digits masked."""
    closed = t.status in ("closed", "merged")
    expected = (datetime.combine(t.reply_due, time(23, 59, 59), CHINA_TZ) if t.reply_due and not closed else None)
    return {
        "service_request_id": t.ticket_no, "status": "closed" if closed else "open",
        "status_notes": translate(f"feedback.status.{t.status}", "zh_CN"),
        "service_name": category, "service_code": t.category_code,
        "description": _PHONE.sub("****", t.content), "agency_responsible": agency,
        "service_notice": t.reply or "", "requested_datetime": _w3c(t.received_at),
        "updated_datetime": _w3c(t.updated_at), "expected_datetime": _w3c(expected),
        "address": t.address, "address_id": t.region_code, "zipcode": None, "lat": None,
        "long": None, "media_url": None,
    }


def find_requests(session: Session, *, ids: list[str] | None = None, codes: list[str] | None = None,
                  start: datetime | None = None, end: datetime | None = None,
                  status: str | None = None) -> list[dict]:
    t = Ticket
    stmt = select(t).where(t.published.is_(True))
    if ids:
        stmt = stmt.where(t.ticket_no.in_(ids))  # the spec: ids ignore every other filter
    else:
        end = end or datetime.now(UTC)
        start = start or end - timedelta(days=DEFAULT_DAYS)
        stmt = stmt.where(t.received_at >= start, t.received_at <= end)
        if codes:
            stmt = stmt.where(t.category_code.in_(codes))
        if status == "open":
            stmt = stmt.where(t.status.not_in(("closed", "merged")))
        elif status == "closed":
            stmt = stmt.where(t.status.in_(("closed", "merged")))
    rows = session.execute(stmt.order_by(t.received_at.desc(), t.id.desc()).limit(MAX_RESULTS)).scalars().all()
    cats = dict(session.execute(select(Category.code, Category.name)).all())
    depts = dict(session.execute(select(Department.id, Department.name)).all())
    return [request_json(r, category=cats.get(r.category_code, r.category_code),
                         agency=depts.get(r.department_id)) for r in rows]


def import_requests(session: Session, *, items: list[dict], actor: str) -> list[tuple[str, str]]:
    """Register GeoReport requests (a JSON file of another hotline, or a POST) as new tickets;
    returns (ticket number, query code) per item. Raises Open311Error naming the item."""
    out = []
    for i, item in enumerate(items, start=1):
        region = str(item.get("jurisdiction_id") or item.get("address_id") or "")
        received = item.get("requested_datetime")
        try:
            data = TicketCreate(channel="open311", category_code=str(item.get("service_code") or ""),
                                region_code=region, address=str(item.get("address_string") or item.get("address") or ""),
                                content=str(item.get("description") or ""), contact=str(item.get("phone") or item.get("email") or ""),
                                received_at=_parse_w3c(received) if received else None)
            ticket, code = svc.create_ticket(session=session, actor=actor, data=data, scope=None)
        except (ValidationError, ValueError, svc.FeedbackError) as exc:
            raise Open311Error(400, f"item {i}: {_describe(exc)}") from exc
        out.append((ticket.ticket_no, code))
    return out


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    key = getattr(exc, "key", None)
    return translate(key, "en", **getattr(exc, "params", {})) if key else str(exc)


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


# ---- HTTP ---------------------------------------------------------------------------------

def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": code, "description": description}], status_code=code)


def _session() -> Session:
    from services.platform.database import engine_for
    from services.platform.settings import get_settings

    return Session(engine_for(get_settings().database_url), expire_on_commit=False)


def _csv(value: str | None) -> list[str] | None:
    items = [v.strip() for v in (value or "").split(",") if v.strip()]
    return items or None


def services_json(request: Request) -> JSONResponse:  # sync: Starlette runs it in a thread
    with _session() as s:
        return JSONResponse(service_list(s))


async def requests_json(request: Request) -> JSONResponse:
    if request.method == "POST":
        return await _post(request)
    q = request.query_params
    try:
        start = _parse_w3c(q["start_date"]) if q.get("start_date") else None
        end = _parse_w3c(q["end_date"]) if q.get("end_date") else None
    except ValueError:
        return _error(400, "start_date and end_date must be W3C datetimes, e.g. 2026-11-01T00:00:00+08:00")
    if q.get("status") not in (None, "", "open", "closed"):
        return _error(400, "status must be open or closed")
    if start and end and start > end:
        return _error(400, "start_date is after end_date")
    if start and not end:
        end = start + timedelta(days=DEFAULT_DAYS)
    def read() -> list[dict]:
        with _session() as s:
            return find_requests(s, ids=_csv(q.get("service_request_id")), codes=_csv(q.get("service_code")),
                                 start=start, end=end, status=q.get("status") or None)

    return JSONResponse(await run_in_threadpool(read))


def request_one(request: Request) -> JSONResponse:
    with _session() as s:
        found = find_requests(s, ids=[request.path_params["id"]])
    return JSONResponse(found) if found else _error(404, "no published request with this id")


async def _post(request: Request) -> JSONResponse:
    form = await request.form()
    key = str(form.get("api_key") or "")
    if not key or key not in api_keys():
        return _error(403, "a valid api_key is required")
    if not _LIMITER.allow(key):
        return _error(429, f"rate limit: at most {KEY_LIMIT[0]} requests per minute per api_key")
    item = {k: str(v) for k, v in form.items() if k != "api_key"}
    if not item.get("service_code"):
        return _error(400, "service_code is required")

    def write() -> tuple[str, str]:
        with _session() as s:
            [(no, code)] = import_requests(s, items=[item], actor=f"open311:{key[:8]}")
            s.commit()
        return no, code

    try:
        no, code = await run_in_threadpool(write)
    except Open311Error as exc:
        return _error(exc.code, exc.description.removeprefix("item 1: "))
    # the query code goes back to the client once (the citizen's status look-up needs it)
    notice = translate("feedback.open311_notice", "zh_CN", code=code)
    return JSONResponse([{"service_request_id": no, "service_notice": notice, "account_id": None}],
                        status_code=201)


ROUTES = [
    Route(f"{BASE}/services.json", services_json, methods=["GET"]),
    Route(f"{BASE}/requests.json", requests_json, methods=["GET", "POST"]),
    Route(f"{BASE}/requests/{{id}}.json", request_one, methods=["GET"]),
]
