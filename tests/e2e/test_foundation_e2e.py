"""The foundation in a real browser: login, every menu page, reload, logout, wrong password."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from services.platform.seed import DEMO_USERS
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    assert_no_exception,
    click_sidebar_link,
    login,
    login_attempt,
    logout,
    logout_button,
    screenshot,
    sidebar_links,
    tr,
    wait_for_idle,
)
from ui.platform.navigation import pages_for_roles, url_path

pytestmark = pytest.mark.e2e

DISPLAY_NAMES = {u: n for u, n, *_ in DEMO_USERS}


def expected_menu(*roles: str) -> dict[str, str]:
    """menu title -> url path, from the page registry."""
    return {tr(p.title_key): url_path(p) for p in pages_for_roles(roles)}


def heading(page) -> str:  # noqa: ANN001
    h1 = page.locator('[data-testid="stMain"] h1')
    return h1.first.inner_text().strip() if h1.count() else ""


def assert_menu(page, expected: dict[str, str]) -> None:  # noqa: ANN001
    """The sidebar shows the registry's menu for the role: its titles (a title may carry the
    number of items waiting there, "工作台 (1)": compared without it), the first the default
    page at the app's root, the others at their paths. The UX walk (test_ux_walk_e2e.py)
    opens every entry as every role and checks its address and heading."""
    shown = [(re.sub(r" \(\d+\)$", "", title), urlparse(href).path.strip("/"))
             for title, href in sidebar_links(page)]
    assert {title for title, _ in shown} == set(expected), shown
    assert shown[0][1] == ""
    assert all(path == expected[title] for title, path in shown[1:]), shown


def test_leader_gets_the_leader_menu_reloads_a_subpage_and_logs_out(page, base_url, tmp_path):
    # Click into the menu the moment it appears (the browser has been through /session/start,
    # which stored the login cookie, and back): the cookie is checked by the reload below.
    login_attempt(page, base_url, "prov_leader", DEMO_PASSWORD, wait=False)
    org = tr("nav.org_browser")
    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=org).click()
    page.wait_for_timeout(200)
    wait_for_idle(page)
    # That first click can land while the page still settles (Streamlit drops it): navigate
    # again once it has.
    click_sidebar_link(page, org)
    assert urlparse(page.url).path == "/org_browser"
    click_sidebar_link(page, tr("nav.home"))
    screenshot(page, tmp_path, "leader_home")
    assert DISPLAY_NAMES["prov_leader"] in page.locator('[data-testid="stSidebar"]').inner_text()

    assert_menu(page, expected_menu("leader"))
    # A reload (a new browser session) on a subpage stays on it, still logged in.
    click_sidebar_link(page, org)
    shown = heading(page)
    assert shown
    url, title = page.url, page.title()
    assert urlparse(url).path == "/org_browser"
    page.reload(wait_until="domcontentloaded")
    page.wait_for_timeout(300)
    wait_for_idle(page)
    assert_no_exception(page)
    screenshot(page, tmp_path, "leader_after_reload")
    assert page.url == url
    assert page.title() == title
    assert heading(page) == shown
    assert logout_button(page).is_visible()
    assert page.locator('input[type="password"]').count() == 0

    logout(page)
    screenshot(page, tmp_path, "leader_logged_out")
    assert page.locator('input[type="password"]').is_visible()
    assert not logout_button(page).count()
    # The re-login cookie is gone too: a reload keeps the login form.
    page.reload(wait_until="domcontentloaded")
    page.wait_for_timeout(300)
    wait_for_idle(page)
    assert page.locator('input[type="password"]').is_visible()
    assert not logout_button(page).count()
    assert not [c for c in page.context.cookies() if c["name"] == "fivesys_auth"]


def test_wrong_password_shows_the_error_and_no_menu(page, base_url, tmp_path):
    login_attempt(page, base_url, "prov_supervisor", "not-the-password")
    screenshot(page, tmp_path, "wrong_password")
    errors = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any(tr("auth.wrong_credentials") in e for e in errors), errors
    assert not logout_button(page).count()
    assert page.locator('input[type="password"]').is_visible()
    assert_no_exception(page)
    # One failure does not lock the account: the right password still gets in.
    login(page, base_url, "prov_supervisor")


def test_admin_gets_the_admin_menu(page, base_url, tmp_path):
    login(page, base_url, "admin")
    expected = expected_menu("admin")
    assert {tr("nav.users_admin"), tr("nav.audit_log"), tr("nav.org_admin")} <= set(expected)
    assert_menu(page, expected)
