"""Issue 16: the lights board's ranking (departments and regions by open red lights per 100
cases and by on-time rate, with an export) and the lights centre's "rules last ran at"."""

from __future__ import annotations

import time
from datetime import UTC, date, timedelta

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from core.clock import CHINA_TZ
from i18n import translate
from metrics.esupervision.ranking import case_counts, department_ranking, region_ranking
from models.audit import AuditEvent
from models.lights import Alert, LightsState
from services.lights.sync import LAST_RUN
from tests.app.helpers import login, open_page, texts


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


DEPTS = pl.DataFrame({"department_id": [1, 2, 3], "department": ["甲局", "乙局", "丙局"],
                      "region_code": ["210102", "210102", "210103"],
                      "region": ["和平区", "和平区", "沈河区"]})


def _cases(dept: int, on_time: int, late: int, open_: int) -> list[tuple]:
    done, due = date(2026, 3, 10), date(2026, 3, 12)
    return ([(dept, "finished", done, due)] * on_time + [(dept, "finished", due, done)] * late
            + [(dept, "in_progress", None, due)] * open_)


def test_ranking_puts_most_red_per_100_cases_first_then_lowest_on_time_rate():
    cases = pl.DataFrame(_cases(1, 3, 1, 0) + _cases(2, 1, 0, 1) + _cases(3, 2, 0, 0),
                         schema={"department_id": pl.Int64, "status": pl.String,
                                 "finished_on": pl.Date, "deadline": pl.Date}, orient="row"
                         ).join(DEPTS.select("department_id", "region_code"), on="department_id")
    red = pl.DataFrame({"department_id": [1, 2, None], "region_code": ["210102", "210102", "210103"],
                        "open_red": [1, 1, 2]})
    counts = case_counts(cases)
    assert counts.rows() == [(1, "210102", 4, 4, 3, 1), (2, "210102", 2, 1, 1, 0),
                             (3, "210103", 2, 2, 2, 0)]
    d = department_ranking(DEPTS, counts, red)
    assert d.select("rank", "department", "cases", "open_red", "red_per_100", "on_time_rate").rows() == [
        (1, "乙局", 2, 1, 50.0, 100.0), (2, "甲局", 4, 1, 25.0, 75.0), (3, "丙局", 2, 0, 0.0, 100.0)]
    r = region_ranking(DEPTS, counts, red)
    assert r.select("region", "cases", "open_red", "red_per_100", "concluded").rows() == [
        ("沈河区", 2, 2, 100.0, 2), ("和平区", 6, 2, 33.33, 5)]


def _when_ranked(at: AppTest) -> AppTest:
    """Rerun until the background count is in (ui.platform.background)."""
    for _ in range(120):
        if any(tr("esupervision.rank.department") in d.value.columns for d in at.dataframe):
            return at
        time.sleep(0.5)
        at.run()
    raise AssertionError("the ranking never appeared")


def test_cockpit_shows_both_rankings_with_an_export(seeded):
    at = _when_ranked(open_page(login("prov_leader"), "pages/lights/cockpit.py"))
    assert not at.exception, at.exception
    assert tr("esupervision.rank.title") in texts(at.subheader)
    tables = {tuple(d.value.columns): d.value for d in at.dataframe}
    dept = next(v for k, v in tables.items() if tr("esupervision.rank.department") in k)
    region = next(v for k, v in tables.items()
                  if k[1] == tr("esupervision.rank.region") and len(k) == 7)
    with Session(seeded) as s:
        open_red = s.execute(select(func.count()).select_from(Alert).where(
            Alert.level == "red", Alert.status.in_(["open", "acknowledged", "supervising"])
        )).scalar_one()
    assert int(region[tr("esupervision.rank.open_red")].sum()) == open_red
    per100 = [float(v) for v in dept[tr("esupervision.rank.red_per_100")] if v != "—"]
    assert per100 == sorted(per100, reverse=True) and per100[0] > 0
    assert "None" not in dept.astype(str).to_numpy().ravel()
    labels = [b.proto.label for b in at.get("download_button")]
    assert tr("core.export_xlsx") in labels


def test_centre_says_when_the_rules_last_ran(seeded):
    """The time every sync records when it starts (lights_state LAST_RUN), in Beijing time; the
    seed's own sync recorded it just before its `alerts.sync` audit event."""
    with Session(seeded) as s:
        ran = s.get(LightsState, LAST_RUN).updated_at
        audited = s.execute(select(func.max(AuditEvent.ts))
                            .where(AuditEvent.action == "alerts.sync")).scalar_one()
    ran, audited = (x if x.tzinfo else x.replace(tzinfo=UTC) for x in (ran, audited))
    assert timedelta(0) <= audited - ran < timedelta(minutes=5)
    at = open_page(login("prov_supervisor"), "pages/lights/centre.py")
    assert not at.exception, at.exception
    shown = f"{ran.astimezone(CHINA_TZ):%Y-%m-%d %H:%M:%S}"
    assert tr("lights.centre.last_run", ts=shown) in texts(at.caption)


def _slow_page() -> None:
    import threading

    import streamlit as st

    from ui.platform.background import in_background

    gate = st.session_state.setdefault("gate", threading.Event())
    st.title("页")
    got = in_background(("test-slow", id(gate)), lambda: gate.wait(30) and 42, waiting="统计中")
    st.write(f"结果 {got}" if got is not None else "—")


def test_slow_work_runs_in_the_background_and_the_page_shows_it_when_in():
    """The page renders while the work runs (a notice where the result goes), and shows the
    result on a later run once it is in: the cockpit's ranking does its yearly count so."""
    at = AppTest.from_function(_slow_page, default_timeout=30)
    at.run()
    assert [i.value for i in at.info] == ["统计中"] and "—" in texts(at.markdown)
    at.session_state["gate"].set()
    for _ in range(40):
        time.sleep(0.1)
        at.run()
        if "结果 42" in texts(at.markdown):
            break
    assert "结果 42" in texts(at.markdown) and not at.info
