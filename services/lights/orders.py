"""Supervisors' work on alerts and the 督办 (supervision order) workflow.

Alerts: acknowledge, dismiss as a false positive (reason required), close.
Orders: a supervisor issues one on alerts to a department (alerts -> supervising); the
department's data officer answers (alerts -> rectified); the supervisor accepts (order and
alerts closed) or returns it (alerts -> supervising again). Every transition writes the
alert's history and an audit event in the same transaction; every call checks the caller's
scope.

Every function works inside the caller's transaction (`session`, keyword-only) and never
commits: a page opens it with `ui.platform.db.unit_of_work()`, the CLI and tests with
`models.db.session_scope(engine)`, the demo seed passes its own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import uuid4

from sqlalchemy import select
from sqlmodel import Session

from core.clock import CHINA_TZ, china_today
from core.errors import AppError
from models.base import utcnow
from models.lights import (
    ACTIVE_ORDER_STATUSES,
    Alert,
    AlertEvent,
    SupervisionOrder,
    SupervisionOrderAlert,
)
from models.org import Department
from services.lights.queue import request_sync
from services.lights.sync_write import lock_alert_writes
from services.platform import audit
from services.platform.scope import Scope

MAX_TEXT = 2000


class LightsError(AppError):
    """A rejected action; `key` names the i18n message, `params` fill it."""


def _text(value: str | None, err_key: str, *, required: bool = True) -> str | None:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise LightsError(err_key)
    if len(cleaned) > MAX_TEXT:
        raise LightsError("lights.err_too_long", max=MAX_TEXT)
    return cleaned or None


def _alerts(s: Session, scope: Scope, ids: Iterable[int]) -> list[Alert]:
    wanted = sorted(set(int(i) for i in ids))
    if not wanted:
        raise LightsError("lights.err_no_alert")
    lock_alert_writes(s, shared=True)  # before any row: never interleaved with a sync's write
    rows = s.execute(
        select(Alert).where(Alert.id.in_(wanted), scope.where(Alert.region_code, Alert.department_id))
        .order_by(Alert.id).with_for_update()
    ).scalars().all()
    if len(rows) != len(wanted):
        raise LightsError("lights.err_alert_not_found")
    return list(rows)


def _move(s: Session, alerts: list[Alert], *, to: str, allowed: tuple[str, ...], actor: str,
          action: str, note: str | None = None, now: datetime, **fields: object) -> None:
    bad = [a for a in alerts if a.status not in allowed]
    if bad:
        raise LightsError("lights.err_bad_status", id=bad[0].id, status=bad[0].status)
    for a in alerts:
        before = a.status
        a.status, a.updated_at = to, now
        for k, v in fields.items():
            setattr(a, k, v)
        s.add(a)
        s.add(AlertEvent(alert_id=a.id, ts=now, actor=actor, action=action, from_status=before,
                         to_status=to, note=note))
        audit.record(s, actor=actor, action=f"alert.{action}", entity_type="alert",
                     entity_id=a.id, before={"status": before},
                     after={"status": to, **({"note": note} if note else {})})


# ---- alerts -------------------------------------------------------------------------------

def acknowledge(*, session: Session, actor: str, scope: Scope, alert_ids: Iterable[int],
                now: datetime | None = None) -> int:
    alerts = _alerts(session, scope, alert_ids)
    _move(session, alerts, to="acknowledged", allowed=("open",), actor=actor,
          action="acknowledged", now=now or utcnow())
    session.flush()
    return len(alerts)


def dismiss(*, session: Session, actor: str, scope: Scope, alert_ids: Iterable[int],
            reason: str, now: datetime | None = None) -> int:
    reason = _text(reason, "lights.err_reason_required")
    now = now or utcnow()
    alerts = _alerts(session, scope, alert_ids)
    _move(session, alerts, to="dismissed", allowed=("open", "acknowledged", "cleared"), actor=actor,
          action="dismissed", note=reason, now=now, dismiss_reason=reason[:500], closed_at=now)
    session.flush()
    return len(alerts)


def close_alerts(*, session: Session, actor: str, scope: Scope, alert_ids: Iterable[int],
                 note: str | None = None, now: datetime | None = None) -> int:
    note = _text(note, "", required=False)
    now = now or utcnow()
    alerts = _alerts(session, scope, alert_ids)
    _move(session, alerts, to="closed", allowed=("open", "acknowledged", "cleared"), actor=actor,
          action="closed", note=note, now=now, closed_at=now)
    session.flush()
    return len(alerts)


# ---- 督办 orders ----------------------------------------------------------------------------

def _order_snapshot(o: SupervisionOrder) -> dict:
    return {"order_no": o.order_no, "status": o.status, "department_id": o.department_id,
            "due_date": o.due_date.isoformat(), "escalation_level": o.escalation_level}


def _order(s: Session, scope: Scope, order_id: int) -> SupervisionOrder:
    lock_alert_writes(s, shared=True)  # as _alerts
    order = s.execute(
        select(SupervisionOrder).where(
            SupervisionOrder.id == order_id,
            scope.where(SupervisionOrder.region_code, SupervisionOrder.department_id),
        ).with_for_update()
    ).scalar_one_or_none()
    if order is None:
        raise LightsError("lights.err_order_not_found")
    return order


def _mark(s: Session, actor: str, order: SupervisionOrder, alerts: list[Alert]) -> None:
    """A 督办 action changes what the sync keeps (an order's alerts stay while it is active;
    LC-R1 watches the order): ask the sync worker for the departments involved (issue 12)."""
    departments = {order.department_id} | {a.department_id for a in alerts}
    request_sync(s, actor=actor, departments=None if None in departments
                 else frozenset(departments))


def _order_alerts(s: Session, order: SupervisionOrder) -> list[Alert]:
    return list(s.execute(
        select(Alert).join(SupervisionOrderAlert, SupervisionOrderAlert.alert_id == Alert.id)
        .where(SupervisionOrderAlert.order_id == order.id).order_by(Alert.id).with_for_update()
    ).scalars().all())


def issue_order(*, session: Session, actor: str, scope: Scope, alert_ids: Iterable[int],
                department_id: int, due_date: date, instructions: str,
                today: date | None = None, now: datetime | None = None) -> SupervisionOrder:
    instructions = _text(instructions, "lights.err_instructions_required")
    if due_date < (today or china_today()):
        raise LightsError("lights.err_due_past")
    now = now or utcnow()
    dept = session.get(Department, department_id)
    if dept is None or not scope.allows_region(dept.region_code) or (
            scope.department_id is not None and scope.department_id != dept.id):
        raise LightsError("lights.err_department")
    alerts = _alerts(session, scope, alert_ids)
    order = SupervisionOrder(
        order_no=f"tmp-{uuid4().hex[:24]}", issued_by=actor, issued_at=now,
        department_id=dept.id, region_code=dept.region_code, due_date=due_date,
        instructions=instructions, status="issued", updated_at=now,
    )
    session.add(order)
    session.flush()
    order.order_no = f"DB{now.astimezone(CHINA_TZ):%Y}{order.id:05d}"
    session.add(order)
    session.add_all(SupervisionOrderAlert(order_id=order.id, alert_id=a.id) for a in alerts)
    _move(session, alerts, to="supervising", allowed=("open", "acknowledged"), actor=actor,
          action="order_issued", note=order.order_no, now=now)
    audit.record(session, actor=actor, action="supervision.issue", entity_type="supervision_order",
                 entity_id=order.order_no,
                 after=_order_snapshot(order) | {"alerts": [a.id for a in alerts]})
    _mark(session, actor, order, alerts)
    session.flush()
    return order


def answer_order(*, session: Session, actor: str, scope: Scope, order_id: int,
                 response: str, now: datetime | None = None) -> SupervisionOrder:
    response = _text(response, "lights.err_response_required")
    now = now or utcnow()
    order = _order(session, scope, order_id)
    if order.status not in ("issued", "returned"):
        raise LightsError("lights.err_order_status", status=order.status)
    before = _order_snapshot(order)
    order.status, order.response, order.answered_by, order.answered_at = (
        "answered", response, actor, now)
    order.updated_at = now
    session.add(order)
    alerts = [a for a in _order_alerts(session, order) if a.status == "supervising"]
    _move(session, alerts, to="rectified", allowed=("supervising",), actor=actor,
          action="order_answered", note=order.order_no, now=now)
    audit.record(session, actor=actor, action="supervision.answer", entity_type="supervision_order",
                 entity_id=order.order_no, before=before,
                 after=_order_snapshot(order) | {"response": response})
    _mark(session, actor, order, alerts)
    session.flush()
    return order


def _decide(*, session: Session, actor: str, scope: Scope, order_id: int, accept: bool,
            note: str | None, now: datetime | None = None) -> SupervisionOrder:
    now = now or utcnow()
    order = _order(session, scope, order_id)
    if order.status != "answered":
        raise LightsError("lights.err_order_status", status=order.status)
    before = _order_snapshot(order)
    order.status = "accepted" if accept else "returned"
    order.decision_note, order.decided_by, order.updated_at = note, actor, now
    if accept:
        order.closed_at = now
    session.add(order)
    alerts = _order_alerts(session, order)
    if accept:
        _move(session, [a for a in alerts if a.status in ("rectified", "supervising")], to="closed",
              allowed=("rectified", "supervising"), actor=actor, action="order_accepted",
              note=order.order_no, now=now, closed_at=now)
    else:
        _move(session, [a for a in alerts if a.status == "rectified"], to="supervising",
              allowed=("rectified",), actor=actor, action="order_returned",
              note=order.order_no, now=now)
    audit.record(session, actor=actor,
                 action="supervision.accept" if accept else "supervision.return",
                 entity_type="supervision_order", entity_id=order.order_no, before=before,
                 after=_order_snapshot(order) | ({"note": note} if note else {}))
    _mark(session, actor, order, alerts)
    session.flush()
    return order


def accept_order(*, session: Session, actor: str, scope: Scope, order_id: int,
                 note: str | None = None, now: datetime | None = None) -> SupervisionOrder:
    return _decide(session=session, actor=actor, scope=scope, order_id=order_id, accept=True,
                   note=_text(note, "", required=False), now=now)


def return_order(*, session: Session, actor: str, scope: Scope, order_id: int, note: str,
                 now: datetime | None = None) -> SupervisionOrder:
    return _decide(session=session, actor=actor, scope=scope, order_id=order_id, accept=False,
                   note=_text(note, "lights.err_return_note_required"), now=now)


def is_active(status: str) -> bool:
    return status in ACTIVE_ORDER_STATUSES
