"""The entry file and the foundation pages, as each role sees them."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from i18n import translate
from services.platform import users as user_service
from tests.app.helpers import act, login, new_app, open_page, stored_user, texts
from ui.platform.navigation import PAGES, pages_for_roles

ROOT = Path(__file__).resolve().parents[2]
DEMO_ROLES = {
    "admin": ("admin",),
    "prov_leader": ("leader",),
    "city_supervisor": ("supervisor",),
    "county_evaluator": ("evaluator",),
    "county_data": ("data_officer",),
}


def listed_pages(at) -> set[str]:
    """Menu titles, without the number of items waiting there ("工作台 (2)" -> "工作台")."""
    return {re.sub(r" \(\d+\)$", "", info["page_name"]) for info in at._registered_pages.values()}


def titles(roles) -> set[str]:
    return {translate(p.title_key, "zh_CN") for p in pages_for_roles(roles)}


@pytest.mark.parametrize("username", sorted(DEMO_ROLES))
def test_login_lists_exactly_the_roles_pages(seeded, username):
    at = login(username)
    assert texts(at.sidebar.caption)[0].startswith("当前用户：")
    assert listed_pages(at) == titles(DEMO_ROLES[username])


def test_admin_and_leader_menus_differ(seeded):
    admin, leader = listed_pages(login("admin")), listed_pages(login("prov_leader"))
    assert {"用户管理", "审计日志", "组织维护"} <= admin
    assert not {"用户管理", "审计日志", "组织维护"} & leader
    assert {"工作台", "组织机构", "我的账户"} <= leader


@pytest.mark.parametrize("username", sorted(DEMO_ROLES))
def test_every_page_renders_for_every_role_that_sees_it(seeded, username):
    at = login(username)
    for spec in pages_for_roles(DEMO_ROLES[username]):
        open_page(at, spec.path)
        assert not at.exception, (spec.path, at.exception)
        assert not [e for e in texts(at.error) if "权限" in e or "请先登录" in e], spec.path
        assert at.title, f"{spec.path} shows no title"


def test_wrong_password_shows_error_and_no_session(seeded):
    at = login("prov_leader", "not-the-password")
    assert "用户名或密码错误。" in texts(at.error)
    assert at.session_state["authentication_status"] is False
    assert at.session_state["user_ctx"] is None
    assert listed_pages(at) >= {"登录"}
    assert stored_user(seeded, "prov_leader").failed_attempts == 1


def test_five_failures_lock_the_account_even_for_the_right_password(seeded):
    at = new_app()
    for _ in range(5):
        at.text_input[0].input("city_data")
        at.text_input[1].input("wrong-password")
        at.button[0].click()
        at.run()
    assert any("已被锁定" in e for e in texts(at.error))
    at.text_input[0].input("city_data")
    at.text_input[1].input("Demo@2026")
    at.button[0].click()
    at.run()
    assert any("已被锁定" in e for e in texts(at.error))
    assert not at.session_state["authentication_status"]
    assert act(seeded, user_service.locked_until, "city_data") is not None


def test_guest_on_a_protected_page_gets_the_login_form(seeded):
    at = new_app()
    open_page(at, "pages/platform/users_admin.py")
    assert texts(at.title) == ["五大系统廉政监督平台"]
    assert len(at.text_input) == 2 and len(at.dataframe) == 1  # the form and the demo accounts


@pytest.mark.parametrize("spec", [p for p in PAGES if not p.public], ids=lambda p: p.path)
def test_every_protected_page_refuses_a_guest_by_itself(seeded, spec):
    # A server runs a page file directly for its very first request (legacy pages/ mode,
    # before any st.navigation): the page itself must refuse a guest.
    at = AppTest.from_file(str(ROOT / spec.path), default_timeout=60)
    at.run()
    assert not at.exception
    assert texts(at.error) == ["请先登录。"]
    assert len(at.dataframe) == 0


def test_login_page_lists_demo_accounts(seeded):
    at = new_app()
    assert "Demo@2026" in texts(at.info)[0]
    table = at.dataframe[0].value
    assert "prov_leader" in set(table.iloc[:, 0])


def test_language_switch_to_english(seeded):
    at = login("prov_leader")
    at.sidebar.radio[0].set_value("en")
    at.run()
    assert texts(at.title) == ["Home"]
    assert "Organisation" in listed_pages(at)


def test_admin_creates_a_user_through_the_form(seeded):
    at = login("admin")
    open_page(at, "pages/platform/users_admin.py")
    form_inputs = [ti for ti in at.text_input if ti.label in ("用户名", "姓名", "初始密码")]
    values = {"用户名": "wang.wu", "姓名": "王五", "初始密码": "Welcome2026"}
    for ti in form_inputs[:3]:
        ti.input(values[ti.label])
    at.multiselect[0].select("leader")
    next(b for b in at.button if b.label == "创建用户").click()
    at.run()
    assert "已创建用户 wang.wu。" in texts(at.success)
    user = act(seeded, user_service.get_user, "wang.wu")
    assert (user.display_name, user.roles, user.region_code) == ("王五", "leader", "210000")


def test_change_password_mismatch_is_refused(seeded):
    at = login("county_leader")
    open_page(at, "pages/platform/account.py")
    at.text_input[0].input("Demo@2026")
    at.text_input[1].input("NewSecret1")
    at.text_input[2].input("NewSecret2")
    at.button[0].click()
    at.run()
    assert "两次输入的新密码不一致。" in texts(at.error)
    assert user_service.check_password("Demo@2026", stored_user(seeded, "county_leader").password_hash)


def test_deactivated_user_is_logged_out_on_next_click(seeded):
    at = login("county_leader")
    from services.platform.scope import ALL

    act(seeded, user_service.update_user, actor="admin", actor_scope=ALL, username="county_leader",
        display_name="和平区领导", roles=["leader"], region_code="210102",
        department_id=None, active=False)
    at.run()
    assert at.session_state["user_ctx"] is None
    assert texts(at.title) == ["五大系统廉政监督平台"] and len(at.text_input) == 2


def test_every_registered_page_exists():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert [p.path for p in PAGES if not (root / p.path).is_file()] == []
