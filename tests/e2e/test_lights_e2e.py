"""The 督办 round trip in a real browser across two logins, and the cockpit's charts."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import (
    assert_no_exception,
    click_button,
    login,
    logout,
    open_page,
    screenshot,
    tr,
    wait_for_idle,
)

pytestmark = pytest.mark.e2e


def _db(server) -> sqlite3.Connection:  # noqa: ANN001
    return sqlite3.connect(str(server.db_path))


def _open_alert_of(server, username: str) -> int:  # noqa: ANN001
    """An open alert of the department of `username` (the demo seed leaves one per officer)."""
    with _db(server) as db:
        row = db.execute(
            "SELECT a.id FROM alert a JOIN user u ON u.department_id = a.department_id "
            "WHERE u.username = ? AND a.status = 'open' ORDER BY a.id LIMIT 1", (username,)).fetchone()
    assert row, f"the demo seed left no open alert for {username}'s department"
    return row[0]


def _order_count(server) -> int:  # noqa: ANN001
    with _db(server) as db:
        return db.execute("SELECT count(*) FROM supervision_order").fetchone()[0]


def _status(server, alert_id: int) -> str:  # noqa: ANN001
    with _db(server) as db:
        return db.execute("SELECT status FROM alert WHERE id = ?", (alert_id,)).fetchone()[0]


def test_supervision_order_round_trip(page, private_server, tmp_path):
    base = private_server.url
    alert_id = _open_alert_of(private_server, "county_data")

    login(page, base, "county_supervisor")
    open_page(page, base, f"lights_centre?alert={alert_id}")
    detail = tr("lights.detail.title", id=alert_id, rule="")
    page.get_by_text(detail.rstrip(), exact=False).first.wait_for()
    screenshot(page, tmp_path, "alert_detail")
    page.get_by_role("tab", name=tr("lights.act.order")).click()
    page.get_by_label(tr("lights.act.order_instructions")).fill("请十日内完成整改并反馈")
    success = page.get_by_text(re.compile(tr("lights.act.order_issued", no="(DB\\d+)")))
    for _attempt in range(2):  # a dropped click issued nothing, so clicking again is safe
        orders_before = _order_count(private_server)
        click_button(page, tr("lights.act.order_issue"))
        screenshot(page, tmp_path, "after_issue")
        try:
            success.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            assert _order_count(private_server) == orders_before, "order issued but not confirmed"
            open_page(page, base, f"lights_centre?alert={alert_id}")
            page.get_by_role("tab", name=tr("lights.act.order")).click()
            page.get_by_label(tr("lights.act.order_instructions")).fill("请十日内完成整改并反馈")
    success.wait_for()
    order_no = re.search(r"DB\d+", success.inner_text()).group(0)
    screenshot(page, tmp_path, "order_issued")
    assert _status(private_server, alert_id) == "supervising"
    logout(page)

    login(page, base, "county_data")
    open_page(page, base, f"supervision_orders?order={order_no}")
    page.get_by_text(tr("lights.orders.detail", no=order_no)).wait_for()
    page.get_by_label(tr("lights.orders.response_label")).fill("已逐项整改，制度已修订")
    click_button(page, tr("lights.orders.answer"))
    page.get_by_text(tr("lights.orders.answered", no=order_no)).wait_for()
    assert _status(private_server, alert_id) == "rectified"
    logout(page)

    login(page, base, "county_supervisor")
    open_page(page, base, f"supervision_orders?order={order_no}")
    page.get_by_text("已逐项整改，制度已修订").wait_for()
    click_button(page, tr("lights.orders.accept"))
    page.get_by_text(tr("lights.orders.accepted", no=order_no)).wait_for()
    screenshot(page, tmp_path, "order_accepted")
    assert _status(private_server, alert_id) == "closed"
    with _db(private_server) as db:
        trail = db.execute("SELECT actor, action FROM audit_event WHERE entity_id = ? ORDER BY id",
                           (order_no,)).fetchall()
    assert trail == [("county_supervisor", "supervision.issue"), ("county_data", "supervision.answer"),
                     ("county_supervisor", "supervision.accept")]


def test_cockpit_renders_its_charts_and_links_to_the_lights_centre(page, base_url, tmp_path):
    login(page, base_url, "prov_leader")
    open_page(page, base_url, "cockpit")
    page.locator(".js-plotly-plot").nth(2).wait_for()
    assert page.locator(".js-plotly-plot").count() == 3
    assert page.locator(".js-plotly-plot .treemap").count() == 1
    screenshot(page, tmp_path, "cockpit")
    open_red = page.get_by_role("link", name=re.compile(tr("lights.cockpit.view", n="(\\d+)"))).first
    n = int(re.search(r"\d+", open_red.inner_text()).group(0))
    open_red.click()
    page.wait_for_timeout(300)
    wait_for_idle(page)
    assert_no_exception(page)
    assert "level=red" in page.url
    metric = page.locator('[data-testid="stMetricValue"]').first
    assert metric.inner_text().strip().replace(",", "") == str(n)  # shown as 1,234


def test_a_filter_link_shows_its_filter_right_after_login(page, base_url, tmp_path):
    """A link such as the cockpit's (`?level=red`) opened straight after logging in: the
    level box shows 红灯, not only the table filtered (the login cookie's rerun used to
    leave the box on 全部), and again after a reload."""
    login(page, base_url, "county_supervisor")
    level_box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=tr("lights.f.level"))
    for load in range(3):
        open_page(page, base_url, "lights_centre?level=red")
        wait_for_idle(page, settle_s=1.5)
        assert_no_exception(page)
        screenshot(page, tmp_path, f"filter_link_{load}")
        shown = level_box.inner_text()  # the label, then the chosen options or 全部
        assert tr("lights.level.red") in shown, f"load {load}: the level box shows {shown!r}"
        assert tr("lights.f.any") not in shown
        counts = page.locator('[data-testid="stMetricValue"]')
        assert counts.nth(1).inner_text().strip() == "0"  # yellow: the table holds red only
