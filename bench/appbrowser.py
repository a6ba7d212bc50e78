"""Driving the app in headless Chromium (Debian's, never downloaded): launch settings, the
browser context, and the page helpers (login, idle waits, page loads, catalog texts). Shared
by the e2e tests (tests/e2e/browser.py re-exports them) and the benches
(bench/bench_hostile.py uploads hostile files through the real upload page)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
    """Log in through the real form and wait until the menu for the user is shown."""
    login_attempt(page, base_url, username, password)
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=IDLE_TIMEOUT_S * 1000)
    logout_button(page).wait_for(timeout=IDLE_TIMEOUT_S * 1000)
    wait_for_idle(page)
    assert_no_exception(page)


def logout_button(page):  # noqa: ANN001, ANN201
    return page.locator('[data-testid="stSidebar"] button').filter(has_text=tr("auth.logout"))


def logout(page) -> None:  # noqa: ANN001
    """Click 退出登录 in the sidebar and wait for the login form."""
    logout_button(page).click()
    _login_form(page).wait_for(timeout=IDLE_TIMEOUT_S * 1000)
    wait_for_idle(page)


def open_page(page, base_url: str, url_path: str) -> None:  # noqa: ANN001
    """A full page load of `<base_url>/<url_path>` (what a reload or a bookmark does)."""
    page.goto(f"{base_url.rstrip('/')}/{url_path.lstrip('/')}", wait_until="domcontentloaded")
    page.locator('[data-testid="stApp"]').wait_for()
    page.wait_for_timeout(200)
    wait_for_idle(page)
