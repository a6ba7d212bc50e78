"""The public power list in a real browser, without logging in: published powers are found,
drafts are not."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.db import make_engine
from models.power import Power
from services.power.catalog import in_force_clause
from tests.e2e.conftest import assert_no_exception, open_page, tr, wait_for_idle

pytestmark = pytest.mark.e2e


def _codes(db_path) -> tuple[str, str]:  # noqa: ANN001
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        with Session(engine) as s:
            published = s.execute(select(Power.code).where(in_force_clause())
                                  .order_by(Power.id).limit(1)).scalar_one()
            draft = s.execute(select(Power.code).where(
                Power.status == "draft", Power.is_current.is_(True),
                ~Power.code.in_(select(Power.code).where(in_force_clause())))
                .order_by(Power.id).limit(1)).scalar_one()
    finally:
        engine.dispose()
    return published, draft


def _search(page, text: str) -> None:  # noqa: ANN001
    box = page.get_by_label(tr("power.ui.public_search"))
    box.fill(text)
    box.press("Enter")
    wait_for_idle(page)


def test_guest_finds_published_power_but_not_a_draft(page, base_url, streamlit_server, tmp_path):
    open_page(page, base_url, "public_powers")
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h1").first.inner_text().strip() == tr("power.ui.public_title")
    assert page.get_by_label("密码").count() == 0  # no login form: the page is public

    published, draft = _codes(streamlit_server.db_path)
    _search(page, published)
    assert_no_exception(page)
    assert main.get_by_text(tr("power.ui.public_count", n=1, first=1, last=1)).is_visible()

    _search(page, draft)
    assert main.get_by_text(tr("power.ui.public_none")).is_visible()
    page.screenshot(path=str(tmp_path / "public_powers.png"), full_page=True)
