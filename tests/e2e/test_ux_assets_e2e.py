"""Issue 16, in a real browser: every asset is served by the app itself (a closed network
reaches nothing else, the favicon included), the lights read as coloured words on the cases
page and the lights centre, and the charts draw. Screenshots go to the test's tmp_path."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    login,
    open_page,
    screenshot,
    tr,
)

pytestmark = pytest.mark.e2e

EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def test_every_request_stays_on_the_server_and_no_emoji_light(page, base_url, tmp_path):
    own = urlparse(base_url).netloc
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url)
            if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != own else None)
    login(page, base_url, "prov_supervisor")
    for path, name in (("supervision_cases", "cases"), ("lights_centre", "centre"),
                       ("supervision_stats", "stats"), ("supervision_funds", "funds"),
                       ("cockpit", "cockpit")):
        if path == "cockpit":
            continue  # a leader's page
        open_page(page, base_url, path)
        assert_no_exception(page)
        screenshot(page, tmp_path, f"ux_{name}")
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert not EMOJI.search(main), (path, EMOJI.findall(main)[:5])
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href") or ""
    assert "gstatic" not in icon and (icon.startswith(("/", "data:", "./")) or own in icon), icon
    assert elsewhere == [], elsewhere[:5]
    # the light column of the centre holds words, coloured
    open_page(page, base_url, "lights_centre")
    grid = page.locator('[data-testid="stDataFrame"]').first
    assert grid.is_visible()
    assert tr("lights.level.red") in page.locator('[data-testid="stMain"]').inner_text()
