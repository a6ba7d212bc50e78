"""Alert sync semantics on hand-built frames, with test-only rules (removed afterwards)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from sqlalchemy import func, insert, select
from sqlmodel import Session

from metrics.lights.registry import RULES, Param, Rule, facts_json, register
from models.audit import AuditEvent
from models.db import session_scope
from models.lights import Alert, AlertEvent
from models.org import Department, Region
from services.lights import orders as order_service
from services.lights import rule_settings
from services.lights.sync import sync_alerts
from services.platform.scope import ALL

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
ITEMS = {"id": pl.String, "department_id": pl.Int64, "region_code": pl.String,
         "value": pl.Int64, "age": pl.Int64}


def _over_threshold(frames, params):
    f = frames["t_items"]
    return f.filter(pl.col("value") > params["threshold"]).select(
        pl.lit("item").alias("subject_type"), pl.col("id").alias("subject_id"),
        "department_id", "region_code",
        facts_json(pl.col("value"), pl.lit(params["threshold"]).alias("threshold"), pl.col("age")),
    )


@pytest.fixture
def test_rules():
    rules = [
        Rule(id="T-R1", system="T", level="red", subject_type="item", title_key="x.t",
             definition_key="x.d", basis_key="x.b", inputs=("t_items",), fn=_over_threshold,
             params=(Param("threshold", 10, "x.p", min=0, max=1000),), volatile=("age",)),
    ]
    for r in rules:
        register(r)
    yield rules
    for r in rules:
        RULES.pop(r.id, None)


@pytest.fixture
def org(engine):
    with engine.begin() as conn:
        conn.execute(insert(Region), [dict(code="210000", name="辽宁省", level="province",
                                           parent_code=None, path="210000/")])
        conn.execute(insert(Department), [
            dict(code="210000001", name="甲局", region_code="210000", kind="cz", active=True),
            dict(code="210000002", name="乙局", region_code="210000", kind="cz", active=True)])
        ids = conn.execute(select(Department.id).order_by(Department.id)).scalars().all()
    return engine, ids


def items(rows):
    return {"t_items": pl.DataFrame(rows, schema=ITEMS, orient="row")}


def run(engine, rows, now=T0):
    return sync_alerts(engine, actor="tester", rule_ids=["T-R1"], inputs=items(rows), now=now)


def act(engine, service, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(session=session, **kwargs)


def alerts(engine):
    with Session(engine) as s:
        return {a.subject_id: a for a in s.execute(select(Alert)).scalars()}


def events(engine, alert_id):
    with Session(engine) as s:
        return [(e.action, e.from_status, e.to_status) for e in s.execute(
            select(AlertEvent).where(AlertEvent.alert_id == alert_id).order_by(AlertEvent.id)).scalars()]


def audit_count(engine):
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_new_unchanged_and_idempotent(org, test_rules):
    engine, (d1, d2) = org
    rows = [("a", d1, "210000", 11, 1), ("b", d2, "210000", 50, 1), ("c", d1, "210000", 10, 1)]
    r1 = run(engine, rows)
    assert (r1.new, r1.updated, r1.cleared, r1.unchanged) == (2, 0, 0, 0)
    got = alerts(engine)
    assert sorted(got) == ["a", "b"]
    a = got["a"]
    assert (a.rule_id, a.system, a.level, a.status, a.department_id, a.region_code) == \
        ("T-R1", "T", "red", "open", d1, "210000")
    assert json.loads(a.facts) == {"value": 11, "threshold": 10, "age": 1}
    assert a.detected_at == T0 and len(a.facts_hash) == 64
    assert events(engine, a.id) == [("created", None, "open")]
    audits = audit_count(engine)
    r2 = run(engine, rows, now=T0 + timedelta(hours=1))
    assert (r2.new, r2.updated, r2.cleared, r2.reopened, r2.refreshed, r2.unchanged) == (0, 0, 0, 0, 0, 2)
    assert audit_count(engine) == audits  # nothing changed, nothing logged
    assert alerts(engine)["a"].updated_at == T0


def test_changed_facts_update_and_keep_status(org, test_rules):
    engine, (d1, _) = org
    run(engine, [("a", d1, "210000", 11, 1)])
    a = alerts(engine)["a"]
    act(engine, order_service.acknowledge, actor="sup", scope=ALL, alert_ids=[a.id])
    r = run(engine, [("a", d1, "210000", 30, 1)], now=T0 + timedelta(days=1))
    assert (r.updated, r.new) == (1, 0)
    a = alerts(engine)["a"]
    assert a.status == "acknowledged" and json.loads(a.facts)["value"] == 30
    assert events(engine, a.id)[-1] == ("updated", "acknowledged", "acknowledged")
    with Session(engine) as s:
        ev = s.execute(select(AlertEvent).where(AlertEvent.action == "updated")).scalar_one()
    assert json.loads(ev.facts_before)["value"] == 11 and json.loads(ev.facts_after)["value"] == 30


def test_volatile_facts_refresh_quietly(org, test_rules):
    engine, (d1, _) = org
    run(engine, [("a", d1, "210000", 11, 1)])
    r = run(engine, [("a", d1, "210000", 11, 5)])
    assert (r.refreshed, r.updated, r.unchanged) == (1, 0, 0)
    a = alerts(engine)["a"]
    assert json.loads(a.facts)["age"] == 5 and events(engine, a.id) == [("created", None, "open")]


def test_cleared_and_reopened(org, test_rules):
    engine, (d1, _) = org
    run(engine, [("a", d1, "210000", 11, 1)])
    later = T0 + timedelta(days=2)
    r = run(engine, [("a", d1, "210000", 9, 1)], now=later)
    assert r.cleared == 1
    a = alerts(engine)["a"]
    assert a.status == "cleared" and a.cleared_at == later
    assert json.loads(a.facts)["value"] == 11  # the facts it last fired on
    assert run(engine, [], now=later).unchanged == 1  # cleared stays cleared
    r = run(engine, [("a", d1, "210000", 12, 1)], now=later + timedelta(days=1))
    assert r.reopened == 1
    a = alerts(engine)["a"]
    assert a.status == "open" and a.cleared_at is None
    assert [e[0] for e in events(engine, a.id)] == ["created", "cleared", "reopened"]


@pytest.mark.parametrize("final", ["closed", "dismissed"])
def test_closed_and_dismissed_stay_unless_facts_change(org, test_rules, final):
    engine, (d1, _) = org
    run(engine, [("a", d1, "210000", 11, 1)])
    a_id = alerts(engine)["a"].id
    if final == "closed":
        act(engine, order_service.close_alerts, actor="sup", scope=ALL, alert_ids=[a_id], note="已核实")
    else:
        act(engine, order_service.dismiss, actor="sup", scope=ALL, alert_ids=[a_id], reason="数据录入错误")
    for rows in ([("a", d1, "210000", 11, 1)], [("a", d1, "210000", 11, 9)], []):
        r = run(engine, rows)
        assert r.unchanged == 1 and r.changed == 0
        assert alerts(engine)["a"].status == final
    r = run(engine, [("a", d1, "210000", 99, 1)])
    assert r.reopened == 1
    a = alerts(engine)["a"]
    assert (a.status, a.closed_at, a.dismiss_reason) == ("open", None, None)
    assert [e[0] for e in events(engine, a_id)] == ["created", final, "reopened"]


def test_active_order_keeps_alert_from_clearing(org, test_rules):
    engine, (d1, _) = org
    run(engine, [("a", d1, "210000", 11, 1), ("b", d1, "210000", 12, 1)])
    got = alerts(engine)
    order = act(engine, order_service.issue_order, actor="sup", scope=ALL, alert_ids=[got["a"].id],
                                    department_id=d1, due_date=date(2030, 1, 1),
                                    instructions="限期整改")
    r = run(engine, [])
    assert (r.cleared, r.unchanged) == (1, 1)
    got = alerts(engine)
    assert (got["a"].status, got["b"].status) == ("supervising", "cleared")
    act(engine, order_service.answer_order, actor="data", scope=ALL, order_id=order.id, response="已整改")
    assert run(engine, []).cleared == 0 and alerts(engine)["a"].status == "rectified"
    act(engine, order_service.accept_order, actor="sup", scope=ALL, order_id=order.id)
    assert alerts(engine)["a"].status == "closed"
    assert run(engine, []).changed == 0 and alerts(engine)["a"].status == "closed"


def test_parameter_change_applies_at_next_sync(org, test_rules):
    engine, (d1, _) = org
    rows = [("a", d1, "210000", 11, 1), ("b", d1, "210000", 25, 1)]
    assert run(engine, rows).new == 2
    with pytest.raises(rule_settings.RuleSettingError) as exc:
        act(engine, rule_settings.update_param, actor="admin", rule_id="T-R1", param="threshold", value="abc")
    assert exc.value.key == "lights.settings.err_number"
    with pytest.raises(rule_settings.RuleSettingError):
        act(engine, rule_settings.update_param, actor="admin", rule_id="T-R1", param="threshold", value=5000)
    act(engine, rule_settings.update_param, actor="admin", rule_id="T-R1", param="threshold", value="20")
    r = run(engine, rows)
    assert (r.cleared, r.updated) == (1, 1)  # a no longer fires; b's facts carry the new threshold
    got = alerts(engine)
    assert got["a"].status == "cleared" and json.loads(got["b"].facts)["threshold"] == 20
    with Session(engine) as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "rules.param_update")).scalar_one()
    assert (ev.actor, ev.entity_id, json.loads(ev.after)) == ("admin", "T-R1.threshold", {"value": 20})


def test_lc_r1_on_overdue_order_raises_escalation(org, test_rules):
    engine, (d1, _) = org
    run(engine, [("a", d1, "210000", 11, 1)])
    order = act(engine, order_service.issue_order, actor="sup", scope=ALL,
                                    alert_ids=[alerts(engine)["a"].id], department_id=d1,
                                    due_date=date(2026, 11, 10), instructions="限期整改",
                                    today=date(2026, 11, 1))

    def lc(day):
        return sync_alerts(engine, actor="system", rule_ids=["LC-R1"],
                           inputs={"clock": pl.DataFrame({"today": [day]})})

    assert lc(date(2026, 11, 10)).new == 0
    r = lc(date(2026, 11, 11))
    assert (r.new, r.escalated) == (1, 1)
    with Session(engine) as s:
        alert = s.execute(select(Alert).where(Alert.rule_id == "LC-R1")).scalar_one()
        level = s.get(type(order), order.id).escalation_level
    assert (alert.subject_id, alert.level, alert.department_id, level) == (str(order.id), "red", d1, 1)
    r = lc(date(2026, 11, 12))  # one more day overdue: facts refreshed, nothing material
    assert (r.refreshed, r.updated, r.escalated) == (1, 0, 0)
    r = lc(date(2026, 11, 17))
    assert (r.updated, r.escalated) == (1, 1)
    with Session(engine) as s:
        assert s.get(type(order), order.id).escalation_level == 2
        escalations = s.execute(select(AuditEvent.entity_id, AuditEvent.after)
                                .where(AuditEvent.action == "supervision.escalate")).all()
    assert [(e, json.loads(a)["escalation_level"]) for e, a in escalations] == \
        [(order.order_no, 1), (order.order_no, 2)]
    act(engine, order_service.answer_order, actor="data", scope=ALL, order_id=order.id, response="已整改")
    act(engine, order_service.accept_order, actor="sup", scope=ALL, order_id=order.id)
    assert lc(date(2026, 11, 18)).cleared == 1


def test_sync_is_registered_after_every_import():
    from services.lights.queue import sync_after_import
    from services.platform import ingest

    assert ingest.IMPORT_HOOKS.count(sync_after_import) == 1


def test_cli_lights_prints_filtered_alerts(org, test_rules, capsys):
    import manage

    engine, (d1, _) = org
    run(engine, [("a", d1, "210000", 11, 1), ("b", d1, "210000", 12, 1)])
    act(engine, order_service.close_alerts, actor="sup", scope=ALL, alert_ids=[alerts(engine)["b"].id])
    assert manage.main(["lights", "--level", "red", "--status", "open", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(r["rule_id"], r["level"], r["subject_id"], r["department_name"], r["region_code"],
             r["facts"]["value"]) for r in out] == [("T-R1", "red", "a", "甲局", "210000", 11)]
    assert manage.main(["lights", "--status", "closed", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,rule_id,system,level,status") and len(lines) == 2
    assert ",closed," in lines[1]


def test_cli_sync_alerts_runs_every_rule(org, capsys):
    import manage
    from services.lights.queue import pending, request_sync

    assert manage.main(["sync-alerts", "--full"]) == 0
    first = capsys.readouterr().out
    assert re.match(r"rules=\d+ new=0 updated=0 reopened=0 cleared=0 refreshed=0 unchanged=0 "
                    r"escalated=0 time=\d+\.\d\ds", first), first
    engine, (d1, _) = org
    assert manage.main(["sync-alerts"]) == 0
    assert capsys.readouterr().out == "nothing pending\n"
    with session_scope(engine) as s:
        request_sync(s, actor="t", departments=frozenset({d1}))
    assert pending(engine) == 1
    assert manage.main(["sync-alerts"]) == 0
    assert capsys.readouterr().out.startswith("rules=")
    assert pending(engine) == 0


def test_reads_and_actions_are_scoped(org, test_rules):
    from services.lights.read import AlertFilter, alerts_frame, orders_frame
    from services.platform.scope import Scope

    engine, (d1, d2) = org
    run(engine, [("a", d1, "210000", 11, 1), ("b", d2, "210000", 12, 1)])
    got = alerts(engine)
    elsewhere = Scope(region_codes=frozenset({"210102"}), root_region="210102")
    own_dept = Scope(region_codes=frozenset({"210000"}), department_id=d2, root_region="210000")
    assert act(engine, alerts_frame, scope=elsewhere).height == 0
    assert act(engine, alerts_frame, scope=own_dept)["subject_id"].to_list() == ["b"]
    assert act(engine, alerts_frame, scope=ALL, flt=AlertFilter(department_id=d1))["subject_id"].to_list() == ["a"]
    with pytest.raises(order_service.LightsError) as exc:
        act(engine, order_service.acknowledge, actor="x", scope=elsewhere, alert_ids=[got["a"].id])
    assert exc.value.key == "lights.err_alert_not_found"
    order = act(engine, order_service.issue_order, actor="sup", scope=ALL, alert_ids=[got["a"].id],
                                    department_id=d1, due_date=date(2030, 1, 1), instructions="整改")
    assert act(engine, orders_frame, scope=own_dept).height == 0  # addressed to d1, not to d2
    with pytest.raises(order_service.LightsError) as exc:
        act(engine, order_service.answer_order, actor="x", scope=own_dept, order_id=order.id, response="好")
    assert exc.value.key == "lights.err_order_not_found"
    assert alerts(engine)["a"].status == "supervising"
