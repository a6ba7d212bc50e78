"""S3 in a real browser: an evaluator enters a manual score and computes the period; a leader
drills from the ranking to a department's card, one leaf's formula and the records behind a
lost point, and opens one of them."""

from __future__ import annotations

import re
import sqlite3

import pytest

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


def _choose(page, label: str, text: str) -> None:  # noqa: ANN001
    """Pick the option of a selectbox that starts with `text` (type to filter, then Enter)."""
    box = page.get_by_label(label, exact=True)
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option").filter(has_text=re.compile("^" + re.escape(text))).first.click()
    wait_for_idle(page)


def test_evaluator_scores_and_a_leader_drills_to_the_records(page, private_server, tmp_path):
    base = private_server.url
    with _db(private_server) as db:
        code, computed_before = db.execute(
            "SELECT code, computed_at FROM perf_period WHERE status = 'open'").fetchone()

    login(page, base, "city_evaluator")
    open_page(page, base, f"perf_workbench?period={code}")
    page.get_by_text(tr("performance.workbench.title")).first.wait_for()
    _choose(page, tr("performance.col.indicator"), "C23")
    page.get_by_label(tr("performance.workbench.value")).fill("0.5")
    page.get_by_label(tr("performance.workbench.evidence")).fill("抽查执法案卷 40 卷，20 卷合格")
    click_button(page, tr("performance.workbench.save"))
    page.get_by_text(tr("performance.workbench.saved")).wait_for()
    with _db(private_server) as db:
        value, status, dept_code = db.execute(
            "SELECT value, status, department_code FROM perf_manual_score WHERE period_code = ? "
            "AND indicator_code = 'C23' AND evaluator = 'city_evaluator' ORDER BY updated_at DESC",
            (code,)).fetchone()
    assert (value, status) == (0.5, "entered") and dept_code.startswith("2101")
    screenshot(page, tmp_path, "entered")
    click_button(page, tr("performance.workbench.compute"))
    page.get_by_text(re.compile("已计算 \\d+ 个部门")).wait_for(timeout=60_000)
    with _db(private_server) as db:
        computed_after = db.execute("SELECT computed_at FROM perf_period WHERE code = ?", (code,)).fetchone()[0]
    assert computed_after != computed_before
    logout(page)

    login(page, base, "prov_leader")
    open_page(page, base, f"perf_ranking?period={code}")
    # in the page, not the menu (always expanded: its 考评成绩单 entry ends the same way)
    links = page.locator('[data-testid="stMain"]').get_by_role("link", name=re.compile("成绩单$"))
    links.first.wait_for()
    screenshot(page, tmp_path, "ranking")
    links.first.click()
    page.wait_for_timeout(300)
    wait_for_idle(page)
    assert_no_exception(page)
    assert "perf_card" in page.url
    dept = int(re.search(r"dept=(\d+)", page.url).group(1))
    page.get_by_text(tr("performance.card.title")).first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    with _db(private_server) as db:  # the leaf of this card that lost most points to records
        leaf = db.execute(
            "SELECT l.indicator_code FROM perf_leaf_score l JOIN perf_period p ON p.id = l.period_id "
            "WHERE p.code = ? AND l.department_id = ? AND l.source = 'auto' AND l.status = 'scored' "
            "AND l.points < l.effective_weight AND l.metric_key LIKE 'esupervision.%' "
            "ORDER BY l.effective_weight - l.points DESC LIMIT 1", (code, dept)).fetchone()
    assert leaf, "the bottom department lost no point on an S4 leaf"
    _choose(page, tr("performance.card.pick_leaf"), leaf[0])
    page.locator('[data-testid="stCode"]').first.wait_for()
    assert "得分" in page.locator('[data-testid="stCode"]').first.inner_text()
    page.get_by_text(re.compile(tr("performance.card.records") + "（[1-9]\\d*）")).wait_for()
    screenshot(page, tmp_path, "leaf")
    record = page.get_by_role("link", name=re.compile("^打开 "))
    record.first.click()
    page.wait_for_timeout(300)
    wait_for_idle(page)
    assert_no_exception(page)
    assert re.search(r"/(supervision_cases\?case=|lights_centre\?alert=|supervision_orders\?order="
                     r"|supervision_funds\?fund=)", page.url), page.url
    screenshot(page, tmp_path, "record")
