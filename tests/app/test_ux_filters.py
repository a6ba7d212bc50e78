"""Issue 16: the S4 pages filter by a year, a quarter or a custom range of receipt dates,
the funds page by budget year; rates never round up to 100 %; money in yuan with separators."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from core.clock import CHINA_TZ, china_today
from i18n import translate
from models.esupervision import ApprovalCase, SpecialFund
from tests.app.helpers import login, open_page, when_ready
from ui.esupervision.view import percent_text
from ui.lights.export import about_sheet
from ui.platform.context import UserContext


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


def metric(at, label: str) -> str:  # noqa: ANN001
    return next(m.value for m in at.metric if m.label == label)


def _received_between(engine, start: date, end: date) -> int:  # noqa: ANN001
    with Session(engine) as s:
        days = [r.astimezone(CHINA_TZ).date() if r.tzinfo else r.date()
                for r in s.execute(select(ApprovalCase.received_at)).scalars()]
    return sum(start <= d <= end for d in days)


def test_stats_page_by_quarter_and_by_custom_range(seeded):
    today = china_today()
    q = (today.month - 1) // 3 + 1
    start = date(today.year, 3 * q - 2, 1)
    end = (date(today.year + 1, 1, 1) if q == 4 else date(today.year, 3 * q + 1, 1)) - timedelta(days=1)
    at = when_ready(open_page(login("prov_leader"), "pages/esupervision/stats.py"))
    at = when_ready(at.selectbox(key="ss_period").set_value("quarter").run())
    assert not at.exception, at.exception
    assert at.selectbox(key="ss_q").value == q
    assert metric(at, tr("esupervision.stats.received")) == str(_received_between(seeded, start, end))
    first, last = today - timedelta(days=20), today - timedelta(days=10)
    at.selectbox(key="ss_period").set_value("custom").run()
    at = when_ready(at.date_input(key="ss_range").set_value((first, last)).run())
    assert not at.exception, at.exception
    assert metric(at, tr("esupervision.stats.received")) == str(_received_between(seeded, first, last))


def test_funds_page_by_budget_year(seeded):
    with Session(seeded) as s:
        years = [y for y in s.execute(select(SpecialFund.year)).scalars()]
    year = max(years)
    at = open_page(login("prov_leader"), "pages/esupervision/funds.py")
    assert metric(at, tr("esupervision.funds.count")) == f"{len(years):,}"
    at.selectbox(key="sf_year").set_value(year).run()
    assert not at.exception, at.exception
    assert metric(at, tr("esupervision.funds.count")) == str(years.count(year))
    budget = metric(at, tr("esupervision.funds.budget"))
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", budget)


def test_rates_never_round_up_to_a_full_hundred():
    assert [percent_text(v) for v in (99.98, 100.0, 0.04, 87.25, None)] == [
        "99.9%", "100.0%", "0.0%", "87.2%", "—"]


def test_about_sheet_lists_filters_time_and_completeness():
    ctx = UserContext("prov_leader", "省领导（演示）", ("leader",), "210000", None, None)  # type: ignore[arg-type]
    sheet = about_sheet(ctx, {"地区": "沈阳市", "部门": ""}, rows=5426, complete=False, limit=5000)
    facts = dict(sheet.iter_rows())
    assert facts[tr("core.export.rows")] == "5426"
    assert facts[tr("core.export.completeness")] == tr("core.export.capped", n=5000)
    assert facts["地区"] == "沈阳市" and facts["部门"] == tr("core.export.any")
    assert facts[tr("core.export.exported_by")] == "省领导（演示）"


def test_a_share_is_never_rounded_up_to_a_whole():
    """Issue 16: 99.98 % on time is not "100.0 %" on any page (S4, S5, S2, S1 cards share it)."""
    from ui.platform.formatting import share_text

    assert [share_text(v) for v in (0.9998, 1.0, 0.0004, 0.57, 0.8725, 0.0, None)] == [
        "99.9%", "100.0%", "0.0%", "57.0%", "87.2%", "0.0%", "—"]
    # tables keep shares as numbers (they sort), in percent cut down the same way
    import polars as pl

    from ui.platform.tables import percent_values

    frame = pl.DataFrame({"r": [0.9998, 1.0, 0.0004, 0.57, 0.8725, 0.0, None]})
    assert frame.select(percent_values("r"))["r"].to_list() == [99.9, 100.0, 0.0, 57.0, 87.2, 0.0, None]
