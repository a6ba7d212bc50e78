"""Login, logout and lockout on top of streamlit-authenticator, with users kept in the DB.

streamlit-authenticator owns the form and the re-login cookie; the database owns the users,
their failed-attempt counts and locks (the library only counts in memory, per process)."""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from services.platform import users as user_service
from services.platform.settings import get_settings
from ui.platform.db import unit_of_work
from ui.platform.i18n import t

LOGOUT_FLAG = "_logout_requested"
# Set by a form login; the next (logged-in) run writes the re-login cookie. See persist_login.
COOKIE_PENDING = "_auth_cookie_pending"
# extra_streamlit_components.CookieManager.set() renders its component with this key; its value
# turns True once the browser has stored the cookie.
COOKIE_SET_COMPONENT_KEY = "set"


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
            self._creds, s.auth_cookie_name, s.auth_cookie_key, s.auth_cookie_expiry_days,
            auto_hash=False, login_sleep_time=s.auth_login_sleep_seconds,
        )

    def login_form(self) -> bool:
        """Render the form (or log in from the cookie); True once logged in."""
        s = self._settings
        fields = {"Form name": t("auth.form_title"), "Username": t("auth.username"),
                  "Password": t("auth.password"), "Login": t("auth.submit")}
        try:
            self.authenticator.login(location="main", fields=fields,
                                     max_login_attempts=s.lockout_attempts,
                                     callback=self._on_login)
        except LoginError as exc:
            if "attempts" in str(exc):
                st.error(t("auth.locked", minutes=s.lockout_minutes))
            else:  # a cookie for an account that is gone or deactivated
                self.authenticator.logout(location="unrendered")
                st.error(t("auth.not_authorized"))
            return False
        self._record_failures()
        status = st.session_state.get("authentication_status")
        if status is False:
            st.error(t("auth.wrong_credentials"))
        return bool(status)

    def _on_login(self, info: dict) -> None:
        with unit_of_work() as session:
            user_service.record_login(info["username"], session=session)
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

    def _record_failures(self) -> None:
        s = self._settings
        for username, data in self._creds["usernames"].items():
            if data.get("failed_login_attempts", 0) > self._before.get(username, 0):
                with unit_of_work() as session:
                    locked = user_service.record_failed_login(
                        username, session=session, lockout_attempts=s.lockout_attempts,
                        lockout_minutes=s.lockout_minutes)
                if locked:
                    st.error(t("auth.locked", minutes=s.lockout_minutes))

    def logout(self) -> None:
        username = st.session_state.get("username")
        if st.session_state.get("authentication_status"):
            self.authenticator.logout(location="unrendered")
        if username:
            with unit_of_work() as session:
                user_service.record_logout(username, session=session)


def request_logout() -> None:
    st.session_state[LOGOUT_FLAG] = True
