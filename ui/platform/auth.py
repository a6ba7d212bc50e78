"""Login, logout and lockout on top of streamlit-authenticator, with users kept in the DB.

streamlit-authenticator owns the form and the re-login cookie; the database owns the users,
their failed-attempt counts and locks (the library only counts in memory, per process).

Issue 17: the cookie is signed with the installation's key (the public demo key only on the
demo seed's own database, `services.platform.keys`); every password check first reserves
the attempt in the database (`login_guard.reserve_attempt`, atomic, so a burst of attempts
cannot get past the limit); every session remembers when it was issued and is refused once
the user's sessions were revoked (logout, password change) — a copied cookie included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from models.base import utcnow
from services.platform import keys
from services.platform import login_guard as guard
from services.platform import users as user_service
from services.platform.settings import get_settings
from ui.platform.db import get_engine, unit_of_work
from ui.platform.i18n import t

LOGOUT_FLAG = "_logout_requested"
# Set by a form login; the next (logged-in) run writes the re-login cookie. See persist_login.
COOKIE_PENDING = "_auth_cookie_pending"
# extra_streamlit_components.CookieManager.set() renders its component with this key; its value
# turns True once the browser has stored the cookie.
COOKIE_SET_COMPONENT_KEY = "set"
# When this browser session's login was issued (aware UTC): a form login's time, or the
# cookie's issue time; compared with the user's sessions_valid_from on every run.
ISSUED_AT = "_auth_issued_at"
GATE = "_auth_gate"


@st.cache_resource(show_spinner=False)
def _demo_database(_engine_id: int) -> bool:
    with unit_of_work() as session:
        return keys.is_demo_database(session=session)


def cookie_key() -> str:
    s = get_settings()
    return keys.cookie_key(s, demo_database=s.demo_mode and _demo_database(id(get_engine())))


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


def _credentials(accounts: list[user_service.LoginAccount]) -> dict:
    return {"usernames": {
        a.username: {"name": a.display_name, "password": a.password_hash, "roles": a.roles,
                     "email": f"{a.username}@localhost",
                     "failed_login_attempts": a.failed_attempts, "logged_in": False}
        for a in accounts}}


class Auth:
    """One per run, built after st.navigation."""

    def __init__(self) -> None:
        s = get_settings()
        self._settings = s
        with unit_of_work() as session:
            accounts = user_service.login_accounts(session=session, lockout_attempts=s.lockout_attempts)
        self._creds = _credentials(accounts)
        self._before = {u: d["failed_login_attempts"] for u, d in self._creds["usernames"].items()}
        self.authenticator = stauth.Authenticate(
            self._creds, s.auth_cookie_name, cookie_key(), s.auth_cookie_expiry_days,
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
        """Render the form (or log in from the cookie); True once logged in."""
        s = self._settings
        fields = {"Form name": t("auth.form_title"), "Username": t("auth.username"),
                  "Password": t("auth.password"), "Login": t("auth.submit")}
        st.session_state.pop(GATE, None)
        try:
            # no max_login_attempts: the database gate refuses (and audits) locked accounts
            self.authenticator.login(location="main", fields=fields, callback=self._on_login)
        except LoginError:  # a cookie for an account that is gone or deactivated
            self.authenticator.logout(location="unrendered")
            st.error(t("auth.not_authorized"))
            return False
        status = st.session_state.get("authentication_status")
        if status and st.session_state.get(ISSUED_AT) is None:
            status = self._cookie_login()
        if status is False:
            locked = st.session_state.get(GATE) is guard.Gate.LOCKED
            st.error(t("auth.locked", minutes=s.lockout_minutes) if locked
                     else t("auth.wrong_credentials"))
        return bool(status)

    def _cookie_login(self) -> bool:
        """The library logged in from the re-login cookie: check it was issued after the
        user's last revocation, audit it, remember its issue time."""
        username = st.session_state.get("username") or ""
        token = self.authenticator.cookie_controller.cookie_model.token or {}
        days = self._settings.auth_cookie_expiry_days
        try:
            issued = datetime.fromtimestamp(float(token["exp_date"]), UTC) - timedelta(days=days)
        except (KeyError, TypeError, ValueError):
            issued = None
        with unit_of_work() as session:
            valid = issued is not None and guard.session_valid(username, issued, session=session)
            user_service.record_cookie_login(username, session=session, accepted=valid)
        if not valid:
            self.authenticator.logout(location="unrendered")
            st.session_state.pop(ISSUED_AT, None)
            st.error(t("auth.session_revoked"))
            return False
        st.session_state[ISSUED_AT] = issued
        return True

    def _on_login(self, info: dict) -> None:
        with unit_of_work() as session:
            user_service.record_login(info["username"], session=session)
        st.session_state[ISSUED_AT] = utcnow()
        st.session_state[COOKIE_PENDING] = True

    def persist_login(self) -> None:
        """Write the re-login cookie on the logged-in runs after a form login, until the
        browser confirms it.

        The library writes it from the login run through a cookie-manager component, but that
        run ends with st.rerun(): the browser drops the component before it runs, no cookie is
        stored and a reload shows the login form again. Rendering it once more is not enough
        either (a click right after login starts a run that drops it again), so it is rendered
        on every run until the component answers True (it has set the cookie)."""
        if not st.session_state.get(COOKIE_PENDING):
            return
        if self._settings.auth_cookie_expiry_days == 0:  # the library keeps no cookie then
            st.session_state.pop(COOKIE_PENDING, None)
            return
        self.authenticator.cookie_controller.set_cookie()
        if st.session_state.get(COOKIE_SET_COMPONENT_KEY) is True:
            st.session_state.pop(COOKIE_PENDING, None)

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


def request_logout() -> None:
    st.session_state[LOGOUT_FLAG] = True
