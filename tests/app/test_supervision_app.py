"""E-supervision pages as leaders, supervisors and data officers see them, on the demo."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from i18n import translate
from models.base import utcnow
from models.esupervision import ApprovalCase, SpecialFund
from models.org import Department
from models.power import Power
from models.users import User
from services.lights.inputs import load_inputs
from services.power.catalog import in_force_clause
from tests.app.helpers import login, open_page, when_ready


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


def metric(at, label: str) -> str:  # noqa: ANN001
    return next(m.value for m in at.metric if m.label == label)


def _open_cases(engine, **where) -> int:  # noqa: ANN001, ANN003
    c = ApprovalCase
    stmt = select(func.count()).select_from(c).where(c.status.in_(["in_progress", "suspended"]))
    for k, v in where.items():
        stmt = stmt.where(getattr(c, k) == v)
    with Session(engine) as s:
        return s.execute(stmt).scalar_one()


def _officer_dept(engine, username: str) -> Department:  # noqa: ANN001
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return s.get(Department, user.department_id)


def test_cases_page_leader_sees_province_and_a_case_timeline(seeded):
    at = open_page(login("prov_leader"), "pages/esupervision/cases.py")
    assert not at.exception, at.exception
    assert at.title[0].value == tr("esupervision.cases.title")
    assert metric(at, tr("esupervision.cases.open")) == str(_open_cases(seeded))
    # open cases past due are red (the planted one and 5 organic), near the limit yellow (the
    # planted one and 12 organic: services.esupervision.seed.ORGANIC_CASES)
    assert metric(at, tr("esupervision.cases.red")) == "6"
    assert metric(at, tr("esupervision.cases.yellow")) == "13"
    with Session(seeded) as s:
        planted = s.execute(select(ApprovalCase.case_no)
                            .where(ApprovalCase.case_no.like("%900001"))).scalar_one()
    table = at.dataframe[0].value
    first = table.iloc[0]
    assert first[tr("esupervision.col.light")] == tr("lights.level.red")
    assert planted in set(table[tr("esupervision.col.case_no")])
    at.text_input(key="sc_case_no").input(planted)
    at.run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1
    flow = at.dataframe[1].value
    assert list(flow.columns)[:2] == [tr("esupervision.timeline.seq"), tr("esupervision.timeline.step")]
    assert flow[tr("esupervision.timeline.times")].sum() >= 1


def test_cases_page_data_officer_sees_own_department_only(seeded):
    dept = _officer_dept(seeded, "county_data")
    # an open case of the officer's department, so the table has rows to check
    with Session(seeded) as s:
        power = s.execute(select(Power).where(Power.department_id == dept.id, in_force_clause())
                          .order_by(Power.id)).scalars().first()
        s.add(ApprovalCase(case_no="APP-OPEN-0001", power_id=power.id, department_id=dept.id,
                           region_code=dept.region_code, channel="online",
                           received_at=utcnow() - timedelta(days=1),
                           promised_limit_days=power.promised_limit_days, status="in_progress"))
        s.commit()
    at = open_page(login("county_data"), "pages/esupervision/cases.py")
    assert not at.exception, at.exception
    n_open = _open_cases(seeded, department_id=dept.id)
    assert n_open >= 1
    assert metric(at, tr("esupervision.cases.open")) == str(n_open)
    table = at.dataframe[0].value
    # every open case of the department and nothing of any other department
    assert len(table) == n_open
    assert set(table[tr("esupervision.col.department")]) == {dept.name}
    with Session(seeded) as s:
        own = set(s.execute(select(ApprovalCase.case_no).where(
            ApprovalCase.department_id == dept.id,
            ApprovalCase.status.in_(["in_progress", "suspended"]))).scalars())
    assert set(table[tr("esupervision.col.case_no")]) == own


def test_stats_page_supervisor_on_time_rate(seeded):
    frames = load_inputs(seeded, {"ap_cases", "clock"})
    today = frames["clock"]["today"][0]
    from metrics.esupervision.timing import period_start

    cases = frames["ap_cases"].filter(pl.col("received_on") >= period_start(today, 12))
    done = cases.filter(pl.col("status").is_in(["finished", "rejected"]))
    on_time = done.filter(pl.col("finished_on") <= pl.col("deadline")).height
    at = when_ready(open_page(login("prov_supervisor"), "pages/esupervision/stats.py"))
    assert not at.exception, at.exception
    assert metric(at, tr("esupervision.stats.received")) == str(cases.height)
    assert metric(at, tr("esupervision.stats.concluded")) == str(done.height)
    assert metric(at, tr("esupervision.stats.on_time_rate")) == f"{on_time * 100 / done.height:.1f}%"
    # the planted late case and the 5 organic finished late (AP-R1) missed their deadline
    assert on_time == done.height - 6


def _cockpit_concluded(at) -> int:  # noqa: ANN001
    prefix = tr("esupervision.cockpit.caption", n="#").split("#")[0]
    caption = next(c.value for c in at.caption if c.value.startswith(prefix))
    return int(caption[len(prefix):].split(" ")[0].replace(",", ""))


def test_cockpit_counts_a_case_concluded_this_month_that_was_received_before_it(seeded):
    """本月已办结: concluded this month, whenever received (before: only the cases received
    this month were counted, so month-end receipts never counted at all)."""
    at = open_page(login("prov_leader"), "pages/lights/cockpit.py")
    assert not at.exception, at.exception
    before = _cockpit_concluded(at)
    with Session(seeded) as s:
        case = s.execute(select(ApprovalCase).where(ApprovalCase.status == "finished")
                         .order_by(ApprovalCase.id)).scalars().first()
        late = ApprovalCase(**case.model_dump(exclude={"id", "created_at", "case_no"}),
                            case_no="COCKPIT-MONTH-1")
        now = utcnow()  # today in China is in this month, whatever the day
        late.received_at, late.finished_at = now - timedelta(days=40), now
        s.add(late)
        s.commit()
    at = open_page(login("prov_leader"), "pages/lights/cockpit.py")
    assert not at.exception, at.exception
    assert _cockpit_concluded(at) == before + 1
    assert metric(at, tr("esupervision.cockpit.in_progress")) == str(_open_cases(seeded))


def test_funds_page_and_cockpit_section(seeded):
    at = open_page(login("prov_leader"), "pages/esupervision/funds.py")
    assert not at.exception, at.exception
    with Session(seeded) as s:
        n_funds = s.execute(select(func.count()).select_from(SpecialFund)).scalar_one()
    assert metric(at, tr("esupervision.funds.count")) == str(n_funds)
    at = open_page(at, "pages/lights/cockpit.py")
    assert not at.exception, at.exception
    assert tr("esupervision.cockpit.title") in [h.value for h in at.subheader]
    assert metric(at, tr("esupervision.cockpit.in_progress")) == str(_open_cases(seeded))
