"""The S5 loop in a real browser: a citizen submits a complaint without logging in, the 12345
operator dispatches it, the department signs for it, handles it and replies, the call-back
records 不满意, the ticket reopens, and the citizen sees the status by number and code."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import CONTEXT_OPTIONS, assert_no_exception, login, open_page, tr, wait_for_idle

pytestmark = pytest.mark.e2e


def choose(page, label: str, option: str) -> None:  # noqa: ANN001
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def pick_action(page, action: str) -> None:  # noqa: ANN001
    radio = page.locator('[data-testid="stRadio"]').filter(has_text=tr("feedback.detail.actions"))
    radio.get_by_text(tr(f"feedback.action.{action}"), exact=True).click()
    wait_for_idle(page)


def submit(page, action: str) -> None:  # noqa: ANN001
    page.locator('[data-testid="stForm"] button').filter(has_text=tr(f"feedback.action.{action}")).click()
    wait_for_idle(page)
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(tr("feedback.detail.done", action=tr(f"feedback.action.{action}"))).wait_for(timeout=30_000)


def staff(browser, base_url: str, username: str, ticket_no: str):  # noqa: ANN001, ANN201
    ctx = browser.new_context(**CONTEXT_OPTIONS)
    page = ctx.new_page()
    login(page, base_url, username)
    open_page(page, base_url, f"feedback_ticket?no={ticket_no}")
    assert_no_exception(page)
    return ctx, page


def test_complaint_through_the_loop_and_back_to_the_citizen(page, browser, private_server, tmp_path):
    base_url = private_server.url
    # 1. a citizen, not logged in
    open_page(page, base_url, "feedback_submit")
    assert page.get_by_label("密码").count() == 0
    choose(page, tr("feedback.col.category"), "食品安全")
    choose(page, tr("feedback.col.region"), "和平区")
    page.get_by_label(tr("feedback.col.content")).fill("<b>夜市</b>摊位售卖变质烤肉，吃后呕吐")
    page.get_by_label(tr("feedback.public.contact")).fill("13712340000")
    page.locator('[data-testid="stForm"] button').filter(has_text=tr("feedback.public.submit")).click()
    wait_for_idle(page)
    assert_no_exception(page)
    done = page.locator('[data-testid="stAlert"]').filter(has_text="工单编号").inner_text()
    ticket_no, code = re.search(r"工单编号：(S5\d+)\s+查询码：(\w{6})", done).groups()

    # 2. the operator dispatches to the catalog's department (和平区市场监督管理局, first offered)
    ctx, op = staff(browser, base_url, "hotline_op", ticket_no)
    content = op.get_by_label(tr("feedback.col.content"))
    content.wait_for(timeout=30_000)
    assert content.input_value() == "<b>夜市</b>摊位售卖变质烤肉，吃后呕吐"  # shown as typed
    assert op.locator("b", has_text="夜市").count() == 0
    pick_action(op, "dispatch")
    submit(op, "dispatch")

    # 3. the department signs for it, handles it and replies
    dctx, dept = staff(browser, base_url, "county_data", ticket_no)
    dept.get_by_text("13712340000").first.wait_for(state="attached", timeout=30_000)  # the department sees the phone
    for action in ("sign", "process"):
        pick_action(dept, action)
        submit(dept, action)
    pick_action(dept, "reply")
    dept.locator('[data-testid="stForm"] textarea').fill("已约谈摊主并下架变质食品。")
    submit(dept, "reply")
    dctx.close()

    # 4. the call-back: not solved, 不满意; the ticket reopens
    open_page(op, base_url, f"feedback_ticket?no={ticket_no}")
    op.get_by_text("137****0000").first.wait_for(state="attached", timeout=30_000)  # the operator sees the mask only
    assert op.get_by_text("13712340000").count() == 0
    pick_action(op, "visit")
    op.locator('[data-testid="stForm"]').get_by_text(tr("feedback.detail.resolved")).click()
    submit(op, "visit")
    pick_action(op, "evaluate")
    op.locator('[data-testid="stForm"] [data-testid="stRadio"]').get_by_text(
        tr("feedback.satisfaction.unsatisfied"), exact=True).click()
    submit(op, "evaluate")
    pick_action(op, "reopen")
    submit(op, "reopen")
    ctx.close()

    # 5. the citizen looks the ticket up by number and code
    open_page(page, base_url, "feedback_status")
    page.get_by_label(tr("feedback.col.ticket_no")).fill(ticket_no)
    page.get_by_label(tr("feedback.public.code")).fill(code)
    page.locator('[data-testid="stForm"] button').filter(has_text=tr("feedback.public.query")).click()
    wait_for_idle(page)
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('[data-testid="stMetricValue"]').first.inner_text().strip() == tr("feedback.status.dispatched")
    table = main.locator('[data-testid="stTable"]').inner_text()
    steps = [tr(f"feedback.action.{a}") for a in ("receive", "dispatch", "sign", "process", "reply",
                                                    "visit", "evaluate", "reopen")]
    found = [s for s in steps if s in table]
    assert found == steps, table
    assert tr("feedback.satisfaction.unsatisfied") in table
    assert main.get_by_text("13712340000").count() == 0
    page.screenshot(path=str(tmp_path / "feedback_status.png"), full_page=True)
