"""Part 1b of the hostile sweep: hostile files uploaded through the real upload page of the
running server, in headless Chromium, as the county data officer: the server itself parses
and refuses them (its reader children included). Each must end with the page's rejection (or,
over the size limit, the page's own size message with the check button disabled), no
exception on the page, `/_stcore/health` answering, and no row written."""

from __future__ import annotations

from pathlib import Path

from appbrowser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTEXT_OPTIONS,
    IDLE_TIMEOUT_S,
    assert_no_exception,
    login,
    open_page,
    tr,
    wait_for_idle,
)
from appserver import health_ok
from sqlalchemy import func, select, text
from sqlmodel import Session

from data_checks.kinds import all_kinds
from models.imports import ImportBatch


def _rows(engine) -> int:  # noqa: ANN001
    """Rows of every upload kind's table together."""
    with engine.connect() as conn:
        return sum(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                   for t in sorted({k.table for k in all_kinds()}))


def part_browser(engine, monitor, files: list[tuple[str, str, bytes]], tmp: Path) -> dict:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        return {"skipped": f"no {CHROMIUM}"}
    with Session(engine) as s:
        batches_before = s.execute(select(func.max(ImportBatch.id))).scalar_one() or 0
    rows_before = _rows(engine)
    tried = refused = healthy = 0
    unexpected: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        ctx = browser.new_context(**CONTEXT_OPTIONS)
        ctx.set_default_timeout(IDLE_TIMEOUT_S * 1000)
        page = ctx.new_page()
        login(page, monitor.url, "county_data")
        open_page(page, monitor.url, "data_upload")
        main = page.locator('[data-testid="stMain"]')
        check = main.get_by_role("button", name=tr("ingest.check_button"))
        too_big = tr("ingest.err_too_big", size="\x00", limit="\x00").split("\x00")[0]
        for cls, name, content in files:
            path = tmp / "browser" / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            tried += 1
            try:
                main.locator('input[type="file"]').set_input_files(str(path))
                wait_for_idle(page)
                for _ in range(120):  # a big file: the upload ends, then the size message
                    if too_big in main.inner_text() or not check.is_disabled():
                        break
                    page.wait_for_timeout(500)
                if check.is_disabled():
                    shown = too_big in main.inner_text()
                else:
                    check.click()
                    page.wait_for_timeout(300)
                    wait_for_idle(page, timeout=180)
                    shown = tr("ingest.status_rejected") in main.inner_text()
                assert_no_exception(page)
            except Exception as exc:  # noqa: BLE001
                unexpected.append(f"{cls}: {type(exc).__name__}: {str(exc)[:160]}")
                shown = False
            refused += shown
            if not shown:
                unexpected.append(f"{cls}: no rejection shown")
            healthy += health_ok(monitor.url, timeout=10)
        ctx.close()
        browser.close()
    with Session(engine) as s:
        done = s.execute(select(ImportBatch.kind, ImportBatch.status)
                         .where(ImportBatch.id > batches_before)).all()
    statuses = [st for _, st in done]
    return {"files_tried": tried, "refused_on_page": refused, "health_ok_after_file": healthy,
            "rows_written": _rows(engine) - rows_before,
            "batches_recorded": len(statuses), "kinds": sorted({k for k, _ in done}), "batches_not_rejected": sum(
                st != "rejected" for st in statuses), "unexpected": unexpected}
