"""Browser tests: `streamlit run` on a free loopback port, driven by Playwright + Debian chromium.

Every test in tests/e2e must be marked ``@pytest.mark.e2e`` (items in this folder also get the
marker automatically, so ``-m "not e2e"`` always leaves them out).

Without ``/usr/bin/chromium`` every e2e test is skipped with a message naming the apt packages
(``apt-get install chromium fonts-noto-cjk``); with ``FIVESYS_REQUIRE_BROWSER=1`` (set by
``.ci/run``) the missing browser is an error instead. No browser is ever downloaded.

Fixtures
--------
``base_url`` (session)
    URL of a shared ``streamlit run streamlit_app.py`` server (e.g. ``http://127.0.0.1:41234``)
    on a temporary SQLite database (``DATABASE_URL=sqlite:///<tmp>/e2e.db``) with
    ``FIVESYS_DEMO_MODE=true``: the app migrates and seeds the small demo province itself on the
    first page load, which the fixture performs once (warm-up) before any test runs. Tests share
    this database, so a test that changes data (users, org, uploads) should use data of its own
    or ``private_server``. Each xdist worker gets its own server.
``streamlit_server`` (session)
    The ``StreamlitServer`` behind ``base_url``: ``.url``, ``.log_path``, ``.db_path``,
    ``.log_tail()``. Its log is added to the report of any failing test that used it.
``private_server`` (module)
    A ``StreamlitServer`` of the module's own (fresh database, same settings): for modules that
    write data other modules must not see. Warmed up (seeded) like the shared one.
``start_streamlit(tmp_dir, extra_env=None)``
    Context manager behind both fixtures, for tests that need other settings (e.g.
    ``{"FIVESYS_DEFAULT_LANGUAGE": "en"}``); yields a ``StreamlitServer``. Call ``warm_up``
    on it with a page before timing-sensitive steps.
``browser`` (session)
    Playwright ``Browser``: ``/usr/bin/chromium`` headless, ``--no-sandbox --disable-gpu
    --disable-quic ...`` (the machine has no network).
``context`` / ``page`` (function)
    A fresh browser context (no cookies; zh-CN, Asia/Shanghai, 1400x900) and a page in it.
    On failure a screenshot ``failure.png`` is saved in the test's ``tmp_path``.

Helpers (import from ``tests.e2e.conftest``)
--------------------------------------------
``login(page, base_url, username, password="Demo@2026")``
    Open the app, fill the login form, submit, wait until the sidebar navigation is shown.
``login_attempt(page, base_url, username, password, wait=True)``
    Fill and submit the form without asserting success (for wrong-password tests);
    ``wait=False`` returns right after the click.
``logout(page)``
    Click the sidebar's 退出登录 button and wait for the login form.
``wait_for_idle(page, timeout=...)``
    Wait until the script run is over: connected, ``stApp`` script state ``notRunning`` (stable
    for a moment, since components can trigger a follow-up run), no running status widget, the
    main block rendered.
``assert_no_exception(page)``
    Fails, with the exception text, when a ``[data-testid="stException"]`` is on the page.
``open_page(page, base_url, url_path)``
    Go to ``<base_url>/<url_path>`` (full page load) and wait for idle.
``sidebar_links(page)``
    ``[(title, href), ...]`` of the sidebar navigation (expands "view more" first).
``click_sidebar_link(page, title)``
    Navigate inside the running session by clicking a menu entry.
``screenshot(page, tmp_path, name)``
    Full-page PNG ``<tmp_path>/<name>.png``; returns the path.
``tr(key, **params)``
    The Simplified Chinese catalog text for an i18n key (the UI's default language).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
APT_HINT = "apt-get install chromium fonts-noto-cjk"
DEMO_PASSWORD = "Demo@2026"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
START_TIMEOUT_S = 90        # until /_stcore/health answers
FIRST_LOAD_TIMEOUT_S = 300  # first page load migrates and seeds the demo province
IDLE_TIMEOUT_S = 60         # any later script run


# --------------------------------------------------------------------------- browser gate

def browser_required() -> bool:
    return os.environ.get("FIVESYS_REQUIRE_BROWSER", "").strip().lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config, items):  # noqa: ANN001
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _chromium_available() -> None:
    """Session-scoped and autouse, so it runs before any server is started."""
    if CHROMIUM.exists():
        return
    msg = f"browser tests need Debian's chromium at {CHROMIUM}: {APT_HINT}"
    if browser_required():
        pytest.fail(f"FIVESYS_REQUIRE_BROWSER=1 but {msg}", pytrace=False)
    pytest.skip(msg)


# --------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class StreamlitServer:
    url: str
    port: int
    log_path: Path
    db_path: Path
    proc: subprocess.Popen = field(repr=False)
    warmed: bool = False

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def warm_up(self, page, timeout_s: float = FIRST_LOAD_TIMEOUT_S) -> None:  # noqa: ANN001
        """Load the app once so it migrates and seeds before the tests start timing."""
        if self.warmed:
            return
        page.goto(self.url, wait_until="domcontentloaded")
        try:
            # The login form, or an error (a failing migration or seed step) ends the wait.
            page.locator('[data-testid="stForm"], [data-testid="stException"], '
                         '[data-testid="stAlert"]').first.wait_for(timeout=timeout_s * 1000)
            wait_for_idle(page, timeout=timeout_s)
            assert_no_exception(page)
            page.locator('[data-testid="stForm"]').first.wait_for(timeout=5000)
        except Exception as exc:
            main = page.locator('[data-testid="stMain"]')
            shown = main.inner_text()[:2000] if main.count() else "(nothing rendered)"
            raise RuntimeError(
                f"the app did not show its login form after its first load: {exc}\n"
                f"--- page ---\n{shown}\n"
                f"--- server log ({self.log_path}) ---\n{self.log_tail()}") from exc
        self.warmed = True


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and everything it started (it runs in its own process group)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def start_streamlit(tmp_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[StreamlitServer]:
    """`streamlit run streamlit_app.py` on a free loopback port with a fresh SQLite database in
    `tmp_dir`; yields once `/_stcore/health` answers; stops the server (and children) after."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    db_path = tmp_dir / "e2e.db"
    log_path = tmp_dir / "streamlit.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIVESYS_")}
    env.update({
        "DATABASE_URL": f"sqlite:///{db_path}",
        "FIVESYS_DEMO_MODE": "true",
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_HEADLESS": "true",
    })
    env.update(extra_env or {})
    cmd = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
    ]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = StreamlitServer(url=url, port=port, log_path=log_path, db_path=db_path, proc=proc)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _health_ok(url):
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode} before answering "
                                   f"/_stcore/health\n--- server log ---\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within "
                                   f"{START_TIMEOUT_S} s\n--- server log ---\n{server.log_tail()}")
            time.sleep(0.25)
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory, browser) -> Iterator[StreamlitServer]:  # noqa: ANN001
    with start_streamlit(tmp_path_factory.mktemp("e2e_server")) as server:
        _warm(browser, server)
        yield server


@pytest.fixture(scope="session")
def base_url(streamlit_server: StreamlitServer) -> str:
    return streamlit_server.url


@pytest.fixture(scope="module")
def private_server(tmp_path_factory, browser) -> Iterator[StreamlitServer]:  # noqa: ANN001
    with start_streamlit(tmp_path_factory.mktemp("e2e_private")) as server:
        _warm(browser, server)
        yield server


def _warm(browser, server: StreamlitServer) -> None:  # noqa: ANN001
    ctx = browser.new_context(**CONTEXT_OPTIONS)
    try:
        server.warm_up(ctx.new_page())
    finally:
        ctx.close()


# --------------------------------------------------------------------------- browser

CONTEXT_OPTIONS = {"viewport": {"width": 1400, "height": 900}, "locale": "zh-CN",
                   "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):  # noqa: ANN001, ANN201
    ctx = browser.new_context(**CONTEXT_OPTIONS)
    ctx.set_default_timeout(IDLE_TIMEOUT_S * 1000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, request, tmp_path):  # noqa: ANN001, ANN201
    pg = context.new_page()
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        with contextlib.suppress(Exception):
            screenshot(pg, tmp_path, "failure")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
    if rep.failed:
        servers = [v for v in getattr(item, "funcargs", {}).values() if isinstance(v, StreamlitServer)]
        if not servers and "base_url" in getattr(item, "fixturenames", ()):
            with contextlib.suppress(Exception):
                servers = [item._request.getfixturevalue("streamlit_server")]
        for server in servers:
            rep.sections.append((f"streamlit server log ({server.log_path})", server.log_tail()))


# --------------------------------------------------------------------------- helpers

def tr(key: str, /, **params: object) -> str:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from i18n import translate

    return translate(key, "zh_CN", **params)


def wait_for_idle(page, timeout: float = IDLE_TIMEOUT_S, settle_s: float = 0.4) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished running the script and rendered the main block.

    The script state must stay `notRunning` for `settle_s`, because custom components (the
    cookie manager) answer after the run and can start another one."""
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
