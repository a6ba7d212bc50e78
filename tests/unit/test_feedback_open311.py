"""Open311 GeoReport v2 over HTTP: a uvicorn server on a free loopback port serving the S5
routes against the seeded demo — fields, filters, the default window, errors, the API key,
the per-key rate limit, no personal data; and the JSON file commands."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
import uvicorn
from sqlalchemy import func, select
from sqlmodel import Session
from starlette.applications import Starlette

from models.feedback import Ticket, TicketEvent
from services.feedback import open311
from services.feedback.contact import query_hash


@pytest.fixture
def server(seeded, monkeypatch):
    monkeypatch.setattr(open311, "_LIMITER", open311.RateLimiter(3, 60.0))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(Starlette(routes=open311.ROUTES), host="127.0.0.1",
                                        port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}{open311.BASE}", seeded
    srv.should_exit = True
    thread.join(timeout=10)


def get(url: str) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def post(url: str, form: dict) -> tuple[int, object]:
    data = urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_services_and_requests_with_spec_fields(server):
    base, engine = server
    status, services = get(f"{base}/services.json")
    assert status == 200 and len(services) == 13
    assert set(services[0]) == {"service_code", "service_name", "description", "metadata", "type",
                                "keywords", "group"}
    status, items = get(f"{base}/requests.json")
    since = datetime.now(UTC) - timedelta(days=90)
    with Session(engine) as s:
        in_window = s.execute(select(func.count()).select_from(Ticket).where(
            Ticket.published.is_(True), Ticket.received_at >= since)).scalar_one()
        phones = [p for (p,) in s.execute(select(Ticket.contact_mask).where(Ticket.contact_mask != ""))]
    assert status == 200 and len(items) == min(in_window, open311.MAX_RESULTS)
    first = items[0]
    assert {"service_request_id", "status", "status_notes", "agency_responsible",
            "requested_datetime", "updated_datetime", "expected_datetime", "address",
            "service_code", "service_name", "description", "lat", "long"} <= set(first)
    assert first["requested_datetime"].endswith("+08:00")
    assert {i["status"] for i in items} <= {"open", "closed"}
    text = json.dumps(items, ensure_ascii=False)
    assert "contact" not in text and "13800009002" not in text and "138****" not in text
    assert phones  # the demo has contacts; none of them left the server


def test_filters_and_single_request(server):
    base, engine = server
    with Session(engine) as s:
        t = s.execute(select(Ticket).where(Ticket.status == "processing").limit(1)).scalar_one()
    status, items = get(f"{base}/requests.json?service_request_id={t.ticket_no}&status=closed")
    assert status == 200 and [i["service_request_id"] for i in items] == [t.ticket_no]  # id wins
    assert items[0]["status"] == "open" and items[0]["expected_datetime"].startswith(t.reply_due.isoformat())
    status, one = get(f"{base}/requests/{t.ticket_no}.json")
    assert status == 200 and one == items
    start = (datetime.now(UTC) - timedelta(days=30)).astimezone(open311.CHINA_TZ).isoformat(timespec="seconds")
    q = urllib.parse.urlencode({"service_code": "SP03,JG04", "status": "open", "start_date": start})
    status, items = get(f"{base}/requests.json?{q}")
    with Session(engine) as s:
        expected = s.execute(select(func.count()).select_from(Ticket).where(
            Ticket.category_code.in_(["SP03", "JG04"]), Ticket.status.not_in(["closed", "merged"]),
            Ticket.received_at >= datetime.now(UTC) - timedelta(days=30), Ticket.published.is_(True))).scalar_one()
    assert status == 200 and len(items) == expected > 0
    assert {i["service_code"] for i in items} <= {"SP03", "JG04"} and {i["status"] for i in items} == {"open"}


def test_errors_in_the_spec_format(server):
    base, _ = server
    assert get(f"{base}/requests/S5NOPE.json") == (404, [{"code": 404, "description": "no published request with this id"}])
    status, body = get(f"{base}/requests.json?start_date=yesterday")
    assert status == 400 and body[0]["code"] == 400
    status, body = get(f"{base}/requests.json?status=pending")
    assert (status, body[0]["description"]) == (400, "status must be open or closed")


def test_post_needs_a_key_and_is_rate_limited(server):
    base, engine = server
    form = {"service_code": "HB05", "jurisdiction_id": "210102", "address_string": "和平区十一纬路3号",
            "description": "化工厂夜间排放黑烟，联系电话13512345678", "phone": "13512345678"}
    assert post(f"{base}/requests.json", form)[0] == 403
    assert post(f"{base}/requests.json", form | {"api_key": "wrong"})[0] == 403
    status, body = post(f"{base}/requests.json", form | {"api_key": open311.DEMO_KEY})
    assert status == 201 and set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    no = body[0]["service_request_id"]
    code = body[0]["service_notice"].split("查询码 ")[1][:6]
    with Session(engine) as s:
        t = s.execute(select(Ticket).where(Ticket.ticket_no == no)).scalar_one()
        events = s.execute(select(TicketEvent.action).where(TicketEvent.ticket_id == t.id)).scalars().all()
    assert (t.channel, t.region_code, t.contact_mask, events) == ("open311", "210102", "135****5678", ["receive"])
    assert t.query_hash == query_hash(no, code)
    _, one = get(f"{base}/requests/{no}.json")
    assert "13512345678" not in json.dumps(one, ensure_ascii=False)  # masked in the description too
    status, body = post(f"{base}/requests.json", form | {"api_key": open311.DEMO_KEY, "service_code": "XX99"})
    assert status == 400 and "XX99" in body[0]["description"]
    assert post(f"{base}/requests.json", form | {"api_key": open311.DEMO_KEY})[0] == 201
    status, body = post(f"{base}/requests.json", form | {"api_key": open311.DEMO_KEY})
    assert status == 429 and body[0]["code"] == 429  # the fourth of three a minute (this test's limit)


def test_json_file_round_trip_through_the_cli(seeded, tmp_path, capsys):
    import manage

    out = tmp_path / "requests.json"
    assert manage.main(["feedback-export", "--out", str(out), "--status", "open"]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported and {i["status"] for i in exported} == {"open"}
    items = [{"service_code": "WY01", "jurisdiction_id": "210102", "description": "小区电梯停运一周无人修理",
              "address_string": "和平区三好街7号", "requested_datetime": "2026-11-30T09:30:00+08:00"},
             {"service_code": "WY01", "jurisdiction_id": "999999", "description": "地区不存在的诉求"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    with Session(seeded) as s:
        before = s.execute(select(func.count()).select_from(Ticket)).scalar_one()
    assert manage.main(["feedback-import", str(bad)]) == 1
    assert "item 2" in capsys.readouterr().err
    good = tmp_path / "good.json"
    good.write_text(json.dumps(items[:1], ensure_ascii=False), encoding="utf-8")
    assert manage.main(["feedback-import", str(good)]) == 0
    with Session(seeded) as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == before + 1
        t = s.execute(select(Ticket).order_by(Ticket.id.desc()).limit(1)).scalar_one()
    assert (t.channel, t.received_at) == ("open311", datetime(2026, 11, 30, 1, 30, tzinfo=UTC))
