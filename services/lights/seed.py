"""Demo lights: run every registered rule over the seeded systems, then work some alerts the
way supervisors and departments would (acknowledged, dismissed with a reason, closed, 督办
orders issued / answered / returned / accepted / overdue), all through the same services and
audit trail as the app. Deterministic: alerts are taken in (rule, subject) order. Runs last."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from core.clock import CHINA_TZ
from models.base import utcnow
from models.lights import Alert, SyncRequest
from models.users import User
from services.lights import orders as order_service
from services.lights.sync import sync_alerts_in
from services.platform.scope import ALL

SUPERVISOR = "prov_supervisor"
DETECTED_DAYS_AGO = 35

# (issued days ago, due in days (negative: past), answered days ago, decision, decided days ago)
ORDERS = [
    (12, 3, 2, None, None),          # answered, waiting for the supervisor
    (5, 10, None, None, None),       # just issued
    (30, -8, None, None, None),      # ignored and overdue: LC-R1 lights red, escalated
    (25, -10, 14, "accept", 12),     # accepted: its alerts are closed
    (20, 2, 10, "return", 8),        # returned for more work
]
INSTRUCTIONS = "请于期限内核实预警事项，完成整改并反馈整改措施和佐证材料。"
RESPONSES = "已对照预警逐项核查，完善了相关制度和流程，责任人已约谈，佐证材料已上传。"


def _officers(session: Session) -> dict[int, str]:
    rows = session.execute(
        select(User.department_id, User.username)
        .where(User.roles.contains("data_officer"), User.department_id.is_not(None))
        .order_by(User.username)).all()
    return {dept: name for dept, name in reversed(rows)}


def seed_lights(session: Session, *, scale: str) -> dict[str, int]:  # noqa: ARG001
    now = utcnow()
    first = sync_alerts_in(session=session, actor="system",
                           now=now - timedelta(days=DETECTED_DAYS_AGO))
    officers = _officers(session)
    rows = session.execute(
        select(Alert.id, Alert.department_id).where(Alert.status == "open",
                                                    Alert.department_id.is_not(None))
        .order_by(Alert.rule_id, Alert.subject_id)).all()
    # departments with a demo data officer first, so their logins have orders to answer; the
    # first open alert of each such department stays untouched, for a supervisor to work
    queue = [r for r in rows if r.department_id in officers] + \
            [r for r in rows if r.department_id not in officers]
    reserved = {}
    for r in queue:
        if r.department_id in officers:
            reserved.setdefault(r.department_id, r.id)
    used: set[int] = set(reserved.values())

    def take(n: int, *, fresh_department: bool = False) -> list:
        out = []
        for r in queue:
            if r.id in used or (fresh_department and any(r.department_id == o.department_id
                                                         for o in out)):
                continue
            out.append(r)
            used.add(r.id)
            if len(out) == n:
                break
        return out

    def ago(days: int):  # noqa: ANN202
        return now - timedelta(days=days)

    counts = {"orders": 0, "acknowledged": 0, "dismissed": 0, "closed": 0}
    orders_made: list = []
    picked_for_orders = take(len(ORDERS), fresh_department=True)
    for spec, alert in zip(ORDERS, picked_for_orders, strict=False):
        issued, due_in, answered, decision, decided = spec
        order = order_service.issue_order(
            session=session, actor=SUPERVISOR, scope=ALL, alert_ids=[alert.id],
            department_id=alert.department_id,
            due_date=(now + timedelta(days=due_in)).astimezone(CHINA_TZ).date(),
            instructions=INSTRUCTIONS, today=ago(issued).astimezone(CHINA_TZ).date(), now=ago(issued))
        if answered is not None:
            order_service.answer_order(session=session, actor=officers.get(alert.department_id, "system"),
                                     scope=ALL, order_id=order.id, response=RESPONSES,
                                     now=ago(answered))
        if decision == "accept":
            order_service.accept_order(session=session, actor=SUPERVISOR, scope=ALL, order_id=order.id,
                                     note="整改到位，同意办结。", now=ago(decided))
        elif decision == "return":
            order_service.return_order(session=session, actor=SUPERVISOR, scope=ALL, order_id=order.id,
                                     note="佐证材料不全，请补充后重新反馈。", now=ago(decided))
        orders_made.append(order)
    counts["orders"] = len(orders_made)

    ack = [r.id for r in take(3)]
    if ack:
        counts["acknowledged"] = order_service.acknowledge(session=session, actor=SUPERVISOR, scope=ALL,
                                                         alert_ids=ack, now=ago(20))
    dismissed = [r.id for r in take(1)]
    if dismissed:
        counts["dismissed"] = order_service.dismiss(
            session=session, actor=SUPERVISOR, scope=ALL, alert_ids=dismissed, now=ago(18),
            reason="经核实为数据录入错误，相关记录已更正，不属违规。")
    closed = [r.id for r in take(2)]
    if closed:
        counts["closed"] = order_service.close_alerts(session=session, actor=SUPERVISOR, scope=ALL,
                                                    alert_ids=closed, note="已当面督促整改完毕。",
                                                    now=ago(15))
    # today's run: rules see the orders (the overdue one lights LC-R1 and is escalated)
    last = sync_alerts_in(session=session, actor="system", now=now)
    # that full run covers the sync requests the orders above recorded
    session.execute(update(SyncRequest).where(SyncRequest.done_at.is_(None)).values(done_at=now))
    return {"alerts": first.new + last.new, **counts, "escalated": last.escalated}
