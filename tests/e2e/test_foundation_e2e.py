"""The foundation in a real browser: login, every menu page, reload, logout, wrong password."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from services.platform.seed import DEMO_USERS
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    WALK_SHOTS,
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


def walk_menu(page, tmp_path, expected: dict[str, str], prefix: str) -> dict[str, str]:  # noqa: ANN001
    """Open every menu entry by clicking it; returns title -> heading shown."""
    # a title may carry the number of items waiting there ("工作台 (1)"): compared without it
    links = [(re.sub(r" \(\d+\)$", "", title), href) for title, href in sidebar_links(page)]
    assert {title for title, _ in links} == set(expected), links
    headings = {}
    for i, (title, _) in enumerate(links):
        click_sidebar_link(page, title)
        assert_no_exception(page)
        # The first entry is the default page, served at the app's root URL.
        want = "" if i == 0 else f"/{expected[title]}"
        assert urlparse(page.url).path.rstrip("/") == want, (title, page.url)  # query may vary
        assert logout_button(page).is_visible(), f"{title}: logged out?"
        headings[title] = heading(page)
        assert headings[title], f"{title} shows no heading"
        if WALK_SHOTS:
            screenshot(page, tmp_path, f"{prefix}_{i:02d}_{expected[title]}")
    return headings


def test_leader_opens_every_page_reloads_a_subpage_and_logs_out(page, base_url, tmp_path):
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

    expected = expected_menu("leader")
    headings = walk_menu(page, tmp_path, expected, "leader")

    # A reload (a new browser session) on a subpage stays on it, still logged in.
    click_sidebar_link(page, org)
    url, title = page.url, page.title()
    assert urlparse(url).path == "/org_browser"
    page.reload(wait_until="domcontentloaded")
    page.wait_for_timeout(300)
    wait_for_idle(page)
    assert_no_exception(page)
    screenshot(page, tmp_path, "leader_after_reload")
    assert page.url == url
    assert page.title() == title
    assert heading(page) == headings[org]
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


def test_admin_opens_every_admin_page(page, base_url, tmp_path):
    login(page, base_url, "admin")
    expected = expected_menu("admin")
    assert {tr("nav.users_admin"), tr("nav.audit_log"), tr("nav.org_admin")} <= set(expected)
    walk_menu(page, tmp_path, expected, "admin")
