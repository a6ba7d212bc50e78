"""Scoped reads for the lights centre, 督办 orders and the cockpit: every query applies the
caller's Scope in SQL (region subtree, and department for department-level users). Each
takes the caller's `session` (keyword-only) and only reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from core.clock import CHINA_TZ
from models.audit import AuditEvent
from models.lights import Alert, AlertEvent, LightsState, SupervisionOrder, SupervisionOrderAlert
from models.org import Department, Region
from models.users import User
from services.lights.sync import LAST_RUN
from services.platform.scope import Scope

UTC_TS = pl.Datetime("us", "UTC")

ALERT_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.Int64(), "rule_id": pl.String(), "system": pl.String(), "level": pl.String(),
    "status": pl.String(), "subject_type": pl.String(), "subject_id": pl.String(),
    "department_id": pl.Int64(), "department_name": pl.String(), "region_code": pl.String(),
    "region_name": pl.String(), "facts": pl.String(), "detected_at": UTC_TS,
    "updated_at": UTC_TS, "cleared_at": UTC_TS, "closed_at": UTC_TS,
    "dismiss_reason": pl.String(),
}
ORDER_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.Int64(), "order_no": pl.String(), "status": pl.String(),
    "department_id": pl.Int64(), "department_name": pl.String(), "region_code": pl.String(),
    "region_name": pl.String(), "issued_by": pl.String(), "issued_at": UTC_TS,
    "due_date": pl.Date(), "instructions": pl.String(), "response": pl.String(),
    "answered_by": pl.String(), "answered_at": UTC_TS, "decision_note": pl.String(),
    "escalation_level": pl.Int64(), "closed_at": UTC_TS, "alerts": pl.Int64(),
    "issued_by_name": pl.String(), "answered_by_name": pl.String(),
}


@dataclass(frozen=True)
class AlertFilter:
    """Empty tuples / None mean "any"; dates are local (Asia/Shanghai) detection days."""

    systems: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    region_code: str | None = None      # this region and below
    department_id: int | None = None
    since: date | None = None
    until: date | None = None
    ids: tuple[int, ...] = field(default=())


def _frame(rows, schema) -> pl.DataFrame:  # noqa: ANN001
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, CHINA_TZ)


def _alert_select():  # noqa: ANN202
    return (
        select(Alert.id, Alert.rule_id, Alert.system, Alert.level, Alert.status,
               Alert.subject_type, Alert.subject_id, Alert.department_id,
               Department.name.label("department_name"), Alert.region_code,
               Region.name.label("region_name"), Alert.facts, Alert.detected_at,
               Alert.updated_at, Alert.cleared_at, Alert.closed_at, Alert.dismiss_reason)
        .outerjoin(Department, Department.id == Alert.department_id)
        .outerjoin(Region, Region.code == Alert.region_code)
    )


def _alert_where(scope: Scope, flt: AlertFilter) -> list:
    """The WHERE clauses of a scoped, filtered alert read (shared by the rows and the counts)."""
    where = [scope.where(Alert.region_code, Alert.department_id)]
    if flt.systems:
        where.append(Alert.system.in_(flt.systems))
    if flt.levels:
        where.append(Alert.level.in_(flt.levels))
    if flt.statuses:
        where.append(Alert.status.in_(flt.statuses))
    if flt.rule_ids:
        where.append(Alert.rule_id.in_(flt.rule_ids))
    if flt.department_id is not None:
        where.append(Alert.department_id == flt.department_id)
    if flt.ids:
        where.append(Alert.id.in_(flt.ids))
    if flt.region_code:
        root = select(Region.path).where(Region.code == flt.region_code).scalar_subquery()
        where.append(Alert.region_code.in_(
            select(Region.code).where(Region.path.startswith(root))))
    if flt.since:
        where.append(Alert.detected_at >= _local_midnight(flt.since))
    if flt.until:
        where.append(Alert.detected_at < _local_midnight(flt.until + timedelta(days=1)))
    return where


def alerts_frame(*, session: Session, scope: Scope, flt: AlertFilter | None = None,
                 limit: int | None = None, offset: int = 0) -> pl.DataFrame:
    """Alerts the caller may see, filtered, newest first (`limit`/`offset`: one page)."""
    stmt = (_alert_select().where(*_alert_where(scope, flt or AlertFilter()))
            .order_by(Alert.detected_at.desc(), Alert.id.desc()))
    if limit:
        stmt = stmt.limit(limit).offset(offset)
    return _frame(session.execute(stmt).all(), ALERT_COLUMNS)


def alert_level_counts(*, session: Session, scope: Scope,
                       flt: AlertFilter | None = None) -> dict[str, int]:
    """level -> number of alerts the filter selects (every one, not a page of them)."""
    rows = session.execute(select(Alert.level, func.count()).where(
        *_alert_where(scope, flt or AlertFilter())).group_by(Alert.level)).all()
    return {level: int(n) for level, n in rows}


def alert_history(*, session: Session, scope: Scope, alert_id: int) -> pl.DataFrame:
    """The alert's events, oldest first (empty when the alert is out of scope); `actor_name`
    is the person's display name (null for the system's own actors: sync, sweep)."""
    stmt = (
        select(AlertEvent.ts, AlertEvent.actor, AlertEvent.action, AlertEvent.from_status,
               AlertEvent.to_status, AlertEvent.facts_before, AlertEvent.facts_after,
               AlertEvent.note, User.display_name)
        .join(Alert, Alert.id == AlertEvent.alert_id)
        .outerjoin(User, User.username == AlertEvent.actor)
        .where(AlertEvent.alert_id == alert_id, scope.where(Alert.region_code, Alert.department_id))
        .order_by(AlertEvent.id)
    )
    rows = session.execute(stmt).all()
    return _frame(rows, {"ts": UTC_TS, "actor": pl.String, "action": pl.String,
                         "from_status": pl.String, "to_status": pl.String,
                         "facts_before": pl.String, "facts_after": pl.String, "note": pl.String,
                         "actor_name": pl.String})


def _order_select():  # noqa: ANN202
    counts = (select(SupervisionOrderAlert.order_id, func.count().label("n"))
              .group_by(SupervisionOrderAlert.order_id).subquery())
    o = SupervisionOrder
    issuer, answerer = aliased(User), aliased(User)  # people by name, not by login
    return (
        select(o.id, o.order_no, o.status, o.department_id, Department.name, o.region_code,
               Region.name, o.issued_by, o.issued_at, o.due_date, o.instructions, o.response,
               o.answered_by, o.answered_at, o.decision_note, o.escalation_level, o.closed_at,
               func.coalesce(counts.c.n, 0),
               func.coalesce(issuer.display_name, o.issued_by),
               func.coalesce(answerer.display_name, o.answered_by))
        .join(Department, Department.id == o.department_id)
        .join(Region, Region.code == o.region_code)
        .outerjoin(counts, counts.c.order_id == o.id)
        .outerjoin(issuer, issuer.username == o.issued_by)
        .outerjoin(answerer, answerer.username == o.answered_by)
    )


def orders_frame(*, session: Session, scope: Scope, statuses: tuple[str, ...] = (),
                 alert_id: int | None = None) -> pl.DataFrame:
    """督办 orders addressed to departments in the caller's scope, newest first."""
    o = SupervisionOrder
    stmt = _order_select().where(scope.where(o.region_code, o.department_id))
    if statuses:
        stmt = stmt.where(o.status.in_(statuses))
    if alert_id is not None:
        stmt = stmt.where(o.id.in_(select(SupervisionOrderAlert.order_id)
                                   .where(SupervisionOrderAlert.alert_id == alert_id)))
    return _frame(session.execute(stmt.order_by(o.issued_at.desc(), o.id.desc())).all(),
                  ORDER_COLUMNS)


def order_alerts(*, session: Session, scope: Scope, order_id: int) -> pl.DataFrame:
    """The alerts an order covers (only if the order itself is in scope)."""
    o = SupervisionOrder
    in_scope = select(o.id).where(o.id == order_id, scope.where(o.region_code, o.department_id))
    stmt = (_alert_select()
            .join(SupervisionOrderAlert, SupervisionOrderAlert.alert_id == Alert.id)
            .where(SupervisionOrderAlert.order_id.in_(in_scope))
            .order_by(Alert.id))
    return _frame(session.execute(stmt).all(), ALERT_COLUMNS)


@dataclass(frozen=True)
class CockpitFrames:
    regions: pl.DataFrame      # code, name, level, parent_code, path
    departments: pl.DataFrame  # id, name, region_code, region_name
    alerts: pl.DataFrame       # id, rule_id, system, level, status, department_id, region_code
    events: pl.DataFrame       # alert_id, ts, from_status, to_status, level
    orders: pl.DataFrame       # id, status, due_date, escalation_level, department_id


def cockpit_frames(*, session: Session, scope: Scope) -> CockpitFrames:
    """Everything the lights board and the cockpit compute from, in the caller's scope."""
    alert_scope = scope.where(Alert.region_code, Alert.department_id)
    regions = session.execute(
        select(Region.code, Region.name, Region.level, Region.parent_code, Region.path)
        .where(scope.region_filter(Region.code)).order_by(Region.path)).all()
    depts = session.execute(
        select(Department.id, Department.name, Department.region_code, Region.name)
        .join(Region, Region.code == Department.region_code)
        .where(scope.where(Department.region_code, Department.id), Department.active.is_(True))
        .order_by(Department.id)).all()
    alerts = session.execute(
        select(Alert.id, Alert.rule_id, Alert.system, Alert.level, Alert.status,
               Alert.department_id, Alert.region_code).where(alert_scope)).all()
    events = session.execute(
        select(AlertEvent.alert_id, AlertEvent.ts, AlertEvent.from_status,
               AlertEvent.to_status, Alert.level)
        .join(Alert, Alert.id == AlertEvent.alert_id)
        .where(alert_scope, AlertEvent.from_status.is_distinct_from(AlertEvent.to_status))
    ).all()
    o = SupervisionOrder
    orders = session.execute(
        select(o.id, o.status, o.due_date, o.escalation_level, o.department_id)
        .where(scope.where(o.region_code, o.department_id))).all()
    return CockpitFrames(
        regions=pl.DataFrame(
            [(r[0], r[1], str(getattr(r[2], "value", r[2])), r[3], r[4]) for r in regions],
            schema={"code": pl.String, "name": pl.String, "level": pl.String,
                    "parent_code": pl.String, "path": pl.String}, orient="row"),
        departments=_frame(depts, {"id": pl.Int64, "name": pl.String, "region_code": pl.String,
                                   "region_name": pl.String}),
        alerts=_frame(alerts, {"id": pl.Int64, "rule_id": pl.String, "system": pl.String,
                               "level": pl.String, "status": pl.String,
                               "department_id": pl.Int64, "region_code": pl.String}),
        events=_frame(events, {"alert_id": pl.Int64, "ts": UTC_TS, "from_status": pl.String,
                               "to_status": pl.String, "level": pl.String}),
        orders=_frame(orders, {"id": pl.Int64, "status": pl.String, "due_date": pl.Date,
                               "escalation_level": pl.Int64, "department_id": pl.Int64}),
    )


def last_sync_at(*, session: Session) -> datetime | None:
    """When the rules last ran: every sync records its time (services.lights.sync.LAST_RUN);
    before that record existed, the last sync that changed the alerts (its `alerts.sync`
    audit event)."""
    state = session.get(LightsState, LAST_RUN)
    ts = state.updated_at if state is not None else session.execute(
        select(func.max(AuditEvent.ts)).where(AuditEvent.action == "alerts.sync")).scalar_one()
    if ts is not None and ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts


def rule_choices(*, session: Session, scope: Scope) -> list[str]:
    """Rule ids that have alerts in scope (for the filter), sorted."""
    return list(session.execute(
        select(Alert.rule_id).where(scope.where(Alert.region_code, Alert.department_id))
        .distinct().order_by(Alert.rule_id)).scalars())


def data_stamp(*, session: Session) -> tuple:
    """Changes whenever alerts, their history or orders change: a cache key for the cockpit."""
    a = session.execute(select(func.count(), func.max(Alert.updated_at)).select_from(Alert)).one()
    e = session.execute(select(func.max(AlertEvent.id))).scalar_one()
    o = session.execute(select(func.count(), func.max(SupervisionOrder.updated_at))
                  .select_from(SupervisionOrder)).one()
    return (a[0], str(a[1]), e, o[0], str(o[1]))
