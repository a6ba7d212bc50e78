"""Issue 16: the home page shows each user what waits for them (a data officer's open 督办
orders with working days left and a reminder before the due date, a supervisor's answers to
accept, new red lights in scope) and the menu carries the counts."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from i18n import translate
from metrics.lights.todos import with_days_left
from metrics.platform.workdays import calendar_frame
from models.lights import Alert
from models.users import User
from services.lights import orders as order_service
from services.lights.todos import menu_counts
from services.platform.scope import ALL, scope_for
from tests.app.helpers import act, login, open_page, texts
from ui.platform.navigation import PAGES, menu_title


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


def test_days_left_are_working_days_across_a_holiday():
    # 2026-10-01..07 is the National Day holiday, Saturday 10-10 a make-up working day
    cal = calendar_frame(date(2026, 9, 28), date(2026, 10, 12),
                         holidays=[date(2026, 10, d) for d in range(1, 8)],
                         makeup_workdays=[date(2026, 10, 10)])
    orders = pl.DataFrame({"order_no": ["A", "B", "C", "D", "E", "F"],
                           "due_date": [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30),
                                        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 12)]})
    out = with_days_left(orders, cal, date(2026, 9, 29))
    assert out["days_left"].to_list() == [-1, 0, 1, 2, 3, 5]
    assert out["state"].to_list() == ["overdue", "due_soon", "due_soon", "due_soon", "pending",
                                      "pending"]


def _dept_of(engine, username: str) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(User.department_id).where(User.username == username)).scalar_one()


def test_data_officer_sees_open_orders_with_working_days_and_a_reminder(seeded):
    dept = _dept_of(seeded, "county2_data")
    with Session(seeded) as s:
        alert_id = s.execute(select(Alert.id).where(Alert.department_id == dept,
                                                    Alert.status == "open")
                             .order_by(Alert.id)).scalars().first()
    order = act(seeded, order_service.issue_order, actor="prov_supervisor", scope=ALL,
                alert_ids=[alert_id], department_id=dept, due_date=china_today(),
                instructions="今日内反馈。")
    at = open_page(login("county2_data"), "pages/platform/home.py")
    assert not at.exception, at.exception
    assert tr("lights.todo.title", n=2) in texts(at.subheader)
    assert tr("lights.todo.to_answer", n=2) in " ".join(texts(at.markdown))
    table = at.dataframe[0].value
    rows = dict(zip(table[tr("lights.order.no")], table[tr("lights.todo.col_left")], strict=True))
    assert rows[order.order_no] == tr("lights.todo.due_today")
    assert re.fullmatch(r"剩余 \d+ 个工作日", rows["DB202600002"])
    warnings = texts(at.warning)
    assert len(warnings) == 1 and order.order_no in warnings[0]
    assert "今日到期" in warnings[0]
    links = [p.proto.label for p in at.page_link]
    assert tr("lights.todo.open_order", no=order.order_no) in links
    # nothing of the other roles' to-dos
    assert not any(tr("lights.todo.to_accept", n=1) in m for m in texts(at.markdown))


def test_overdue_order_is_an_error_with_working_days_overdue(seeded):
    at = open_page(login("prov_data"), "pages/platform/home.py")
    assert not at.exception, at.exception
    errors = texts(at.error)
    assert len(errors) == 1 and "DB202600003" in errors[0]
    assert re.search(r"已逾期 \d+ 个工作日", errors[0])


def test_supervisor_sees_answers_to_accept_and_new_red_lights(seeded):
    at = open_page(login("prov_supervisor"), "pages/platform/home.py")
    assert not at.exception, at.exception
    shown = " ".join(texts(at.markdown))
    assert tr("lights.todo.to_accept", n=1) in shown
    assert "近期新增红灯" in shown
    accept = at.dataframe[0].value
    assert accept[tr("lights.order.no")].to_list() == ["DB202600001"]
    assert accept[tr("lights.todo.col_answered_by")].to_list() == ["和平区市场监管局数据专员"]
    red = at.dataframe[1].value
    assert red[tr("lights.col.level")].unique().tolist() == ["红灯"]
    assert any(r.startswith("LC-R1") for r in red[tr("lights.col.rule")])


def test_scope_keeps_other_regions_to_dos_out(seeded):
    at = open_page(login("county_supervisor"), "pages/platform/home.py")
    assert not at.exception, at.exception
    # the answered order is 和平区's: its supervisor accepts it; the red LC-R1 light is the
    # province's finance department, outside 和平区
    assert tr("lights.todo.to_accept", n=1) in " ".join(texts(at.markdown))
    assert "近期新增红灯" not in " ".join(texts(at.markdown))
    at = open_page(login("county_data"), "pages/platform/home.py")
    assert tr("lights.todo.none") in texts(at.success)


def test_menu_titles_carry_the_counts(seeded):
    with Session(seeded) as s:
        sup = s.execute(select(User).where(User.username == "prov_supervisor")).scalar_one()
        scope = scope_for(sup, session=s)
        assert menu_counts(session=s, scope=scope, roles=("supervisor",),
                           today=china_today()) == (1, 1)
    specs = {s.path: s for s in PAGES}
    assert menu_title(specs["pages/lights/orders.py"], 1) == "督办单 (1)"
    assert menu_title(specs["pages/platform/home.py"], 0) == "工作台"


def test_the_menu_shows_the_counts_after_login(seeded):
    at = login("prov_supervisor")
    menu = {info["page_name"] for info in at._registered_pages.values()}
    assert {"工作台 (2)", "督办单 (1)"} <= menu  # 1 answer to accept + 1 new red light
    at = login("county_data")
    menu = {info["page_name"] for info in at._registered_pages.values()}
    assert {"工作台", "督办单"} <= menu  # nothing waits: no number
