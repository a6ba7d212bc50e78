"""In a real browser: the admin downloads the departments template, fills it in (as Excel
would save it), uploads it, sees the preview, confirms, and the rows are there; the same
file again is recognised and changes nothing."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.db import make_engine
from models.org import Department
from tests.e2e.conftest import assert_no_exception, login, open_page, screenshot, tr, wait_for_idle

pytestmark = pytest.mark.e2e


def main(page):  # noqa: ANN001, ANN201
    return page.locator('[data-testid="stMain"]')


def test_admin_template_fill_upload_confirm(page, private_server, tmp_path):
    base_url = private_server.url
    login(page, base_url, "admin")
    open_page(page, base_url, "data_upload")
    assert_no_exception(page)
    # choose the departments kind
    main(page).locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=tr("ingest.kind.departments"), exact=True).click()
    wait_for_idle(page)

    with page.expect_download() as info:
        main(page).get_by_role("button", name=tr("ingest.template_download")).click()
    template = info.value
    assert template.suggested_filename == "departments_template.xlsx"
    downloaded = tmp_path / "template.xlsx"
    template.save_as(downloaded)
    book = openpyxl.load_workbook(downloaded)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["部门代码", "部门名称", "所属区划代码", "部门类别", "在用"]
    sheet.append(["210102970", "和平区浏览器测试局", "210102", "其他", "是"])
    filled = tmp_path / "部门.xlsx"
    book.save(filled)

    main(page).locator('input[type="file"]').set_input_files(str(filled))
    wait_for_idle(page)
    main(page).get_by_role("button", name=tr("ingest.check_button")).click()
    wait_for_idle(page)
    assert_no_exception(page)
    text = main(page).inner_text()
    # the template's marked example row is never imported (issue 16): only the filled row counts
    assert tr("ingest.ready", new=1, changed=0, unchanged=0) in text, text[-800:]
    screenshot(page, tmp_path, "upload_preview")

    main(page).get_by_role("button", name=tr("ingest.confirm_button")).click()
    wait_for_idle(page)
    assert_no_exception(page)
    assert tr("ingest.committed", new=1, changed=0, unchanged=0) in main(page).inner_text()
    screenshot(page, tmp_path, "upload_done")

    engine = make_engine(f"sqlite:///{private_server.db_path}")
    with Session(engine) as s:
        name = s.execute(select(Department.name).where(Department.code == "210102970")).scalar_one()
    engine.dispose()
    assert name == "和平区浏览器测试局"

    # the same file again: recognised, nothing changes
    main(page).get_by_role("button", name=tr("ingest.check_button")).click()
    wait_for_idle(page)
    assert "数据没有任何变化" in main(page).inner_text()
