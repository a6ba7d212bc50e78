"""Issue 17 in a real browser: a county data officer uploads hostile workbooks (built here in
code); each is refused with a Chinese message, the server answers /_stcore/health after every
one, stays under 1 GB, and nothing but the rejected batches is written. The login cookie:
HttpOnly and SameSite=Strict, invisible to `document.cookie`, survives a reload, and is
refused once replayed after the logout, or when forged."""

from __future__ import annotations

import io
import json
import urllib.request
from datetime import timedelta

import polars as pl
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.audit import AuditEvent
from models.base import utcnow
from models.db import make_engine
from models.imports import ImportBatch
from services.platform.login_session import sign_token
from services.platform.settings import DEMO_COOKIE_KEY
from tests.e2e.conftest import (
    CONTEXT_OPTIONS,
    assert_no_exception,
    login,
    logout,
    logout_button,
    open_page,
    tr,
    wait_for_idle,
)
from tests.unit.test_security_xlsx import (
    FAR_CELL,
    HEADER_AND_ONE_ROW,
    _zeros,
    sheet_xml,
    workbook,
)

pytestmark = pytest.mark.e2e


def _health(url: str) -> str:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as resp:
        return resp.read().decode()


def _rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of the server process in MB."""
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status", encoding="utf-8"))
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def _formula_prefixed() -> bytes:
    rows = (HEADER_AND_ONE_ROW + '<row r="3"><c r="B3"><f>1+1</f></c></row>').replace(
        "<", "<x:").replace("<x:/", "</x:")
    return workbook(sheet_xml(rows, prefix="x"))


HOSTILE = [
    ("far_cell.xlsx", lambda: workbook(FAR_CELL), "security.err_sheet_cols"),
    ("bomb_4gib.xlsx", lambda: workbook(stream=_zeros(4 << 30, chunk=64 << 20)),
     "security.err_zip_ratio"),
    ("formula_attr_order.xlsx", lambda: workbook(sheet_xml(
        HEADER_AND_ONE_ROW + '<row r="3"><c t="str" r="A3"><f>HYPERLINK("http://x")</f>'
        '<v>x</v></c></row>')), "ingest.err_formula"),
    ("formula_prefix.xlsx", _formula_prefixed, "ingest.err_formula"),
]


def test_hostile_workbooks_are_refused_and_the_server_lives(page, private_server, tmp_path):
    base_url = private_server.url
    engine = make_engine(f"sqlite:///{private_server.db_path}")
    with Session(engine) as s:
        batches_before = s.execute(select(func.max(ImportBatch.id))).scalar_one() or 0
    login(page, base_url, "county_data")
    open_page(page, base_url, "data_upload")
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    peaks = []
    for name, build, _key in HOSTILE:
        path = tmp_path / name
        path.write_bytes(build())
        main.locator('input[type="file"]').set_input_files(str(path))
        wait_for_idle(page)
        main.get_by_role("button", name=tr("ingest.check_button")).click()
        wait_for_idle(page, timeout=120)
        assert_no_exception(page)
        assert _health(base_url) == "ok", name
        text = main.inner_text()
        assert tr("ingest.status_rejected") in text, (name, text[-600:])
        peaks.append(_rss_mb(private_server.proc.pid))
    assert private_server.proc.poll() is None  # never restarted, never died
    print(json.dumps({"files": len(HOSTILE), "rss_mb": peaks}))
    assert max(current for current, _ in peaks) < 1024
    with Session(engine) as s:
        rows = s.execute(select(ImportBatch.file_name, ImportBatch.status, ImportBatch.error_report)
                         .where(ImportBatch.id > batches_before).order_by(ImportBatch.id)).all()
    engine.dispose()
    assert [(r[0], r[1]) for r in rows] == [(name, "rejected") for name, _, _ in HOSTILE]
    for (name, _, key), (_, _, report) in zip(HOSTILE, rows, strict=True):
        # the report the user downloads names the problem in Chinese
        message = pl.read_excel(io.BytesIO(report)).row(0)[-1]
        head = tr(key, cell="\x00", member="\x00", ratio="\x00", limit="\x00",
                  last="\x00", row="\x00").split("\x00")[0]
        assert message.startswith(head), (name, message)


def _auth_cookie(context) -> dict | None:  # noqa: ANN001
    found = [c for c in context.cookies() if c["name"] == "fivesys_auth"]
    return found[0] if found else None


def _shows_login_form(browser, base_url: str, cookie: dict) -> bool:  # noqa: ANN001
    """A fresh browser holding only `cookie`: True when it is shown the login form."""
    fresh = browser.new_context(**CONTEXT_OPTIONS)
    try:
        fresh.add_cookies([cookie])
        page = fresh.new_page()
        open_page(page, base_url, "")
        page.wait_for_timeout(1000)
        wait_for_idle(page)
        assert_no_exception(page)
        if logout_button(page).count():
            return False
        return page.locator('input[type="password"]').is_visible()
    finally:
        fresh.close()


def _actions(server) -> list[str]:  # noqa: ANN001
    engine = make_engine(f"sqlite:///{server.db_path}")
    with Session(engine) as s:
        actions = s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    engine.dispose()
    return actions


def test_the_login_cookie_is_httponly_and_dies_with_the_logout(page, browser, private_server):  # noqa: ANN001
    base_url = private_server.url
    login(page, base_url, "county_data")
    cookie = _auth_cookie(page.context)
    assert cookie is not None, page.context.cookies()
    # set by the server (/session/start), out of reach of any script in the page
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert cookie["secure"] is False  # plain HTTP here; FIVESYS_HTTPS=true adds Secure
    assert "fivesys_auth" not in page.evaluate("document.cookie")
    assert cookie["value"] not in page.evaluate("document.cookie")
    # a reload (a new browser session) stays logged in, from the cookie
    open_page(page, base_url, "data_upload")
    logout_button(page).wait_for(timeout=30_000)
    assert_no_exception(page)
    # the copy works while the session lives: a second browser gets in with it
    assert not _shows_login_form(browser, base_url, cookie)
    logout(page)
    assert _auth_cookie(page.context) is None  # /session/end dropped it from this browser
    # replayed after the logout: refused, the login form is shown
    assert _shows_login_form(browser, base_url, cookie)
    actions = _actions(private_server)
    assert "auth.login_cookie" in actions and actions[-1] == "auth.login_cookie_refused"


def test_a_forged_login_cookie_is_refused(browser, private_server):  # noqa: ANN001
    base = {"name": "fivesys_auth", "url": private_server.url}
    forged = sign_token("admin", utcnow(), timedelta(days=1), key=DEMO_COOKIE_KEY.encode())
    assert _shows_login_form(browser, private_server.url, {**base, "value": forged})
    assert _actions(private_server)[-1] == "auth.login_cookie_refused"
    assert _shows_login_form(browser, private_server.url, {**base, "value": "v1.e30.AAAA"})
