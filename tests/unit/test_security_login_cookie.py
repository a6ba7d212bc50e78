"""Issue 17: the HttpOnly login cookie. Its token is refused when forged, tampered, expired or
malformed; a login ticket works once, for 60 s, in the browser it was made for, and not after
the user's sessions were revoked; /session/start sets the cookie HttpOnly, SameSite=Strict
(Secure with FIVESYS_HTTPS) and /session/end expires it. The ticket tests run on SQLite and
PostgreSQL (the `seeded` fixture)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import timedelta

from sqlalchemy import select, update
from sqlmodel import Session
from starlette.requests import Request

from models.audit import AuditEvent
from models.base import utcnow
from models.db import session_scope
from models.users import LoginTicket
from services.platform import keys
from services.platform import login_guard as guard
from services.platform import login_routes as routes
from services.platform import login_session as ls
from services.platform.settings import get_settings

KEY = b"k" * 32
DAY = timedelta(days=1)


# ---- the token ----------------------------------------------------------------------------

def test_a_signed_token_reads_back_to_the_microsecond():
    issued = utcnow()
    token = ls.read_token(ls.sign_token("county_data", issued, DAY, key=KEY), key=KEY)
    assert token == ls.LoginToken("county_data", issued, issued + DAY)


def test_forged_tampered_expired_and_malformed_tokens_are_refused():
    issued = utcnow()
    good = ls.sign_token("county_data", issued, DAY, key=KEY)
    version, payload, mac = good.split(".")
    other_user = ls.sign_token("admin", issued, DAY, key=KEY).split(".")[1]
    refused = [
        ls.sign_token("admin", issued, DAY, key=b"another key" * 3),   # forged: another key
        f"{version}.{other_user}.{mac}",                               # payload swapped
        f"{version}.{payload}.{mac[:-2]}AA",                           # signature changed
        f"v2.{payload}.{mac}",                                         # unknown version
        ls.sign_token("county_data", issued - 2 * DAY, DAY, key=KEY),  # expired
        "", "x", "a.b.c", "v1..", f"{good}.x", "v1." + "A" * 2000 + ".x",
    ]
    for value in refused:
        assert ls.read_token(value, key=KEY) is None, value
    assert ls.read_token(None, key=KEY) is None
    # the claimed name of a refused cookie is kept for the audit, never trusted
    assert ls.token_username(refused[0]) == "admin" and ls.token_username("garbage") == ""


def _xsrf(token: bytes, mask: bytes) -> str:
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|1796533691"


def test_the_browser_binding_is_the_xsrf_token_whatever_its_mask():
    token = os.urandom(16)
    first, second = _xsrf(token, os.urandom(4)), _xsrf(token, os.urandom(4))
    assert first != second  # Streamlit re-masks the cookie on each page load
    assert ls.browser_binding(first) == ls.browser_binding(second) == hashlib.sha256(token).hexdigest()
    assert ls.browser_binding(_xsrf(os.urandom(16), os.urandom(4))) != ls.browser_binding(first)
    for bad in (None, "", "2|zz|00|1", "1|00|00|1", "2|||1", token.hex()):
        assert ls.browser_binding(bad) is None, bad


# ---- tickets (SQLite and PostgreSQL) -------------------------------------------------------

BROWSER = hashlib.sha256(b"browser").hexdigest()


def _issue(engine, username="county_data", **kw):  # noqa: ANN001, ANN003, ANN202
    kw.setdefault("issued_at", utcnow())
    kw.setdefault("binding", BROWSER)
    with session_scope(engine) as s:
        return ls.issue_ticket(username, session=s, **kw)


def _consume(engine, raw, binding=BROWSER):  # noqa: ANN001, ANN202
    with session_scope(engine) as s:
        return ls.consume_ticket(raw, session=s, binding=binding)


def _refusals(engine) -> list[dict]:  # noqa: ANN001
    with Session(engine) as s:
        rows = s.execute(select(AuditEvent.after).where(
            AuditEvent.action == "auth.login_ticket_refused").order_by(AuditEvent.id)).scalars()
        return [json.loads(r) for r in rows]


def test_a_ticket_works_once_and_only_its_hash_is_stored(seeded):  # noqa: ANN001
    issued = utcnow() - timedelta(seconds=3)
    raw = _issue(seeded, issued_at=issued, next_path="data_upload", lang="en")
    with Session(seeded) as s:
        stored = s.execute(select(LoginTicket.ticket_hash)).scalars().all()
    assert raw not in stored and hashlib.sha256(raw.encode()).hexdigest() in stored
    assert _consume(seeded, raw) == ls.Ticket("county_data", issued, "data_upload", "en")
    assert _consume(seeded, raw) is None  # replayed
    assert _consume(seeded, "made-up") is None and _consume(seeded, None) is None
    assert [r["reason"] for r in _refusals(seeded)] == ["unknown or used"] * 3


def test_two_simultaneous_presentations_get_one_login(seeded):  # noqa: ANN001
    raw = _issue(seeded)
    results, barrier = [], threading.Barrier(4)

    def present():  # noqa: ANN202
        barrier.wait()
        results.append(_consume(seeded, raw))

    threads = [threading.Thread(target=present) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(r is not None for r in results) == 1


def test_an_expired_ticket_is_refused_and_swept(seeded):  # noqa: ANN001
    raw = _issue(seeded)
    with session_scope(seeded) as s:
        s.execute(update(LoginTicket).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert _consume(seeded, raw) is None
    assert _refusals(seeded)[-1]["reason"] == "expired"
    _issue(seeded)  # issuing sweeps the expired ones
    with Session(seeded) as s:
        assert len(s.execute(select(LoginTicket.id)).all()) == 1
    assert ls.TICKET_SECONDS == 60


def test_a_ticket_fails_in_another_browser(seeded):  # noqa: ANN001
    raw = _issue(seeded)
    assert _consume(seeded, raw, binding=hashlib.sha256(b"other").hexdigest()) is None
    assert _consume(seeded, raw) is None  # and it is spent: the attempt burnt it
    assert _refusals(seeded)[0]["reason"] == "other browser"
    unbound = _issue(seeded, binding=None)  # made without XSRF protection: any browser
    assert _consume(seeded, unbound, binding=None) is not None


def test_a_ticket_leads_only_to_an_app_page(seeded):  # noqa: ANN001
    raw = _issue(seeded, next_path="//evil.example/x", lang="en\r\nSet-Cookie: a=b")
    ticket = _consume(seeded, raw)
    assert (ticket.next_path, ticket.lang) == ("", "")


# ---- the routes ----------------------------------------------------------------------------

def _request(path: str, query: str = "", cookies: dict | None = None) -> Request:
    header = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    return Request({"type": "http", "method": "GET", "path": path, "query_string": query.encode(),
                    "headers": [(b"cookie", header.encode())] if header else []})


XSRF = _xsrf(b"x" * 16, b"\x01\x02\x03\x04")


def _start(raw: str, xsrf: str = XSRF):  # noqa: ANN202
    return routes.start_session(_request(routes.START_PATH, f"ticket={raw}", {ls.XSRF_COOKIE: xsrf}))


def test_the_start_route_sets_an_httponly_strict_cookie_and_goes_back(seeded):  # noqa: ANN001
    issued = utcnow()
    raw = _issue(seeded, issued_at=issued, next_path="data_upload", lang="en",
                 binding=ls.browser_binding(_xsrf(b"x" * 16, b"\x09\x08\x07\x06")))
    response = _start(raw)
    assert response.status_code == 303
    assert response.headers["location"] == "/data_upload?lang=en"
    assert response.headers["cache-control"] == "no-store"
    [cookie] = response.headers.getlist("set-cookie")
    name, value = cookie.split(";")[0].split("=", 1)
    attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert name == get_settings().auth_cookie_name
    assert {"httponly", "samesite=strict", "path=/", "max-age=86400"} <= attributes
    assert "secure" not in attributes
    token = ls.read_token(value, key=keys.cookie_key(get_settings()))
    assert (token.username, token.issued_at) == ("county_data", issued)
    # the same ticket again: no cookie, to the login page
    again = _start(raw)
    assert again.headers["location"] == "/" and not again.headers.getlist("set-cookie")


def test_secure_when_the_site_is_served_over_https(seeded, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("FIVESYS_HTTPS", "true")
    get_settings.cache_clear()
    response = _start(_issue(seeded, binding=ls.browser_binding(XSRF)))
    assert "secure" in {a.strip().lower() for a in response.headers["set-cookie"].split(";")}
    ended = routes.end_session(_request(routes.END_PATH))
    assert "secure" in {a.strip().lower() for a in ended.headers["set-cookie"].split(";")}


def test_no_cookie_for_a_login_revoked_before_its_ticket_was_used(seeded):  # noqa: ANN001
    raw = _issue(seeded, issued_at=utcnow() - timedelta(seconds=5), binding=ls.browser_binding(XSRF))
    with session_scope(seeded) as s:  # e.g. a password change in another browser meanwhile
        guard.revoke_sessions("county_data", session=s, actor="admin", reason="password")
    response = _start(raw)
    assert response.headers["location"] == "/" and not response.headers.getlist("set-cookie")


def test_the_end_route_expires_the_cookie(seeded):  # noqa: ANN001
    response = routes.end_session(_request(routes.END_PATH))
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    attributes = {a.strip().lower() for a in cookie.split(";")}
    assert cookie.startswith(f"{get_settings().auth_cookie_name}=")
    assert {"max-age=0", "httponly", "samesite=strict", "path=/"} <= attributes


def test_the_librarys_script_readable_cookie_is_switched_off():
    """streamlit-authenticator wrote its re-login cookie from a JavaScript component
    (`document.cookie`); the platform replaces its cookie controller with one that neither
    reads nor writes a cookie and renders no component."""
    from streamlit_authenticator.views import authentication_view

    from ui.platform import auth

    assert authentication_view.CookieController is auth._NoLibraryCookie
    controller = authentication_view.CookieController("fivesys_auth", "key", 1.0)
    assert controller.get_cookie() is None
    assert controller.set_cookie() is None and controller.delete_cookie() is None
