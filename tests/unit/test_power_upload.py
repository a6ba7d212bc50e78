"""Each S1 upload kind through the shared pipeline (prepare -> commit), on both databases:
what is written, and what is refused with the row and column named."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.db import session_scope
from models.power import Inspection, Power, PowerEdge, PowerStep, RiskPoint
from services.platform import ingest
from services.platform.scope import ALL, Scope
from services.power import catalog as power_service
from services.power import lifecycle
from services.power import risk as risk_service

POWERS = ("职权编码,职权名称,职权类别,部门代码,设定依据,法定时限,承诺时限,收费标准,可网上办理\n"
          "XK-210102004-101,食品经营许可,行政许可,210102004,《中华人民共和国食品安全法》第三十五条,20,10,,是\n"
          "CF-210102004-102,对无照经营的处罚,处罚,210102004,《无证无照经营查处办法》第十三条,90,60,,否\n")
STEPS = ("职权编码,步骤序号,步骤名称,承办岗位,步骤时限,监督节点,自由裁量\n"
         "XK-210102004-101,1,受理,窗口,1,是,否\n"
         "XK-210102004-101,2,审查,审查岗,5,否,是\n"
         "XK-210102004-101,3,决定,局长,3,是,是\n"
         "XK-210102004-101,4,不予受理告知,窗口,,否,否\n")
EDGES = ("职权编码,从步骤,到步骤,条件\n"
         "XK-210102004-101,1,2,受理\nXK-210102004-101,1,4,不予受理\nXK-210102004-101,2,3,\n")
RISKS = ("职权编码,风险点编号,步骤序号,风险点描述,管人管钱管物,自由裁量,须集体决策,间接影响力,"
         "易发多发领域,防控措施,责任岗位,最近复核日期\n"
         "XK-210102004-101,1,2,降低标准审批,是,是,否,否,是,审查与决定分离,审查岗,2026-03-01\n"
         "XK-210102004-101,2,1,受理拖延,否,否,否,否,是,,窗口,2026-03-01\n")
INSPECTIONS = ("检查编号,部门代码,职权编码,检查日期,发现问题,整改期限,整改完成日期,检查单位\n"
               "JC-001,210102004,XK-210102004-101,2026-03-01,案卷不全,2026-04-01,,纪检监察组\n"
               "JC-002,210102004,,2026-03-05,收费未公示,2026-03-20,2026-03-18,督查室\n")


@pytest.fixture
def org(engine):
    from services.platform.seed import seed_org

    with session_scope(engine) as s:
        seed_org(s, scale="small")
    return engine


def act(engine, service, *args, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


def upload(engine, kind, text, *, scope=ALL, actor="admin"):
    prepared = act(engine, ingest.prepare, kind, f"{kind}.csv", text.encode("utf-8"),
                   actor=actor, scope=scope)
    if prepared.status != "ready":
        return prepared
    return ingest.commit(engine, prepared, actor=actor, scope=scope)


def errors(prepared):
    return prepared.errors.select("row", "field", "key").rows()


def count(engine, model):
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_each_kind_uploads_and_builds_a_publishable_power(org):
    assert upload(org, "powers", POWERS).status == "committed"
    with Session(org) as s:
        p = s.execute(select(Power).where(Power.code == "XK-210102004-101")).scalar_one()
        assert (p.status, p.version, p.is_current, p.current_code, p.region_code) == (
            "draft", 1, True, "XK-210102004-101", "210102")
    assert upload(org, "power_steps", STEPS).status == "committed"
    assert upload(org, "power_edges", EDGES).status == "committed"
    assert upload(org, "risk_points", RISKS).status == "committed"
    assert upload(org, "inspections", INSPECTIONS).status == "committed"
    assert (count(org, Power), count(org, PowerStep), count(org, PowerEdge),
            count(org, RiskPoint), count(org, Inspection)) == (2, 4, 3, 2, 2)
    with Session(org) as s:
        levels = dict(s.execute(select(RiskPoint.no, RiskPoint.level)).all())
        insp = s.execute(select(Inspection).where(Inspection.ref_no == "JC-001")).scalar_one()
    assert levels == {1: "高", 2: "低"}
    assert insp.power_id == p.id and insp.rectified_on is None

    steps, edges = act(org, power_service.flow_frames, p.id)
    assert steps["name"].to_list() == ["受理", "审查", "决定", "不予受理告知"]
    act(org, lifecycle.transition, actor="admin", scope=ALL, power_id=p.id, to_status="confirmed")
    act(org, lifecycle.transition, actor="admin", scope=ALL, power_id=p.id, to_status="published")
    # Steps of a published power are refused: its flow changes by a new version on the page.
    refused = upload(org, "power_steps", STEPS.replace("审查岗", "审查二岗"))
    assert refused.status == "rejected"
    assert set(errors(refused)) == {(r, "power_code", "power.upload.err_not_draft")
                                    for r in (2, 3, 4, 5)}
    # ... and so is a catalog row for it (status is fixed once it left draft).
    again = upload(org, "powers", POWERS.replace("食品经营许可", "食品经营许可（改）"))
    assert ("status", "ingest.err_fixed") in {(f, k) for _, f, k in errors(again)}


def test_upload_checks_name_rows_and_respect_scope(org):
    bad = POWERS.replace(",20,10,", ",20,30,")  # promised past statutory
    result = upload(org, "powers", bad)
    assert errors(result) == [(2, "promised_limit_days", "power.upload.err_promised")]
    assert count(org, Power) == 0

    with Session(org) as s:
        from models.org import Department

        other = s.execute(select(Department.id).where(Department.code == "210103004")).scalar_one()
    shenhe = Scope(region_codes=frozenset({"210103"}), department_id=other, root_region="210103")
    result = upload(org, "powers", POWERS, scope=shenhe, actor="county2_data")
    assert {(r, f) for r, f, _ in errors(result)} == {(2, "department_code"),
                                                     (3, "department_code")}
    assert count(org, Power) == 0

    assert upload(org, "powers", POWERS).status == "committed"
    result = upload(org, "power_steps", STEPS, scope=shenhe, actor="county2_data")
    assert result.status == "rejected" and count(org, PowerStep) == 0
    result = upload(org, "risk_points", RISKS.replace("XK-210102004-101,2,1", "XK-NOPE-9,2,1"))
    assert errors(result) == [(3, "power_code", "ingest.err_ref_missing")]
    result = upload(org, "inspections",
                    INSPECTIONS.replace("2026-04-01,,", "2026-02-01,,"))  # deadline before visit
    assert errors(result) == [(2, "rectify_by", "power.insp.err_dates")]


def test_uploaded_levels_follow_admin_thresholds_on_read(org):
    upload(org, "powers", POWERS)
    upload(org, "power_steps", STEPS)
    upload(org, "risk_points", RISKS)
    act(org, risk_service.set_level_thresholds, actor="admin", high_min=4, medium_min=3)
    upload(org, "risk_points", RISKS.replace("受理拖延", "受理故意拖延"))  # stored with defaults
    got = act(org, risk_service.risks_frame, ALL).sort("no").select("no", "level").rows()
    assert got == [(1, "中"), (2, "低")]
    assert date(2026, 3, 1) in act(org, risk_service.risks_frame, ALL)["last_review"].to_list()
