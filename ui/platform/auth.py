"""Login, logout and lockout on top of streamlit-authenticator, with users kept in the DB.

streamlit-authenticator owns the login form only; the database owns the users, their
failed-attempt counts and locks (the library only counts in memory, per process).

Issue 17: every password check first reserves the attempt in the database
(`login_guard.reserve_attempt`, atomic, so a burst of attempts cannot get past the limit);
every session remembers when it was issued and is refused once the user's sessions were
revoked (logout, password change).

The re-login cookie is the platform's own, HttpOnly (services.platform.login_session): after
a form login the page sends the browser through /session/start, which sets it, and every new
browser session logs in from it (`restore_login`). The library's own cookie, written by a
JavaScript component and so readable by any script in the page, is switched off below. Served
without the routes (`streamlit run streamlit_app.py`, AppTest) a login lasts for its browser
session only."""

from __future__ import annotations

import logging

import streamlit as st
import streamlit_authenticator as stauth
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit_authenticator.utilities import LoginError
from streamlit_authenticator.views import authentication_view as _library_view

from models.base import utcnow
from services.platform import keys, login_routes
from services.platform import login_guard as guard
from services.platform import login_session as ls
from services.platform import users as user_service
from services.platform.settings import get_settings
from ui.platform.db import get_engine, unit_of_work
from ui.platform.i18n import current_language, t

LOGOUT_FLAG = "_logout_requested"
# When this browser session's login was issued (aware UTC): a form login's time, or the
# cookie's issue time; compared with the user's sessions_valid_from on every run.
ISSUED_AT = "_auth_issued_at"
GATE = "_auth_gate"
COOKIE_CHECKED = "_auth_cookie_checked"  # restore_login ran in this browser session
COOKIE_REFUSED = "_auth_cookie_refused"  # ... and refused the cookie: say so on the login page
_LOG = logging.getLogger(__name__)


class _NoLibraryCookie:
    """Stands in for streamlit-authenticator's CookieController, which reads and writes its
    re-login cookie through a JavaScript component (`document.cookie`: never HttpOnly). The
    library thus neither reads nor writes a cookie, and renders no cookie component."""

    def __init__(self, *_args: object, **_kwargs: object) -> None:
        pass

    def get_cookie(self) -> None:
        return None

    def set_cookie(self) -> None:
        pass

    def delete_cookie(self) -> None:
        pass


if not hasattr(_library_view, "CookieController"):  # a library upgrade moved it: fail loudly
    raise ImportError("streamlit_authenticator.views.authentication_view.CookieController is gone")
_library_view.CookieController = _NoLibraryCookie


@st.cache_resource(show_spinner=False)
def _demo_database(_engine_id: int) -> bool:
    with unit_of_work() as session:
        return keys.is_demo_database(session=session)


def demo_database() -> bool:
    """Demo mode on AND the database is the demo seed's own (the login page's hints)."""
    return get_settings().demo_mode and _demo_database(id(get_engine()))


def session_still_valid(username: str) -> bool:
    """Checked on every run: sessions issued before a revocation end here."""
    issued = st.session_state.get(ISSUED_AT)
    if issued is None:
        return False
    with unit_of_work() as session:
        return guard.session_valid(username, issued, session=session)


def cookie_enabled() -> bool:
    """The login cookie is kept when the server has its routes (serve.py) and a lifetime."""
    return login_routes.served() and get_settings().auth_cookie_expiry_days > 0


def restore_login() -> None:
    """Once per browser session, before anything is shown: log in from the HttpOnly login
    cookie when its signature is right, it has not expired and the user's sessions were not
    revoked after its issue time. A forged, tampered, expired or revoked one is refused and
    audited; the login page then says the session has ended."""
    if st.session_state.get(COOKIE_CHECKED):
        return
    st.session_state[COOKIE_CHECKED] = True
    s = get_settings()
    raw = st.context.cookies.get(s.auth_cookie_name)
    if not raw or st.session_state.get("authentication_status"):
        return
    token = ls.read_token(raw, key=keys.cookie_key(s))
    with unit_of_work() as session:
        valid = token is not None and guard.session_valid(token.username, token.issued_at,
                                                          session=session)
        user_service.record_cookie_login(token.username if token else ls.token_username(raw),
                                         session=session, accepted=valid)
    if not valid:
        st.session_state[COOKIE_REFUSED] = True
        return
    st.session_state.update({"authentication_status": True, "username": token.username,
                             ISSUED_AT: token.issued_at})


def navigate(url: str) -> bool:
    """Send the browser to `url`, a path of this server built by the app (never from user
    input), with the message st.login/st.logout use (Streamlit has no public call for it); no
    HTML is rendered. False outside a script run."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return False
    msg = ForwardMsg()
    msg.auth_redirect.url = url
    ctx.enqueue(msg)
    return True


def _credentials(accounts: list[user_service.LoginAccount]) -> dict:
    return {"usernames": {
        a.username: {"name": a.display_name, "password": a.password_hash, "roles": a.roles,
                     "email": f"{a.username}@localhost",
                     "failed_login_attempts": a.failed_attempts, "logged_in": False}
        for a in accounts}}


class Auth:
    """One per run of the login page (and of a logout), built after st.navigation."""

    def __init__(self) -> None:
        s = get_settings()
        self._settings = s
        with unit_of_work() as session:
            accounts = user_service.login_accounts(session=session, lockout_attempts=s.lockout_attempts)
        self._creds = _credentials(accounts)
        # expiry 0 and no cookie controller: the library keeps no cookie of its own
        self.authenticator = stauth.Authenticate(
            self._creds, s.auth_cookie_name, keys.cookie_key(s).hex(), 0,
            auto_hash=False, login_sleep_time=s.auth_login_sleep_seconds,
        )
        model = self.authenticator.authentication_controller.authentication_model
        self._check_password = model.check_credentials
        model.check_credentials = self._gated_check

    def _gated_check(self, username: str, password: str) -> bool:
        """The attempt is counted (or refused as locked) in the database first; only then
        is the password compared."""
        s = self._settings
        with unit_of_work() as session:
            gate = guard.reserve_attempt(username, session=session,
                                         lockout_attempts=s.lockout_attempts,
                                         lockout_minutes=s.lockout_minutes)
        st.session_state[GATE] = gate
        if gate is not guard.Gate.CHECK:
            return False
        ok = bool(self._check_password(username, password))
        if not ok:
            with unit_of_work() as session:
                locked = user_service.locked_until(username, session=session)
            if locked is not None:
                st.session_state[GATE] = guard.Gate.LOCKED
        return ok

    def login_form(self) -> bool:
        """Render the form; True once logged in."""
        s = self._settings
        fields = {"Form name": t("auth.form_title"), "Username": t("auth.username"),
                  "Password": t("auth.password"), "Login": t("auth.submit")}
        st.session_state.pop(GATE, None)
        if st.session_state.pop(COOKIE_REFUSED, False):
            st.error(t("auth.session_revoked"))
        try:
            # no max_login_attempts: the database gate refuses (and audits) locked accounts
            self.authenticator.login(location="main", fields=fields, callback=self._on_login)
        except LoginError:
            self.authenticator.logout(location="unrendered")
            st.error(t("auth.not_authorized"))
            return False
        status = st.session_state.get("authentication_status")
        if status and st.session_state.get(ISSUED_AT) is None:
            status = False  # logged in by anything but this form: not accepted
        if status is False:
            locked = st.session_state.get(GATE) is guard.Gate.LOCKED
            st.error(t("auth.locked", minutes=s.lockout_minutes) if locked
                     else t("auth.wrong_credentials"))
        return bool(status)

    def _on_login(self, info: dict) -> None:
        with unit_of_work() as session:
            user_service.record_login(info["username"], session=session)
        st.session_state[ISSUED_AT] = utcnow()

    def start_cookie(self, next_path: str) -> bool:
        """Right after a form login: record a login ticket and send the browser through
        /session/start, which stores the HttpOnly cookie and comes back to `next_path` in a
        new browser session (logged in from the cookie). False when no cookie is kept: the
        login then lasts for this browser session."""
        if not cookie_enabled():
            return False
        binding = ls.browser_binding(st.context.cookies.get(ls.XSRF_COOKIE))
        if binding is None and st.get_option("server.enableXsrfProtection"):
            _LOG.warning("no Streamlit XSRF cookie in this session: login kept without a cookie")
            return False
        lang = current_language()
        with unit_of_work() as session:
            ticket = ls.issue_ticket(
                st.session_state["username"], session=session,
                issued_at=st.session_state[ISSUED_AT], next_path=next_path,
                lang="" if lang == self._settings.default_language else lang, binding=binding)
        url = f"{login_routes.START_PATH}?ticket={ticket}"
        if not navigate(url):
            return False
        st.info(t("auth.signing_in"), icon=":material/login:")
        # only if the browser did not follow (e.g. the app embedded in another page)
        st.link_button(t("auth.continue"), url)
        return True

    def logout(self) -> None:
        username = st.session_state.get("username")
        if st.session_state.get("authentication_status"):
            self.authenticator.logout(location="unrendered")
        st.session_state.pop(ISSUED_AT, None)
        if username:
            with unit_of_work() as session:
                user_service.record_logout(username, session=session)
                # every cookie issued so far dies with this logout, copies included
                guard.revoke_sessions(username, session=session, actor=username, reason="logout")

    def end_cookie(self) -> bool:
        """After logout: send the browser through /session/end, which drops the cookie
        (already revoked on the server); False when no cookie is kept."""
        if not login_routes.served() or not navigate(login_routes.END_PATH):
            return False
        st.info(t("auth.signing_out"), icon=":material/logout:")
        return True


def request_logout() -> None:
    st.session_state[LOGOUT_FLAG] = True
