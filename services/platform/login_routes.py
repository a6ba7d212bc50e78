"""The HTTP routes that set and clear the HttpOnly login cookie, served beside the app by
serve.py (`streamlit run serve.py`). The token and the tickets: services.platform.login_session.

* `GET /session/start?ticket=…` consumes a login ticket and answers 303 to the app page the
  ticket names, with `Set-Cookie: <FIVESYS_AUTH_COOKIE_NAME>=…; HttpOnly; SameSite=Strict;
  Path=/; Max-Age=<expiry days>` (`Secure` with FIVESYS_HTTPS). A refused ticket: 303 to the
  login page, no cookie.
* `GET /session/end` expires the cookie and answers 303 to the login page (the server side of
  the logout, the revocation, has already happened in the app).

Neither reads a destination from the request: they lead to the app's own pages only.

`served()` tells the app whether these routes exist in this process: a plain
`streamlit run streamlit_app.py` (or AppTest) has none, and the app then keeps a login for its
browser session only, with no cookie at all."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from models.db import session_scope
from services.platform import keys
from services.platform import login_guard as guard
from services.platform import login_session as ls
from services.platform.settings import get_settings

START_PATH = "/session/start"
END_PATH = "/session/end"
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
_served = False


def mark_served() -> None:
    """Called by serve.py once the routes are part of the server's app."""
    global _served
    _served = True


def served() -> bool:
    return _served


def _engine():  # noqa: ANN202
    from services.platform.database import engine_for

    return engine_for(get_settings().database_url)


def _redirect(next_path: str = "", lang: str = "") -> RedirectResponse:
    # next_path and lang were checked when the ticket was made (login_session.issue_ticket)
    url = f"/{next_path}" + (f"?lang={lang}" if lang else "")
    return RedirectResponse(url, status_code=303, headers=_NO_STORE)


def _cookie_args() -> dict:
    s = get_settings()
    return {"key": s.auth_cookie_name, "path": "/", "httponly": True, "samesite": "strict",
            "secure": s.https}


def start_session(request: Request) -> Response:  # sync: Starlette runs it in a thread
    binding = ls.browser_binding(request.cookies.get(ls.XSRF_COOKIE))
    s = get_settings()
    with session_scope(_engine()) as session:
        ticket = ls.consume_ticket(request.query_params.get("ticket"), session=session,
                                   binding=binding)
        # a logout or password change between the password check and this request wins
        valid = ticket is not None and guard.session_valid(ticket.username, ticket.issued_at,
                                                           session=session)
    if not valid:
        return _redirect()
    lifetime = timedelta(days=s.auth_cookie_expiry_days)
    token = ls.sign_token(ticket.username, ticket.issued_at, lifetime, key=keys.cookie_key(s))
    response = _redirect(ticket.next_path, ticket.lang)
    response.set_cookie(value=token, max_age=int(lifetime.total_seconds()), **_cookie_args())
    return response


def end_session(request: Request) -> Response:
    response = _redirect()
    response.delete_cookie(**_cookie_args())
    return response


ROUTES = [
    Route(START_PATH, start_session, methods=["GET"]),
    Route(END_PATH, end_session, methods=["GET"]),
]
