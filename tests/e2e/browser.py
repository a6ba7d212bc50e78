"""Driving the browser in e2e tests: Debian chromium's launch settings, the browser context
every test gets, and the page helpers (login, idle waits, menu, screenshots, catalog texts).
Tests import them from `tests.e2e.conftest`, which re-exports them. The launch settings and
the basic page helpers live in `bench/appbrowser.py`, shared with the benches."""

from __future__ import annotations

import os
from urllib.parse import urlparse

from bench.appbrowser import (  # noqa: F401  (re-exported: tests import them from here)
    APT_HINT,
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTEXT_OPTIONS,
    DEMO_PASSWORD,
    FIRST_LOAD_TIMEOUT_S,
    IDLE_TIMEOUT_S,
    ROOT,
    _login_form,
    assert_no_exception,
    login,
    login_attempt,
    logout,
    logout_button,
    open_page,
    screenshot,
    tr,
    wait_for_idle,
)

# full-page screenshots of every page a walk opens, for a person to look at: off in CI (they
# took half the walks' time and no assertion reads them); a failing test always gets one
WALK_SHOTS = os.environ.get("FIVESYS_WALK_SHOTS") == "1"


def _expand_nav(page) -> None:  # noqa: ANN001
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in (more.first.inner_text() or "").lower():
        more.first.click()
        page.wait_for_timeout(200)


def sidebar_links(page) -> list[tuple[str, str]]:  # noqa: ANN001
    """(title, href) of every entry in the sidebar menu, in menu order."""
    _expand_nav(page)
    links = page.locator('[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]')
    out = []
    for i in range(links.count()):
        link = links.nth(i)
        # The material icon is rendered as text ("dashboard") before the title.
        lines = [ln.strip() for ln in link.inner_text().splitlines() if ln.strip()]
        out.append((lines[-1] if lines else "", link.get_attribute("href") or ""))
    return out


def click_sidebar_link(page, title: str) -> None:  # noqa: ANN001
    """Open the menu entry `title`, again if the click was dropped: a page's late rerun (the
    cockpit shows its ranking once the background count is in) can swallow it. Navigating is
    safe to repeat; done when the address is the entry's."""
    _expand_nav(page)
    link = page.locator('[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]').filter(
        has_text=title).first
    target = urlparse(link.get_attribute("href") or "").path.rstrip("/")
    for _attempt in range(3):
        link.click()
        page.wait_for_timeout(200)
        wait_for_idle(page)
        if urlparse(page.url).path.rstrip("/") == target:
            return
        wait_for_idle(page, settle_s=1.0)


# --------------------------------------------------------------------------- retrying actions
# A click or a pick that lands while Streamlit replaces a run (a late rerun, or the new page
# that login and logout lead to through /session/…) can be dropped: these retry, but only
# what is safe to repeat.

def main(page):  # noqa: ANN001, ANN201
    return page.locator('[data-testid="stMain"]')


def click_button(page, name: str) -> None:  # noqa: ANN001
    """Let any late rerun finish, then click the button `name` once and wait for the run."""
    wait_for_idle(page, settle_s=1.5)
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_timeout(300)
    wait_for_idle(page)
    assert_no_exception(page)


def open_menu(page, title: str) -> None:  # noqa: ANN001
    """Open a page from the sidebar menu (again if the click was dropped by a rerun) and wait
    for its `h1` heading `title`."""
    heading = main(page).locator("h1").filter(has_text=title)
    for _attempt in range(3):
        wait_for_idle(page, settle_s=1.0)
        click_sidebar_link(page, title)  # expands the menu's "view more" first
        page.wait_for_timeout(300)
        wait_for_idle(page)
        assert_no_exception(page)
        if heading.count():
            break
    heading.first.wait_for(timeout=5000)
    wait_for_idle(page, settle_s=1.0)


def click_until(page, button: str, expected: str, *, safe_to_repeat) -> None:  # noqa: ANN001
    """Click `button` until `expected` is shown; repeated only while `safe_to_repeat()` says
    the dropped click had no effect."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    shown = main(page).get_by_text(expected, exact=False)
    for _attempt in range(3):
        wait_for_idle(page, settle_s=1.5)
        main(page).get_by_role("button", name=button).click()
        page.wait_for_timeout(300)
        wait_for_idle(page)
        assert_no_exception(page)
        try:
            shown.first.wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            assert safe_to_repeat(), f"{button!r} had an effect but {expected!r} is not shown"
    shown.first.wait_for(timeout=1000)


def pick(page, box, option_name: str, done) -> None:  # noqa: ANN001
    """Choose `option_name` in the selectbox `box` until `done()` (polled) holds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option", name=option_name, exact=True)
    for _attempt in range(3):
        wait_for_idle(page, settle_s=1.0)
        # scrolled first: the list closes again when the click itself scrolls the page
        box.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box.click()
        try:
            option.wait_for(timeout=5000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        option.click()
        page.wait_for_timeout(300)
        wait_for_idle(page)
        assert_no_exception(page)
        for _poll in range(50):
            if done():
                return
            page.wait_for_timeout(200)
    assert done(), f"could not choose {option_name!r}"
