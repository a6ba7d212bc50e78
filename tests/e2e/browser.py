"""Driving the browser in e2e tests: Debian chromium's launch settings, the browser context
every test gets, and the page helpers (login, idle waits, menu, screenshots, catalog texts).
Tests import them from `tests.e2e.conftest`, which re-exports them."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
APT_HINT = "apt-get install chromium fonts-noto-cjk"
DEMO_PASSWORD = "Demo@2026"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
CONTEXT_OPTIONS = {"viewport": {"width": 1400, "height": 900}, "locale": "zh-CN",
                   "timezone_id": "Asia/Shanghai"}
FIRST_LOAD_TIMEOUT_S = 300  # first page load migrates and seeds the demo province
IDLE_TIMEOUT_S = 60         # any later script run


def tr(key: str, /, **params: object) -> str:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from i18n import translate

    return translate(key, "zh_CN", **params)


def wait_for_idle(page, timeout: float = IDLE_TIMEOUT_S, settle_s: float = 0.4) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished running the script and rendered the main block.

    The script state must stay `notRunning` for `settle_s`, because a widget or component can
    answer after the run and start another one."""
    deadline = time.monotonic() + timeout
    app = page.locator('[data-testid="stApp"]')
    idle_since: float | None = None
    while True:
        remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
        app.wait_for(state="attached", timeout=remaining_ms)
        state = app.get_attribute("data-test-script-state")
        conn = app.get_attribute("data-test-connection-state")
        running = page.locator('[data-testid="stStatusWidgetRunningIcon"], '
                               '[data-testid="stStatusWidgetRunningManIcon"]').count()
        main = page.locator('[data-testid="stMainBlockContainer"]').count()
        idle = state == "notRunning" and conn == "CONNECTED" and not running and main > 0
        now = time.monotonic()
        if idle:
            idle_since = idle_since or now
            if now - idle_since >= settle_s:
                return
        else:
            idle_since = None
        if now > deadline:
            raise TimeoutError(f"Streamlit not idle after {timeout} s "
                               f"(script state {state!r}, connection {conn!r}, main blocks {main})")
        page.wait_for_timeout(100)


def assert_no_exception(page) -> None:  # noqa: ANN001
    exc = page.locator('[data-testid="stException"]')
    if exc.count():
        texts = "\n---\n".join(exc.nth(i).inner_text() for i in range(exc.count()))
        raise AssertionError(f"Streamlit exception on {page.url}:\n{texts}")


def screenshot(page, tmp_path: Path, name: str) -> Path:  # noqa: ANN001
    path = Path(tmp_path) / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _login_form(page):  # noqa: ANN001, ANN202
    return page.locator('[data-testid="stForm"]').filter(has=page.locator('input[type="password"]'))


def login_attempt(page, base_url: str, username: str, password: str, *, wait: bool = True) -> None:  # noqa: ANN001
    """Open `base_url`, fill the login form and submit it; waits for the run to finish unless
    `wait=False` (to act the moment something shows up, as an impatient user does)."""
    page.goto(base_url, wait_until="domcontentloaded")
    form = _login_form(page)
    form.wait_for(timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    wait_for_idle(page)
    form.locator('input[type="text"], input:not([type])').first.fill(username)
    form.locator('input[type="password"]').fill(password)
    form.locator('[data-testid="stFormSubmitButton"] button').click()
    if wait:
        page.wait_for_timeout(200)
        wait_for_idle(page)


def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:  # noqa: ANN001
    """Log in through the real form and wait until the menu for the user is shown (after the
    browser went through /session/start, which stores the login cookie, and came back)."""
    login_attempt(page, base_url, username, password)
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=IDLE_TIMEOUT_S * 1000)
    logout_button(page).wait_for(timeout=IDLE_TIMEOUT_S * 1000)
    wait_for_idle(page)
    assert_no_exception(page)


def logout_button(page):  # noqa: ANN001, ANN201
    return page.locator('[data-testid="stSidebar"] button').filter(has_text=tr("auth.logout"))


def logout(page) -> None:  # noqa: ANN001
    """Click 退出登录 in the sidebar and wait for the login form (of the page /session/end,
    which drops the login cookie, leads to)."""
    logout_button(page).click()
    _login_form(page).wait_for(timeout=IDLE_TIMEOUT_S * 1000)
    wait_for_idle(page)


def open_page(page, base_url: str, url_path: str) -> None:  # noqa: ANN001
    """A full page load of `<base_url>/<url_path>` (what a reload or a bookmark does)."""
    page.goto(f"{base_url.rstrip('/')}/{url_path.lstrip('/')}", wait_until="domcontentloaded")
    page.locator('[data-testid="stApp"]').wait_for()
    page.wait_for_timeout(200)
    wait_for_idle(page)


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
    _expand_nav(page)
    page.locator('[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]').filter(
        has_text=title).first.click()
    page.wait_for_timeout(200)
    wait_for_idle(page)


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
