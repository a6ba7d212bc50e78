"""Power lifecycle, versions, flow editing, risk points and inspections through the services
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, insert, select
from sqlmodel import Session

from models.audit import AuditEvent
from models.db import session_scope
from models.org import Department, Region
from models.power import Power, PowerCreate, PowerEdge, PowerStep, RiskPoint
from services.platform.audit import verify_chain
from services.platform.scope import ALL, Scope
from services.power import catalog as svc
from services.power import inspections as insp_service
from services.power import lifecycle
from services.power import risk as risk_service
from services.power.catalog import PowerError
from services.power.lifecycle import PublishRefused
from services.power.risk import RiskPointInput


def act(engine, service, *args, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


@pytest.fixture
def org(engine):
    with Session(engine) as s, s.begin():
        s.execute(insert(Region), [
            dict(code="210000", name="辽宁省", level="province", parent_code=None, path="210000/"),
            dict(code="210100", name="沈阳市", level="city", parent_code="210000",
                 path="210000/210100/"),
            dict(code="210200", name="大连市", level="city", parent_code="210000",
                 path="210000/210200/"),
        ])
        s.execute(insert(Department), [
            dict(code="210100003", name="沈阳市住建局", region_code="210100", kind="zjj", active=True),
            dict(code="210200003", name="大连市住建局", region_code="210200", kind="zjj", active=True),
        ])
        ids = dict(s.execute(select(Department.code, Department.id)).all())
    return engine, ids["210100003"], ids["210200003"]


def form(dept_id: int, **over) -> PowerCreate:
    base = dict(code="XK-210100003-001", name="建筑工程施工许可证核发", category="行政许可",
                department_id=dept_id, legal_basis="《中华人民共和国建筑法》第七条",
                statutory_limit_days=7, promised_limit_days=5, fee_standard=None,
                online_available=True)
    return PowerCreate(**(base | over))


STEPS = pl.DataFrame({"seq": [1, 2, 3, 4], "name": ["受理", "审查", "决定", "不予受理"],
                      "post": ["窗口", "审查岗", "局长", "窗口"], "limit_days": [1, 2, 2, None],
                      "supervision_point": [True, False, True, False],
                      "discretionary": [False, True, True, False]})
EDGES = pl.DataFrame({"from_seq": [1, 2, 1], "to_seq": [2, 3, 4],
                      "condition": [None, None, "不予受理"]})


def city_scope(dept_id: int | None = None) -> Scope:
    return Scope(region_codes=frozenset({"210100"}), department_id=dept_id, root_region="210100")


def test_draft_to_published_and_versions(org):
    engine, dept, _ = org
    pid = act(engine, lifecycle.create_power, actor="city_data", scope=city_scope(dept), data=form(dept))
    _, issues = act(engine, lifecycle.save_flow, actor="city_data", scope=city_scope(dept), power_id=pid,
                              steps=STEPS, edges=EDGES)
    assert issues == []
    risk_id = act(
        engine, risk_service.save_risk_point, actor="city_data", scope=city_scope(dept), power_id=pid,
        data=RiskPointInput(step_seq=2, description="降低标准审批", controls_resources=True,
                            discretion=True, high_incidence=True))
    with pytest.raises(PowerError) as exc:  # draft cannot jump to published
        act(engine, lifecycle.transition, actor="city_data", scope=ALL, power_id=pid, to_status="published")
    assert exc.value.key == "power.err_transition"
    act(engine, lifecycle.transition, actor="city_data", scope=ALL, power_id=pid, to_status="confirmed")
    with pytest.raises(PublishRefused) as refused:  # 高 risk point without measures
        act(engine, lifecycle.transition, actor="city_data", scope=ALL, power_id=pid, to_status="published")
    assert [k for k, _ in refused.value.problems] == ["power.err_publish_measures"]
    assert refused.value.problems[0][1]["level"] == "高"
    act(
        engine, risk_service.save_risk_point, actor="city_data", scope=ALL, power_id=pid, risk_id=risk_id,
        data=RiskPointInput(step_seq=2, description="降低标准审批", controls_resources=True,
                            discretion=True, high_incidence=True, measures="审批分离、抽查复核"))
    act(engine, lifecycle.transition, actor="city_data", scope=ALL, power_id=pid, to_status="published")
    assert act(engine, svc.public_powers_frame)["id"].to_list() == [pid]

    # Editing the published power makes version 2 (a draft) with the flow and risks copied;
    # version 1 stays in force and public.
    v2 = act(engine, lifecycle.update_power, actor="city_data", scope=ALL, power_id=pid,
                          data=form(dept, fee_standard=20.0))
    assert v2 != pid
    versions = act(engine, svc.versions_frame, ALL, "XK-210100003-001")
    assert versions.select("version", "is_current", "status", "fee_standard").rows() == [
        (2, True, "draft", 20.0), (1, False, "published", None)]
    steps2, edges2 = act(engine, svc.flow_frames, v2)
    assert steps2["name"].to_list() == ["受理", "审查", "决定", "不予受理"]
    assert edges2.height == 3
    assert act(engine, risk_service.risks_frame, ALL, power_id=v2)["measures"].to_list() == [
        "审批分离、抽查复核"]
    assert act(engine, svc.public_powers_frame)["id"].to_list() == [pid]
    with pytest.raises(PowerError) as old:  # the old version is read-only
        act(engine, lifecycle.update_power, actor="x", scope=ALL, power_id=pid, data=form(dept))
    assert old.value.key == "power.err_not_current"

    act(engine, lifecycle.transition, actor="city_data", scope=ALL, power_id=v2, to_status="confirmed")
    act(engine, lifecycle.transition, actor="city_data", scope=ALL, power_id=v2, to_status="published")
    assert act(engine, svc.public_powers_frame)["id"].to_list() == [v2]
    act(engine, lifecycle.transition, actor="city_data", scope=ALL, power_id=v2, to_status="abolished")
    assert act(engine, svc.public_powers_frame).height == 0
    assert act(engine, svc.get_power, ALL, pid, public=True) is None

    with Session(engine) as s:
        actions = s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
        current = s.execute(select(func.count()).where(Power.is_current.is_(True))).scalar_one()
    assert actions == ["power.create", "power.flow", "power.risk.save", "power.confirmed",
                       "power.risk.save", "power.published", "power.new_version",
                       "power.update", "power.confirmed", "power.published", "power.abolished"]
    assert current == 1
    assert verify_chain(engine).ok


def test_publish_refused_for_invalid_flow_and_scope_is_enforced(org):
    engine, dept, other = org
    pid = act(engine, lifecycle.create_power, actor="a", scope=ALL, data=form(dept))
    act(engine, lifecycle.save_flow, actor="a", scope=ALL, power_id=pid, steps=STEPS,
                  edges=EDGES.filter(pl.col("to_seq") != 4))  # step 4 becomes a second start
    act(engine, lifecycle.transition, actor="a", scope=ALL, power_id=pid, to_status="confirmed")
    with pytest.raises(PublishRefused) as refused:
        act(engine, lifecycle.transition, actor="a", scope=ALL, power_id=pid, to_status="published")
    assert [k for k, _ in refused.value.problems] == ["power.flow.many_starts"]
    with Session(engine) as s:
        assert s.get(Power, pid).status == "confirmed"  # nothing written

    dalian = Scope(region_codes=frozenset({"210200"}), department_id=other, root_region="210200")
    assert act(engine, svc.powers_frame, dalian).height == 0
    assert act(engine, svc.get_power, dalian, pid) is None
    with pytest.raises(PowerError) as exc:
        act(engine, lifecycle.update_power, actor="b", scope=dalian, power_id=pid, data=form(dept))
    assert exc.value.key == "power.err_not_found"
    with pytest.raises(PowerError) as exc:  # creating for another department
        act(engine, lifecycle.create_power, actor="b", scope=dalian, data=form(dept, code="XK-X-2"))
    assert exc.value.key == "power.err_department_scope"
    with pytest.raises(PowerError) as exc:
        act(engine, lifecycle.create_power, actor="a", scope=ALL, data=form(dept))
    assert exc.value.key == "power.err_code_taken"
    with pytest.raises(PowerError) as exc:
        act(engine, lifecycle.create_power, actor="a", scope=ALL,
                         data=form(dept, code="XK-X-3", promised_limit_days=9))
    assert exc.value.key == "power.err_promised_over_statutory"


def test_flow_table_errors_name_row_and_column(org):
    engine, dept, _ = org
    pid = act(engine, lifecycle.create_power, actor="a", scope=ALL, data=form(dept))
    bad = STEPS.with_columns(pl.when(pl.col("seq") == 3).then(pl.lit("  "))
                             .otherwise(pl.col("name")).alias("name"))
    with pytest.raises(PowerError) as exc:
        act(engine, lifecycle.save_flow, actor="a", scope=ALL, power_id=pid, steps=bad, edges=EDGES)
    assert (exc.value.key, exc.value.params) == ("power.err_step_cell", {"row": 3, "column": "name"})
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(PowerStep)).scalar_one() == 0
    _, issues = act(engine, lifecycle.save_flow, actor="a", scope=ALL, power_id=pid, steps=STEPS,
                              edges=pl.concat([EDGES, pl.DataFrame(
                                  {"from_seq": [3], "to_seq": [7], "condition": [None]})]))
    assert [i.key for i in issues] == ["power.flow.edge_missing_step"]
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(PowerEdge)).scalar_one() == 4


def test_thresholds_regrade_and_inspections(org):
    engine, dept, _ = org
    pid = act(engine, lifecycle.create_power, actor="a", scope=ALL, data=form(dept))
    rid = act(
        engine, risk_service.save_risk_point, actor="a", scope=ALL, power_id=pid,
        data=RiskPointInput(description="x", controls_resources=True, discretion=True))
    with Session(engine) as s:
        assert s.get(RiskPoint, rid).level == "中"
    assert act(engine, risk_service.set_level_thresholds, actor="admin", high_min=2, medium_min=1) == 1
    with Session(engine) as s:
        assert s.get(RiskPoint, rid).level == "高"
    assert act(engine, risk_service.level_thresholds) == (2, 1)
    with pytest.raises(PowerError):
        act(engine, risk_service.set_level_thresholds, actor="admin", high_min=2, medium_min=2)

    iid = act(
        engine, insp_service.record_inspection, actor="sup", scope=ALL, data=insp_service.InspectionInput(
            department_id=dept, power_id=pid, inspected_on=date(2026, 3, 1),
            findings="案卷不全", rectify_by=date(2026, 4, 1)))
    assert act(engine, insp_service.inspections_frame, city_scope(dept), open_only=True)["id"].to_list() == [iid]
    assert act(engine, insp_service.inspections_frame, Scope(frozenset({"210200"}))).height == 0
    with pytest.raises(PowerError):
        act(engine, insp_service.mark_rectified, actor="sup", scope=ALL, inspection_id=iid,
                                    on=date(2026, 2, 1))
    act(engine, insp_service.mark_rectified, actor="sup", scope=ALL, inspection_id=iid,
                                on=date(2026, 3, 20))
    assert act(engine, insp_service.inspections_frame, ALL, open_only=True).height == 0


def test_rules_produce_and_clear_alerts_through_the_lights_sync(org):
    from models.lights import Alert
    from services.lights.sync import sync_alerts

    engine, dept, _ = org
    pid = act(engine, lifecycle.create_power, actor="a", scope=ALL, data=form(dept))
    act(engine, lifecycle.save_flow, actor="a", scope=ALL, power_id=pid, steps=STEPS, edges=EDGES)
    rid = act(
        engine, risk_service.save_risk_point, actor="a", scope=ALL, power_id=pid,
        data=RiskPointInput(step_seq=2, description="降低标准审批", controls_resources=True,
                            discretion=True, high_incidence=True, last_review=date(2020, 1, 1)))
    act(engine, lifecycle.transition, actor="a", scope=ALL, power_id=pid, to_status="confirmed")
    act(engine, insp_service.record_inspection, actor="sup", scope=ALL, data=insp_service.InspectionInput(
        department_id=dept, inspected_on=date(2025, 1, 2), findings="未整改",
        rectify_by=date(2025, 2, 1)))
    sync_alerts(engine, actor="test")
    with Session(engine) as s:
        alerts = s.execute(select(Alert.rule_id, Alert.level, Alert.subject_id, Alert.status)
                           .where(Alert.rule_id.startswith("PW-"))).all()
    assert sorted((r, lv, st) for r, lv, _, st in alerts) == [
        ("PW-R1", "red", "open"), ("PW-R2", "red", "open"), ("PW-Y3", "yellow", "open")]
    assert {sid for r, _, sid, _ in alerts if r == "PW-R1"} == {str(rid)}

    act(
        engine, risk_service.save_risk_point, actor="a", scope=ALL, power_id=pid, risk_id=rid,
        data=RiskPointInput(step_seq=2, description="降低标准审批", controls_resources=True,
                            discretion=True, high_incidence=True, measures="分离审批",
                            last_review=date(2020, 1, 1)))
    sync_alerts(engine, actor="test")
    with Session(engine) as s:
        status = s.execute(select(Alert.status).where(Alert.rule_id == "PW-R1")).scalar_one()
    assert status == "cleared"


def test_demo_seed_plants_a_gap_for_every_rule(seeded):
    from models.lights import Alert

    with Session(seeded) as s:
        per_rule = dict(s.execute(select(Alert.rule_id, func.count())
                                  .where(Alert.rule_id.startswith("PW-"))
                                  .group_by(Alert.rule_id)).all())
        n_powers = s.execute(select(func.count()).select_from(Power)
                             .where(Power.is_current.is_(True))).scalar_one()
    assert set(per_rule) == {"PW-R1", "PW-R2", "PW-Y1", "PW-Y2", "PW-Y3"}
    assert all(n > 0 for n in per_rule.values())
    assert 516 * 8 <= n_powers <= 516 * 30  # 8–30 catalog entries per department


def test_marking_a_risk_point_reviewed_asks_for_its_lights_and_clears_pw_y3(seeded):
    """A review is a write of the point like any other: it records the lights' sync request
    (through the ORM flush), so the drain clears the point's "not reviewed" light (PW-Y3) at
    once, and the risk register's cache stamp moves with it."""
    from core.clock import china_today
    from models.lights import Alert
    from services.lights.queue import drain
    from services.lights.sync import sync_alerts

    sync_alerts(seeded, actor="test")
    with Session(seeded) as s:
        ids = s.execute(select(Alert.subject_id).where(Alert.rule_id == "PW-Y3",
                                                       Alert.status == "open")).scalars().all()
        assert ids, "the demo has a point not reviewed"
        risk_id = min(int(i) for i in ids)
        before = risk_service.data_stamp(session=s)
    with session_scope(seeded) as s:
        risk_service.mark_reviewed(session=s, actor="admin", scope=ALL, risk_id=int(risk_id),
                                   on=china_today())
    with Session(seeded) as s:
        assert risk_service.data_stamp(session=s) != before
    drain(seeded, actor="test")
    with Session(seeded) as s:
        status = s.execute(select(Alert.status).where(Alert.rule_id == "PW-Y3",
                                                      Alert.subject_id == str(risk_id))).scalar_one()
    assert status == "cleared"
