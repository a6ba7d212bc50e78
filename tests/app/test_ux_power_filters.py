"""Issue 16: region, department and date filters on the inspections page and the risk
register; the public catalog filters by region and department and pages through every power
in force (it used to stop at 300)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from i18n import translate
from models.org import Department
from models.power import Inspection, Power, RiskPoint
from services.power.catalog import in_force_clause
from tests.app.helpers import login, new_app, open_page, texts


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


def _count(engine, stmt) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return int(s.execute(stmt).scalar_one())


def metric(at, label: str) -> int:  # noqa: ANN001
    return int(str(next(m.value for m in at.metric if m.label == label)).replace(",", ""))


def test_public_catalog_pages_through_every_power_and_filters_by_place(seeded):
    total = _count(seeded, select(func.count()).select_from(Power).where(in_force_clause()))
    assert total > 300
    at = open_page(new_app(), "pages/power/public.py")
    assert not at.exception, at.exception
    assert tr("power.ui.public_count", n=total, first=1, last=100) in texts(at.caption)
    first_page = at.dataframe[0].value["职权编码"].tolist()
    last = -(-total // 100)
    at.number_input(key="pub_page").set_value(last).run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value["职权编码"].tolist()
    assert len(shown) == total - 100 * (last - 1) and not set(shown) & set(first_page)

    with Session(seeded) as s:
        dept = s.execute(select(Department).where(Department.region_code == "210102",
                                                  Department.kind == "scjg")).scalar_one()
    in_dept = _count(seeded, select(func.count()).select_from(Power).where(
        in_force_clause(), Power.department_id == dept.id))
    at.selectbox(key="pub_region").set_value("210102").run()
    at.selectbox(key="pub_dept").set_value(dept.id).run()
    assert not at.exception, at.exception
    assert tr("power.ui.public_count", n=in_dept, first=1, last=min(in_dept, 100)) in texts(at.caption)
    assert set(at.dataframe[0].value["职能部门" if "职能部门" in at.dataframe[0].value.columns
                                     else tr("power.ui.department")]) == {dept.name}


def test_inspections_filter_by_region_department_and_date(seeded):
    at = open_page(login("prov_supervisor"), "pages/power/inspections.py")
    assert not at.exception, at.exception
    everything = _count(seeded, select(func.count()).select_from(Inspection))
    assert metric(at, tr("power.ui.insp_total")) == everything
    at.selectbox(key="pif_region").set_value("210102").run()
    in_region = _count(seeded, select(func.count()).select_from(Inspection)
                       .where(Inspection.region_code == "210102"))
    assert 0 < in_region < everything
    assert metric(at, tr("power.ui.insp_total")) == in_region
    with Session(seeded) as s:
        day = s.execute(select(Inspection.inspected_on).where(Inspection.region_code == "210102")
                        .order_by(Inspection.inspected_on)).scalars().first()
    at.date_input(key="pif_dates").set_value((date(day.year, day.month, 1), day)).run()
    assert not at.exception, at.exception
    expected = _count(seeded, select(func.count()).select_from(Inspection).where(
        Inspection.region_code == "210102", Inspection.inspected_on >= date(day.year, day.month, 1),
        Inspection.inspected_on <= day))
    assert metric(at, tr("power.ui.insp_total")) == expected >= 1


def test_risk_register_filters_by_department_and_review_date(seeded):
    at = open_page(login("prov_supervisor"), "pages/power/risks.py")
    assert not at.exception, at.exception
    with Session(seeded) as s:
        dept_id, region = s.execute(
            select(Power.department_id, Power.region_code)
            .join(RiskPoint, RiskPoint.power_id == Power.id)
            .where(Power.region_code == "210102").order_by(Power.department_id)).first()
    current = (Power.is_current.is_(True), Power.status != "abolished")
    in_dept = _count(seeded, select(func.count()).select_from(RiskPoint)
                     .join(Power, Power.id == RiskPoint.power_id)
                     .where(Power.department_id == dept_id, *current))
    at.selectbox(key="pr_region").set_value(region).run()
    at.selectbox(key="pr_dept").set_value(dept_id).run()
    assert not at.exception, at.exception
    assert tr("power.ui.count_risks", n=in_dept) in texts(at.caption)
    with Session(seeded) as s:
        day = s.execute(select(func.max(RiskPoint.last_review)).join(
            Power, Power.id == RiskPoint.power_id).where(Power.department_id == dept_id, *current)
        ).scalar_one()
    reviewed = _count(seeded, select(func.count()).select_from(RiskPoint)
                      .join(Power, Power.id == RiskPoint.power_id)
                      .where(Power.department_id == dept_id, RiskPoint.last_review == day, *current))
    at.date_input(key="pr_dates").set_value((day, day)).run()
    assert not at.exception, at.exception
    assert 0 < reviewed < in_dept
    assert tr("power.ui.count_risks", n=reviewed) in texts(at.caption)


def test_catalog_export_holds_every_selected_power_with_filters_and_time(seeded):
    from services.platform.scope import ALL
    from ui.platform.context import UserContext
    from ui.power.widgets import catalog_export

    current = _count(seeded, select(func.count()).select_from(Power)
                     .where(Power.is_current.is_(True)))
    assert current > 5000  # the table on the page stops at 5,000
    ctx = UserContext(username="prov_supervisor", display_name="省纪委监委监督员",
                      roles=("supervisor",), region_code="210000", department_id=None, scope=ALL)
    flt = dict(region_code=None, department_id=None, category=None, status=None, search=None)
    book = catalog_export(ctx, flt, {tr("power.ui.region"): tr("power.ui.all")}, engine=seeded)
    about, rows = book.values()
    assert rows.height == current
    facts = dict(about.rows())
    assert facts[tr("core.export.rows")] == str(current)
    assert facts[tr("core.export.completeness")] == tr("core.export.complete")
    assert facts[tr("power.ui.region")] == tr("power.ui.all")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", facts[tr("core.export.exported_at")])


def test_catalog_page_offers_the_export(seeded):
    at = open_page(login("prov_supervisor"), "pages/power/catalog.py")
    assert not at.exception, at.exception
    assert tr("core.export_xlsx") in [b.proto.label for b in at.get("download_button")]
