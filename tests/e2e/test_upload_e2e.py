"""In a real browser: the admin downloads the departments template, fills it in (as Excel
would save it), uploads it, sees the preview, confirms, and the rows are there; the same
file again is recognised and changes nothing."""

from __future__ import annotations

import openpyxl
import pytest
from playwright.sync_api import expect
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


AFTER = "sel => [...document.querySelectorAll(sel)].map(e => getComputedStyle(e, '::after').content)"


def test_the_drop_zone_speaks_chinese_and_refuses_above_the_one_limit(page, private_server, tmp_path):
    """Issue 17: Streamlit draws its drop zone in English ("Upload", "50MB per file", "File
    must be 50.0MB or smaller."); the page shows the catalog's words instead, and the one limit
    (50 MB, counted as Streamlit counts: 1,000,000 bytes) is the browser's too: a file of
    exactly 50 MB goes up and can be checked, one byte more is refused in Chinese."""
    base_url = private_server.url
    login(page, base_url, "admin")
    open_page(page, base_url, "data_upload")
    zone = main(page).locator('[data-testid="stFileUploader"]')
    assert page.evaluate(AFTER, '[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] '
                                '[data-testid="stMarkdownContainer"]') == ['"选择文件"']
    assert page.evaluate(AFTER, '[data-testid="stFileUploaderDropzoneInstructions"] > div') == [
        '"拖放文件到此处，或点击“选择文件”；单个文件不超过 50 MB"']
    shown = zone.inner_text()
    assert "per file" not in shown and "Upload" not in shown, shown
    assert tr("security.file_label", limit=50) in shown
    screenshot(page, tmp_path, "drop_zone")

    too_big = tmp_path / "too_big.csv"
    with too_big.open("wb") as fh:
        fh.truncate(50_000_001)
    zone.locator('input[type="file"]').set_input_files(str(too_big))
    chip = zone.locator('[data-testid="stFileChip"][aria-invalid="true"]')
    chip.wait_for(timeout=10_000)
    chip.hover()
    page.wait_for_timeout(500)
    assert page.evaluate(AFTER, '[data-testid="stFileChip"] > div:nth-child(2)') == [
        '"未上传：文件超过 50 MB 的上限"']
    everything = page.locator("body").inner_text()
    assert "must be" not in everything and "or smaller" not in everything, everything[-400:]
    assert main(page).get_by_role("button", name=tr("ingest.check_button")).is_disabled()
    screenshot(page, tmp_path, "drop_zone_refused")

    exactly = tmp_path / "exactly_50mb.csv"
    with exactly.open("wb") as fh:
        fh.truncate(50_000_000)
    zone.locator('[data-testid="stFileChipDeleteBtn"] button').click()
    wait_for_idle(page)
    zone.locator('input[type="file"]').set_input_files(str(exactly))
    wait_for_idle(page)
    expect(main(page).get_by_role("button", name=tr("ingest.check_button"))).to_be_enabled(timeout=30_000)
    assert zone.locator('[data-testid="stFileChip"][aria-invalid="true"]').count() == 0
    assert "50.0MB" in zone.inner_text()
    assert tr("ingest.err_too_big", size="50.0", limit=50) not in main(page).inner_text()
