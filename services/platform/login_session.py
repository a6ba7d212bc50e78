"""The HttpOnly login cookie (issue 17): its signed token and the single-use tickets that
turn a form login into it.

A Streamlit page cannot set an HTTP cookie (it talks over a WebSocket), so a form login goes
through the server's own HTTP route (services.platform.login_routes):

1. the password is checked in the page; the page records a **ticket** here (random, only its
   SHA-256 stored, 60 s, single use, bound to the browser's Streamlit XSRF token) and sends
   the browser to `/session/start?ticket=…`;
2. the route consumes the ticket (one UPDATE: a second use finds it used), checks the login
   was not revoked since, and answers with `Set-Cookie: <name>=<token>; HttpOnly;
   SameSite=Strict; Path=/` (plus `Secure` with FIVESYS_HTTPS) and a 303 back to the page;
3. every new browser session reads the cookie (`st.context.cookies`: HttpOnly cookies are
   sent with the WebSocket handshake) and logs in when `read_token` accepts it and the user's
   sessions were not revoked after its issue time (login_guard.session_valid).

The token is `v1.<payload>.<mac>`: base64url JSON {u: username, iat, exp: microseconds since
the epoch} and its HMAC-SHA-256 under keys.cookie_key. Scripts in the page never see it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session

from models.base import utcnow
from models.users import LoginTicket
from services.platform import audit

TICKET_SECONDS = 60
VERSION = "v1"
# Streamlit's XSRF cookie (double-submit token, set on the app's first HTTP response)
XSRF_COOKIE = "_streamlit_xsrf"
# an app page's url_path ("" = the default page): the only places a ticket may lead to
_NEXT_PATH = re.compile(r"^[a-z0-9_]{0,64}$")
_LANG = re.compile(r"^[A-Za-z_]{0,8}$")


@dataclass(frozen=True)
class LoginToken:
    username: str
    issued_at: datetime  # aware UTC: when the password was checked
    expires_at: datetime


@dataclass(frozen=True)
class Ticket:
    username: str
    issued_at: datetime
    next_path: str
    lang: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _us(ts: datetime) -> int:
    return round(ts.timestamp() * 1_000_000)


def _from_us(value: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value)


def _mac(key: bytes, signed: str) -> bytes:
    return hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest()


def sign_token(username: str, issued_at: datetime, lifetime: timedelta, *, key: bytes) -> str:
    body = {"u": username, "iat": _us(issued_at), "exp": _us(issued_at + lifetime)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    signed = f"{VERSION}.{payload}"
    return f"{signed}.{_b64(_mac(key, signed))}"


def read_token(value: str | None, *, key: bytes, now: datetime | None = None) -> LoginToken | None:
    """The token's content when its signature is right and it has not expired; None for
    anything else (absent, malformed, forged, tampered, expired)."""
    parts = (value or "").split(".")
    if len(parts) != 3 or parts[0] != VERSION or len(value or "") > 1024:
        return None
    try:
        mac = _unb64(parts[2])
        if not hmac.compare_digest(mac, _mac(key, f"{parts[0]}.{parts[1]}")):
            return None
        body = json.loads(_unb64(parts[1]))
        username, iat, exp = body["u"], body["iat"], body["exp"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeError):
        return None
    if not (isinstance(username, str) and username and isinstance(iat, int) and isinstance(exp, int)):
        return None
    token = LoginToken(username, _from_us(iat), _from_us(exp))
    return token if token.expires_at > (now or utcnow()) else None


def token_username(value: str | None) -> str:
    """The username a cookie claims, unverified: only for naming a refused cookie in the audit."""
    try:
        name = json.loads(_unb64((value or "").split(".")[1])).get("u")
    except (IndexError, binascii.Error, ValueError, TypeError, AttributeError, UnicodeError):
        return ""
    return name[:64] if isinstance(name, str) else ""


def browser_binding(xsrf_cookie: str | None) -> str | None:
    """SHA-256 of the token inside Streamlit's XSRF cookie (format `2|mask|masked|time`, the
    token XOR the mask; re-masked on each page load, the token stays). A ticket made in one
    browser then fails in another: a login link cannot be pushed on someone else (login CSRF).
    None when there is no such cookie."""
    parts = (xsrf_cookie or "").strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return None
    if not mask or not masked:
        return None
    token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
    return hashlib.sha256(token).hexdigest()


def _ticket_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_ticket(username: str, *, session: Session, issued_at: datetime, next_path: str = "",
                 lang: str = "", binding: str | None = None) -> str:
    """Record a ticket for a login whose password was just checked; returns it (43 URL-safe
    characters), to be put in the URL of /session/start. Expired tickets are swept here."""
    if not _NEXT_PATH.fullmatch(next_path):
        next_path = ""
    if not _LANG.fullmatch(lang):
        lang = ""
    now = utcnow()
    session.execute(delete(LoginTicket).where(LoginTicket.expires_at < now))
    raw = secrets.token_urlsafe(32)
    session.add(LoginTicket(ticket_hash=_ticket_hash(raw), username=username, issued_at=issued_at,
                            expires_at=now + timedelta(seconds=TICKET_SECONDS),
                            next_path=next_path, lang=lang, binding=binding))
    session.flush()
    return raw


def consume_ticket(raw: str | None, *, session: Session, binding: str | None) -> Ticket | None:
    """The ticket's login, once: the UPDATE marks it used, so a second presentation (or a
    concurrent one) finds nothing. Refused (None, audited) when unknown, used, expired or
    presented by another browser than the one it was made for."""
    now = utcnow()
    row = None
    if raw and len(raw) <= 128:
        row = session.execute(
            update(LoginTicket)
            .where(LoginTicket.ticket_hash == _ticket_hash(raw), LoginTicket.used_at.is_(None))
            .values(used_at=now)
            .returning(LoginTicket.username, LoginTicket.issued_at, LoginTicket.expires_at,
                       LoginTicket.next_path, LoginTicket.lang, LoginTicket.binding)
        ).first()
    reason = ("unknown or used" if row is None else "expired" if row.expires_at <= now
              else "other browser" if row.binding is not None and not (
                  binding and hmac.compare_digest(row.binding, binding))
              else None)
    if reason is not None:
        username = row.username if row is not None else ""
        audit.record(session, actor=username or "?", action="auth.login_ticket_refused",
                     entity_type="user", entity_id=username or "?", after={"reason": reason})
        return None
    return Ticket(row.username, row.issued_at, row.next_path, row.lang)
