"""Entry point: page config, database readiness, language, login, navigation by role."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import startup
from services.platform import users as user_service
from services.platform.bootstrap import SchemaOutdated, prepare_database
from services.platform.settings import SettingsError, get_settings
from ui.lights.todos import menu_badges
from ui.lights.worker import start_sync_worker
from ui.platform import navigation
from ui.platform.auth import (
    LOGOUT_FLAG,
    Auth,
    request_logout,
    restore_login,
    session_still_valid,
)
from ui.platform.context import UserContext, set_user
from ui.platform.db import get_engine, unit_of_work
from ui.platform.formatting import md_escape, role_names
from ui.platform.i18n import language_switch, t
from ui.platform.login_view import demo_accounts, login_header

startup.boot()  # every registry from the systems manifest (once per process)

FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"

# A local favicon: a ":material/…:" icon would be fetched from fonts.gstatic.com, which a
# closed network does not reach.
st.set_page_config(page_title="五大系统廉政平台", page_icon=FAVICON, layout="wide")


@st.cache_resource(show_spinner="正在准备数据库… / Preparing the database…")
def _prepared(url: str) -> str:
    return prepare_database(get_engine(), get_settings())


settings = get_settings()
try:
    settings.check_startable()
    _prepared(settings.database_url)
    if settings.sync_worker:
        start_sync_worker(settings.database_url)  # the lights follow imports in the background
except (SettingsError, SchemaOutdated) as exc:
    st.error(str(exc))
    st.stop()

language_switch()
restore_login()  # a new browser session: from the HttpOnly login cookie, when valid

# Who is logged in, checked against the database on every run: a deactivated account or a
# changed role takes effect at the next click.
ctx: UserContext | None = None
logging_out = st.session_state.pop(LOGOUT_FLAG, False)
username = st.session_state.get("username") if st.session_state.get("authentication_status") else None
if username and not logging_out:
    with unit_of_work() as session:
        user = user_service.get_user(username, session=session)
        scope = user_service.user_scope(user, session=session) if user is not None else None
    if user is not None and user.active and session_still_valid(user.username):
        ctx = UserContext(
            username=user.username, display_name=user.display_name,
            roles=tuple(r for r in user.roles.split(",") if r),
            region_code=user.region_code, department_id=user.department_id, scope=scope,
        )
    else:
        logging_out = True
set_user(ctx)

if ctx is not None:
    # expanded: no "View more / View less" button, which Streamlit writes in English only
    page = st.navigation(navigation.build_for_user(ctx.roles, menu_badges(ctx)), expanded=True)
    with st.sidebar:
        st.caption(t("core.signed_in_as", name=md_escape(ctx.display_name), roles=role_names(list(ctx.roles))))
        st.button(t("auth.logout"), on_click=request_logout, icon=":material/logout:",
                  width="stretch")
    page.run()
else:
    def _login_page() -> None:
        login_header()
        if auth.login_form():
            # to /session/start, which stores the login cookie and comes back to this page in a
            # new browser session; without the routes, the navigation is rebuilt right here
            if auth.start_cookie("" if page.url_path == "login" else page.url_path):
                st.stop()
            st.rerun()  # rebuild the navigation for the user, on the page they asked for
        demo_accounts()

    guest_pages, public_paths = navigation.build_for_guest(_login_page)
    page = st.navigation(guest_pages)
    auth = Auth()
    if logging_out:
        auth.logout()
        if auth.end_cookie():  # to /session/end, which drops the cookie, then the login form
            st.stop()
        st.toast(t("auth.logged_out"))
    if page.url_path in public_paths or page.url_path == "login":
        page.run()
    else:  # a protected page's URL: log in first, then stay on it
        _login_page()
