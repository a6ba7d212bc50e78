"""Browser tests: `streamlit run serve.py` on a free loopback port, driven by Playwright + Debian chromium.

Every test in tests/e2e must be marked ``@pytest.mark.e2e`` (items in this folder also get the
marker automatically, so ``-m "not e2e"`` always leaves them out).

Without ``/usr/bin/chromium`` every e2e test is skipped with a message naming the apt packages
(``apt-get install chromium fonts-noto-cjk``); with ``FIVESYS_REQUIRE_BROWSER=1`` (set by
``.ci/run``) the missing browser is an error instead. No browser is ever downloaded.

Fixtures
--------
``base_url`` (session)
    URL of a shared ``streamlit run serve.py`` server (e.g. ``http://127.0.0.1:41234``)
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
    write data other modules must not see. Its database starts as a copy of the run's seeded
    SQLite template (``seeded_sqlite_file``, the same small demo province), so its first load
    does not seed again; the shared server above still seeds through the app itself.
``start_streamlit(tmp_dir, extra_env=None, seeded_from=None)``
    Context manager behind both fixtures, for tests that need other settings (e.g.
    ``{"FIVESYS_DEFAULT_LANGUAGE": "en"}``); yields a ``StreamlitServer``. Call ``warm_up``
    on it with a page before timing-sensitive steps.
``browser`` (session)
    Playwright ``Browser``: ``/usr/bin/chromium`` headless, ``--no-sandbox --disable-gpu
    --disable-quic ...`` (the machine has no network).
``context`` / ``page`` (function)
    A fresh browser context (no cookies; zh-CN, Asia/Shanghai, 1400x900) and a page in it.
    On failure a screenshot ``failure.png`` is saved in the test's ``tmp_path``.

Helpers (import from ``tests.e2e.conftest``; they live in ``tests/e2e/browser.py``, the
server in ``tests/e2e/server.py``)
------------------------------------------------------------------------------------------
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
``main(page)``
    The ``stMain`` locator.
``click_button(page, name)``
    Wait out a late rerun, click the button once, wait for the run, no exception.
``open_menu(page, title)``
    Click the menu entry ``title`` (again if a rerun dropped the click) until its ``h1`` shows.
``click_until(page, button, expected, safe_to_repeat=...)``
    Click until ``expected`` is shown; repeats only while ``safe_to_repeat()`` holds.
``pick(page, box, option_name, done)``
    Choose an option of the selectbox ``box`` (retried) until ``done()`` holds.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browser import (
    APT_HINT,
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTEXT_OPTIONS,
    DEMO_PASSWORD,
    FIRST_LOAD_TIMEOUT_S,
    IDLE_TIMEOUT_S,
    ROOT,
    WALK_SHOTS,
    assert_no_exception,
    click_button,
    click_sidebar_link,
    click_until,
    login,
    login_attempt,
    logout,
    logout_button,
    main,
    open_menu,
    open_page,
    pick,
    screenshot,
    sidebar_links,
    tr,
    wait_for_idle,
)
from tests.e2e.server import START_TIMEOUT_S, StreamlitServer, free_port, start_streamlit

# The helpers' home was this module: tests import them from here.
__all__ = [
    "APT_HINT", "CHROMIUM", "CHROMIUM_ARGS", "CONTEXT_OPTIONS", "DEMO_PASSWORD",
    "FIRST_LOAD_TIMEOUT_S", "IDLE_TIMEOUT_S", "ROOT", "START_TIMEOUT_S", "StreamlitServer", "WALK_SHOTS",
    "assert_no_exception", "browser_required", "click_button", "click_sidebar_link",
    "click_until", "free_port", "login", "login_attempt", "logout", "logout_button", "main",
    "open_menu", "open_page", "pick", "screenshot", "sidebar_links", "start_streamlit", "tr",
    "wait_for_idle",
]


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


# --------------------------------------------------------------------------- servers

@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory, browser) -> Iterator[StreamlitServer]:  # noqa: ANN001
    with start_streamlit(tmp_path_factory.mktemp("e2e_server")) as server:
        _warm(browser, server)
        yield server


@pytest.fixture(scope="session")
def base_url(streamlit_server: StreamlitServer) -> str:
    return streamlit_server.url


@pytest.fixture(scope="module")
def private_server(tmp_path_factory, browser, seeded_sqlite_file) -> Iterator[StreamlitServer]:  # noqa: ANN001
    with start_streamlit(tmp_path_factory.mktemp("e2e_private"), seeded_from=seeded_sqlite_file) as server:
        _warm(browser, server)
        yield server


def _warm(browser, server: StreamlitServer) -> None:  # noqa: ANN001
    ctx = browser.new_context(**CONTEXT_OPTIONS)
    try:
        server.warm_up(ctx.new_page())
    finally:
        ctx.close()


# --------------------------------------------------------------------------- browser

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
