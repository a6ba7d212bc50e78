"""Lights centre, 督办 orders and cockpit as supervisors, data officers and leaders use them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import polars as pl
import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from core.clock import CHINA_TZ
from i18n import translate
from metrics.lights.registry import RULES, Rule, facts_json, register
from models.audit import AuditEvent
from models.esupervision import ApprovalCase
from models.lights import Alert, SupervisionOrder, SyncRequest
from models.org import Department
from models.users import User
from services.lights.queue import drain
from services.lights.sync import sync_alerts
from tests.app.helpers import login, open_page, texts


def tr(key: str, **params) -> str:
    return translate(key, "zh_CN", **params)


def _fires(frames, params):
    return frames["t_app"].select(
        pl.lit("item").alias("subject_type"), pl.col("id").alias("subject_id"),
        "department_id", "region_code", facts_json(pl.col("value")))


@pytest.fixture
def app_rule():
    rule = register(Rule(id="T-APP", system="S4", level="red", subject_type="item",
                         title_key="lights.rules.lc_r1.title", definition_key="lights.rules.lc_r1.definition",
                         basis_key="lights.rules.lc_r1.basis", inputs=("t_app",), fn=_fires))
    yield rule
    RULES.pop(rule.id, None)


def _officer_department(engine, username: str) -> Department:
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return s.get(Department, user.department_id)


def _raise_alerts(engine, dept: Department, n: int) -> list[int]:
    frame = pl.DataFrame({"id": [f"x{i}" for i in range(n)], "department_id": [dept.id] * n,
                          "region_code": [dept.region_code] * n, "value": list(range(n))})
    sync_alerts(engine, actor="test", rule_ids=["T-APP"], inputs={"t_app": frame})
    with Session(engine) as s:
        return list(s.execute(select(Alert.id).where(Alert.rule_id == "T-APP")
                              .order_by(Alert.subject_id)).scalars())


def _alert(engine, alert_id: int) -> Alert:
    with Session(engine) as s:
        return s.get(Alert, alert_id)


def _pick(at, *alert_ids: int):  # noqa: ANN001, ANN202
    """Tick the alerts' rows in the centre's table, as a click does."""
    table = next(d for d in at.dataframe if d.key and d.key.startswith("lc_table"))
    shown = table.value[tr("lights.col.id")].tolist()
    at.session_state[table.key] = {"selection": {"rows": [shown.index(i) for i in alert_ids],
                                                 "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at


def _submit(at, label: str):
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def test_supervisor_filters_acknowledges_and_dismisses(seeded, app_rule):
    dept = _officer_department(seeded, "county_data")
    first, second, _ = _raise_alerts(seeded, dept, 3)
    at = open_page(login("county_supervisor"), "pages/lights/centre.py")
    assert texts(at.title) == [tr("lights.centre.title")]
    at.multiselect(key="lf_system").set_value(["S4"]).run()
    at.multiselect(key="lf_level").set_value(["red"]).run()
    assert [m.value for m in at.metric] == ["3", "0", "3"]
    assert (at.query_params["system"], at.query_params["level"]) == ("S4", "red")
    table = at.dataframe[0].value
    assert sorted(table[tr("lights.col.facts")].tolist()) == ["数值：0", "数值：1", "数值：2"]

    _pick(at, first)
    assert at.query_params["alert"] == str(first)
    assert texts(at.subheader)[0] == tr("lights.detail.title", id=first,
                                        rule="T-APP " + tr("lights.rules.lc_r1.title"))
    _submit(at, tr("lights.act.acknowledge"))
    assert tr("lights.act.acknowledged", id=first) in texts(at.success)
    assert _alert(seeded, first).status == "acknowledged"

    _pick(at, second)
    _submit(at, tr("lights.act.dismiss"))
    assert texts(at.error) == [tr("lights.err_reason_required")]
    assert _alert(seeded, second).status == "open"
    at.text_area(key="act_reason").input("重复上报，已在另一预警中处理")
    _submit(at, tr("lights.act.dismiss"))
    assert tr("lights.act.dismissed", id=second) in texts(at.success)
    dismissed = _alert(seeded, second)
    assert (dismissed.status, dismissed.dismiss_reason) == ("dismissed", "重复上报，已在另一预警中处理")
    # the detail's history shows both steps of the dismissed alert
    history = at.dataframe[1].value
    assert history[tr("lights.hist.action")].tolist() == [tr("lights.action.created"),
                                                          tr("lights.action.dismissed")]
    with Session(seeded) as s:
        audit = s.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.entity_id)
                          .where(AuditEvent.action.startswith("alert."),
                                 AuditEvent.actor == "county_supervisor")).all()
    assert sorted(audit) == [("county_supervisor", "alert.acknowledged", str(first)),
                             ("county_supervisor", "alert.dismissed", str(second))]


def test_order_round_trip_issue_answer_accept(seeded, app_rule):
    dept = _officer_department(seeded, "county_data")
    ids = _raise_alerts(seeded, dept, 2)
    at = open_page(login("county_supervisor"), "pages/lights/centre.py")
    at.multiselect(key="lf_system").set_value(["S4"]).run()
    _pick(at, ids[0])
    at.multiselect(key="act_order_alerts").set_value(ids)
    at.selectbox(key="act_order_dept").set_value(dept.id)
    _submit(at, tr("lights.act.order_issue"))
    assert texts(at.error) == [tr("lights.err_instructions_required")]
    at.text_area(key="act_order_instructions").input("十日内完成整改并报送材料")
    _submit(at, tr("lights.act.order_issue"))
    with Session(seeded) as s:
        order = s.execute(select(SupervisionOrder).where(SupervisionOrder.department_id == dept.id,
                                                         SupervisionOrder.issued_by == "county_supervisor")
                          ).scalar_one()
    assert tr("lights.act.order_issued", no=order.order_no) in texts(at.success)
    assert [_alert(seeded, i).status for i in ids] == ["supervising", "supervising"]

    # a data officer of another department never sees it
    other = open_page(login("county2_data"), "pages/lights/orders.py")
    assert order.order_no not in other.dataframe[0].value[tr("lights.order.no")].tolist()

    officer = login("county_data")
    officer.query_params["order"] = order.order_no
    open_page(officer, "pages/lights/orders.py")
    assert officer.selectbox(key="so_order").value == order.order_no
    _submit(officer, tr("lights.orders.answer"))
    assert texts(officer.error) == [tr("lights.err_response_required")]
    officer.text_area(key="so_response").input("已完成整改，制度已修订")
    _submit(officer, tr("lights.orders.answer"))
    assert tr("lights.orders.answered", no=order.order_no) in texts(officer.success)
    assert [_alert(seeded, i).status for i in ids] == ["rectified", "rectified"]

    sup = login("county_supervisor")
    sup.query_params["order"] = order.order_no
    open_page(sup, "pages/lights/orders.py")
    assert "已完成整改，制度已修订" in texts(sup.text)
    _submit(sup, tr("lights.orders.accept"))
    assert tr("lights.orders.accepted", no=order.order_no) in texts(sup.success)
    assert [_alert(seeded, i).status for i in ids] == ["closed", "closed"]
    with Session(seeded) as s:
        trail = s.execute(select(AuditEvent.actor, AuditEvent.action)
                          .where(AuditEvent.entity_id == order.order_no).order_by(AuditEvent.id)).all()
        after = json.loads(s.execute(select(AuditEvent.after).where(
            AuditEvent.action == "supervision.accept", AuditEvent.entity_id == order.order_no)).scalar_one())
    assert trail == [("county_supervisor", "supervision.issue"), ("county_data", "supervision.answer"),
                     ("county_supervisor", "supervision.accept")]
    assert after["status"] == "accepted"
    # re-running the rules neither duplicates nor resurrects anything
    frame = pl.DataFrame({"id": ["x0", "x1"], "department_id": [dept.id] * 2,
                          "region_code": [dept.region_code] * 2, "value": [0, 1]})
    assert sync_alerts(seeded, actor="test", rule_ids=["T-APP"], inputs={"t_app": frame}).changed == 0
    assert [_alert(seeded, i).status for i in ids] == ["closed", "closed"]


def test_cockpit_figures_and_links_for_a_leader(seeded):
    with Session(seeded) as s:
        open_red = s.execute(select(func.count()).select_from(Alert).where(
            Alert.level == "red", Alert.status.in_(["open", "acknowledged", "supervising"]))).scalar_one()
        active = s.execute(select(func.count()).select_from(SupervisionOrder).where(
            SupervisionOrder.status != "accepted")).scalar_one()
    at = open_page(login("prov_leader"), "pages/lights/cockpit.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[tr("lights.cockpit.open_red")] == str(open_red)
    assert metrics[tr("lights.cockpit.orders_open")] == str(active) == "4"
    assert metrics[tr("lights.cockpit.orders_overdue")] == "1"
    assert len(at.get("plotly_chart")) == 3
    links = {p.value: p.proto.query_string for p in at.page_link}
    assert links[tr("lights.cockpit.view", n=open_red)] == \
        "level=red&status=open%2Cacknowledged%2Csupervising"
    # the leader's lights centre opens already filtered from the link's query string
    centre = login("prov_leader")
    centre.query_params.update({"level": "red", "status": "open,acknowledged,supervising"})
    open_page(centre, "pages/lights/centre.py")
    assert [m.value for m in centre.metric][0] == str(open_red)
    assert not [b for b in centre.button if b.label == tr("lights.act.acknowledge")]  # leaders read only


def test_run_rules_now_queues_a_full_sync_and_shows_the_lights_when_it_is_in(seeded):
    """"立即运行规则" returns at once: the page says "预警更新中…" while the full sync waits for
    the worker, then shows the new lights and when the rules ran."""
    dept = _officer_department(seeded, "county_data")
    with Session(seeded) as s:  # a case of the county made to break AP-R3, with no sync asked
        case_no = s.execute(select(ApprovalCase.case_no).where(
            ApprovalCase.department_id == dept.id,
            ApprovalCase.case_no.not_in(select(Alert.subject_id).where(Alert.rule_id == "AP-R3")))
            .order_by(ApprovalCase.id)).scalars().first()
    with seeded.begin() as conn:
        conn.execute(update(ApprovalCase).where(ApprovalCase.case_no == case_no)
                     .values(fee_charged=Decimal("98765.00")))
    at = open_page(login("county_supervisor"), "pages/lights/centre.py")
    red = int(at.metric[0].value.replace(",", ""))

    _submit(at, tr("lights.centre.sync"))
    assert texts(at.info)[0] == tr("lights.queue.pending")  # 预警更新中…
    assert int(at.metric[0].value.replace(",", "")) == red  # the old lights meanwhile
    with Session(seeded) as s:
        request = s.execute(select(SyncRequest).where(SyncRequest.done_at.is_(None))).scalar_one()
    assert (request.actor, request.departments, request.tables) == ("county_supervisor", None, None)

    ran = datetime.now(UTC).replace(microsecond=0)
    drain(seeded, actor="worker", now=ran)  # the worker ran
    at.run()
    assert not at.exception, at.exception
    assert tr("lights.queue.pending") not in texts(at.info)
    captions = texts(at.caption)
    assert tr("lights.centre.synced") in captions
    beijing = ran.astimezone(CHINA_TZ)
    assert tr("lights.centre.last_run", ts=f"{beijing:%Y-%m-%d %H:%M:%S}") in captions  # Beijing time
    assert int(at.metric[0].value.replace(",", "")) == red + 1
    with Session(seeded) as s:
        assert s.execute(select(Alert.status).where(
            Alert.rule_id == "AP-R3", Alert.subject_id == case_no)).scalar_one() == "open"
