"""The upload, entry and history pages as an admin sees them."""

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models.imports import ImportBatch
from models.org import Department
from tests.app.helpers import login, open_page, stored_user, texts

GOOD = ("部门代码,部门名称,所属区划代码,部门类别,在用\n"
        "210102960,和平区上传测试局,210102,其他,是\n").encode("gb18030")
BAD = ("部门代码,部门名称,所属区划代码,部门类别,在用\n"
       "210102961,,210102,其他,是\n2101029,坏代码局,210102,其他,是\n").encode("gb18030")
TIMEOUT = 180


@pytest.fixture
def org(engine):
    from models.db import session_scope
    from services.platform.seed import seed_org

    with session_scope(engine) as s:
        seed_org(s, scale="small")
    return engine


def departments(engine, code: str) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Department)
                         .where(Department.code == code)).scalar_one()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.selectbox(key="upload_kind").set_value("departments").run(timeout=TIMEOUT)
    at.file_uploader[0].upload(name, content, "text/csv")
    at.run(timeout=TIMEOUT)
    next(b for b in at.button if b.label == "检查文件").click()
    return at.run(timeout=TIMEOUT)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_one_upload_limit_refused_in_chinese(org, monkeypatch):
    """Issue 17: a file over FIVESYS_UPLOAD_MAX_MB gets the app's Chinese message (never
    Streamlit's English one) and cannot be checked; the label states the same limit."""
    from services.platform.settings import get_settings

    monkeypatch.setenv("FIVESYS_UPLOAD_MAX_MB", "1")
    get_settings.cache_clear()
    at = open_page(login("admin"), "pages/platform/data_upload.py")
    at.selectbox(key="upload_kind").set_value("departments").run(timeout=TIMEOUT)
    assert "不超过 1 MB" in at.file_uploader[0].label
    at.file_uploader[0].upload("big.csv", GOOD + b"#" * 1_500_000, "text/csv")  # MB: 10^6 bytes
    at.run(timeout=TIMEOUT)
    assert texts(at.error) == ["文件大小 1.5 MB 超过上限 1 MB。"]
    assert next(b for b in at.button if b.label == "检查文件").disabled


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_good_file_preview_confirm_rows_present(org):
    at = open_page(login("admin"), "pages/platform/data_upload.py")
    assert not at.exception, at.exception
    at = upload(at, "部门.csv", GOOD)
    assert not at.exception, at.exception
    assert "检查通过：新增 1 行，修改 0 行，未变 0 行。" in texts(at.success)[0]
    assert at.dataframe[0].value["部门代码"].tolist() == ["210102960"]
    assert departments(org, "210102960") == 0  # the preview writes nothing
    next(b for b in at.button if b.label == "确认导入").click()
    at.run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert texts(at.success) == ["导入完成：新增 1 行，修改 0 行，未变 0 行。"]
    assert departments(org, "210102960") == 1
    # the same file again: nothing changes, and the page says so
    at = upload(at, "部门.csv", GOOD)
    assert any("数据没有任何变化" in m for m in texts(at.info))
    assert departments(org, "210102960") == 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_bad_file_shows_error_table_and_writes_nothing(org):
    at = upload(open_page(login("admin"), "pages/platform/data_upload.py"), "坏.csv", BAD)
    assert not at.exception, at.exception
    assert texts(at.error)[0] == "文件未通过检查，未写入任何数据。 发现 2 处问题，未写入任何数据。"
    table = at.dataframe[0].value
    assert table["行号"].tolist() == [2, 3]
    assert table["列"].tolist() == ["部门名称", "部门代码"]
    assert table["值"].tolist()[1] == "2101029"
    assert table["问题"].tolist() == ["必填项为空。", "格式不正确，应类似“210102004”。"]
    assert departments(org, "210102961") == 0
    with Session(org) as s:
        assert s.execute(select(ImportBatch.status)).scalars().all() == ["rejected"]
    at = open_page(at, "pages/platform/import_history.py")
    assert not at.exception, at.exception
    assert at.dataframe[0].value["结果"].tolist() == ["已拒绝"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_entry_form_creates_a_user_without_password(org):
    at = open_page(login("admin"), "pages/platform/data_entry.py")
    at.selectbox(key="entry_kind").set_value("users").run(timeout=TIMEOUT)
    assert "新建的账户没有密码" in texts(at.warning)[0]
    at.text_input(key="entry_users_username").input("form_user")
    at.text_input(key="entry_users_display_name").input("表单用户")
    at.multiselect(key="entry_users_roles").select("leader")
    at.text_input(key="entry_users_region_code").input("210102")
    next(b for b in at.button if b.label == "检查并保存").click()
    at.run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert texts(at.success) == ["已保存：新增 1 条，修改 0 条。"]
    user = stored_user(org, "form_user")
    assert (user.roles, user.password_hash, user.region_code) == ("leader", None, "210102")


TICKETS = ("渠道,来源编号,受理日期,受理时间,诉求类别代码,紧急程度,所属区划代码,地址,诉求内容,联系电话\n"
           "12345热线,GD-APP-1,2026-11-02,9:30,WY01,一般,210102,和平区中山路1号,"
           "小区电梯长期故障无人维修,13812345678\n").encode()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_desk_uploads_a_ticket_file_and_finds_the_ticket_masked(seeded):
    from models.feedback import Ticket

    at = open_page(login("admin"), "pages/platform/data_upload.py")
    at.selectbox(key="upload_kind").set_value("feedback_tickets").run(timeout=TIMEOUT)
    at.file_uploader[0].upload("工单.csv", TICKETS, "text/csv")
    at.run(timeout=TIMEOUT)
    next(b for b in at.button if b.label == "检查文件").click()
    at.run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert "检查通过：新增 1 行，修改 0 行，未变 0 行。" in texts(at.success)[0]
    next(b for b in at.button if b.label == "确认导入").click()
    at.run(timeout=TIMEOUT)
    assert texts(at.success) == ["导入完成：新增 1 行，修改 0 行，未变 0 行。"]
    with Session(seeded) as s:
        t = s.execute(select(Ticket).where(Ticket.source_no == "GD-APP-1")).scalar_one()
    assert (t.channel, t.status, t.contact_mask, t.category_code) == (
        "12345", "received", "138****5678", "WY01")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_department_officer_is_not_offered_the_ticket_upload(seeded):
    at = open_page(login("county_data"), "pages/platform/data_upload.py")
    assert not at.exception, at.exception
    offered = at.selectbox(key="upload_kind").options
    assert "诉求工单" not in offered and "审批办件" in offered
