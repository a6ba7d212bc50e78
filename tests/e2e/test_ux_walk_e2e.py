"""Issue 16, "Done when": a browser walk through every page of the menu as every demo role finds
no raw code, no `None`, no emoji and no traceback. With FIVESYS_WALK_SHOTS=1 it also keeps a
full-page screenshot of each page it checked in the test's tmp_path, for a person to look at
(the folder is printed; run with `-s` to see it); CI leaves them out: they took half the
walk's four minutes and no assertion reads them.

The text checked is what the browser renders in the main area and the sidebar (Material icon
ligatures such as "pending" taken out: they are drawn as icons, not read as words), plus what
each select box shows in its <input> (its choice, or else its placeholder). Table cells
are drawn on a canvas, out of reach of the page's text: the AppTest walk
(tests/app/test_ux_every_page.py) checks every cell of every table."""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import (
    CONTEXT_OPTIONS,
    WALK_SHOTS,
    assert_no_exception,
    click_sidebar_link,
    login,
    logout_button,
    screenshot,
    sidebar_links,
)
from tests.screen_words import emoji, raw_codes, region_codes

pytestmark = pytest.mark.e2e

# one account per role of the demo seed (the county data officer: department-level scope)
ROLES = ("admin", "prov_leader", "prov_supervisor", "prov_evaluator", "county_data")
# Python's and polars' words for nothing, and its booleans (a user reads 是/否)
NONE = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|\bTrue\b|\bFalse\b")
# Streamlit's own words, English only: the menu's "View 12 more" / "View less", the default
# placeholders of select boxes
ENGLISH_CHROME = re.compile(r"\bView (?:\d+ )?(?:more|less)\b|\bChoose (?:an )?options?\b"
                            # the file uploader's drop zone and its refusal (issue 17)
                            r"|\bUpload\b|\bper file\b|\bmust be [\d.]+MB\b"
                            # and Plotly's month names on date axes ("Jan 2026", "Mar 15")
                            r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?: \d{1,4})\b")
# what the user reads: the main area and the sidebar, without icon ligatures
SHOWN_TEXT = """() => ['[data-testid="stMain"]', '[data-testid="stSidebar"]'].map(sel => {
  const root = document.querySelector(sel);
  if (!root) return '';
  const copy = root.cloneNode(true);
  copy.querySelectorAll('[data-testid="stIconMaterial"], .material-symbols-rounded, '
                        + '[data-testid="stIconEmoji"]').forEach(e => e.remove());
  document.body.appendChild(copy);
  copy.style.position = 'absolute'; copy.style.left = '-100000px';
  // a select box shows its choice, or else its placeholder, in an <input>, not as text
  // (other inputs hold what a user types: codes in an edit form are fine there)
  const boxes = [...root.querySelectorAll('[data-testid="stSelectbox"] input, '
                                          + '[data-testid="stMultiSelect"] input')]
    .map(i => i.value || i.placeholder || '');
  const text = copy.innerText + '\\n' + boxes.join('\\n');
  copy.remove();
  return text;
}).join('\\n')"""


def _problems(text: str, regions: dict[str, str]) -> list[str]:
    found = [f"Python word: {m!r}" for m in sorted(set(NONE.findall(text)))]
    found += [f"English UI text {m!r}" for m in sorted(set(ENGLISH_CHROME.findall(text)))]
    if "Traceback" in text:
        found.append("Traceback")
    found += [f"raw code {c!r}" for c in raw_codes(text)]
    found += [f"emoji {e!r} (U+{ord(e):04X})" for e in emoji(text)]
    found += [f"region code {c!r} without its name" for c in region_codes(text, regions)]
    return found


def _slug(href: str) -> str:
    return urlparse(href).path.strip("/").replace("/", "_") or "home"


def _whole_page(page, tmp_path, name: str):  # noqa: ANN001, ANN202
    """A screenshot of the whole page: Streamlit scrolls inside its main block, which a
    full-page screenshot does not unroll, so the window is made as tall as the content."""
    height = page.evaluate("""() => Math.max(...['[data-testid="stMain"]',
        '[data-testid="stMainBlockContainer"]'].map(s => document.querySelector(s)?.scrollHeight || 0))""")
    page.set_viewport_size({"width": 1400, "height": min(max(900, height + 40), 12000)})
    page.wait_for_timeout(300)
    try:
        return screenshot(page, tmp_path, name)
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})


@pytest.mark.parametrize("username", ROLES)
def test_every_page_as_every_role_reads_clean_in_the_browser(browser, private_server, tmp_path, username):  # noqa: ANN001
    """One role a test: the walk of all five took 2.5 minutes on one test worker."""
    with sqlite3.connect(private_server.db_path) as conn:
        regions = dict(conn.execute("select code, name from region").fetchall())
    if WALK_SHOTS:
        print(f"\nscreenshots: {tmp_path}")
    report: dict[str, list[str]] = {}
    pages = 0
    ctx = browser.new_context(**CONTEXT_OPTIONS)
    ctx.set_default_timeout(60_000)
    page = ctx.new_page()
    try:
        login(page, private_server.url, username)  # once: the walk stays in session
        links = sidebar_links(page)
        assert links, f"{username}: no menu"
        for i, (title, href) in enumerate(links):
            name = f"{username}_{i:02d}_{_slug(href)}"
            click_sidebar_link(page, title)
            assert_no_exception(page)
            # the entry's page, with its heading, the user still logged in
            assert urlparse(page.url).path.rstrip("/") == urlparse(href).path.rstrip("/"), (name, page.url)
            assert page.locator('[data-testid="stMain"] h1').count(), f"{name}: no heading"
            assert logout_button(page).is_visible(), f"{name}: logged out?"
            if WALK_SHOTS:
                _whole_page(page, tmp_path, name)
            pages += 1
            found = _problems(page.evaluate(SHOWN_TEXT), regions)
            if found:
                report[name] = found
    finally:
        ctx.close()
    print(f"{username}: {pages} pages checked" + (f", screenshots in {tmp_path}" if WALK_SHOTS else ""))
    assert pages >= 17, pages  # 17-28 pages a role
    assert not report, "\n".join(f"{k}: {v}" for k, v in report.items())
