"""S5 reads into polars: tickets (scoped in SQL), the moves between departments, a ticket's
timeline, the catalog. Timestamps are read as UTC and turned into China dates in polars.

Public functions take a keyword-only session and the caller's Scope; `ticket_frame(bind, …)`
is the shared core the rule loaders call on an Engine or Connection (whole province)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Select
from sqlmodel import Session

from core.clock import utc_midnight
from metrics.feedback.flow import STATUSES, TERMINAL
from metrics.feedback.rules import MOVES_SCHEMA, TICKETS_SCHEMA
from models.feedback import Category, Ticket, TicketEvent
from models.org import Department, Region
from services.platform.frames import UTC_TIMESTAMP, read_frame, shanghai_date
from services.platform.scope import Scope
from services.platform.workcalendar import load_calendar

Bind = Engine | Connection
_STAMPS = ("received_on", "signed_on", "replied_on", "visited_on")
# the frame the KPIs and the list read: the rule columns plus what a list shows
LIST_EXTRA = {"channel": pl.String(), "urgency": pl.String(), "content": pl.String(),
              "address": pl.String(), "contact_mask": pl.String(), "published": pl.Boolean(),
              "received_at": UTC_TIMESTAMP}


def tickets_stmt(scope: Scope | None, *, since: date | None = None, until: date | None = None,
                 region_prefix: str | None = None, department_id: int | None = None,
                 status: str | None = None, category: str | None = None,
                 channel: str | None = None, text: str | None = None, extra: bool = False,
                 statuses: tuple[str, ...] | None = None, repeats: bool = False) -> Select:
    """The tickets the filters select; `statuses` keeps those statuses, `repeats` the tickets
    of matters raised more than once (each repeat and the ticket it repeats)."""
    t = Ticket
    cols = [t.id, t.ticket_no, t.department_id, t.region_code, t.category_code, t.status,
            t.received_at, t.sign_due, t.reply_due, t.visit_due, t.signed_at, t.replied_at,
            t.visited_at, t.resolved, t.satisfaction, t.reopen_count, t.return_count,
            t.repeat_of_id, t.merged_into_id]
    if extra:
        cols += [t.channel, t.urgency, t.content, t.address, t.contact_mask, t.published,
                 t.received_at]
    stmt = select(*cols)
    if scope is not None:
        stmt = stmt.where(scope.where(t.region_code, t.department_id))
    if since is not None:
        stmt = stmt.where(t.received_at >= utc_midnight(since))
    if until is not None:
        stmt = stmt.where(t.received_at < utc_midnight(until + timedelta(days=1)))
    if region_prefix:
        stmt = stmt.where(t.region_code.in_(select(Region.code).where(
            Region.path.like(f"%{region_prefix}/%"))))
    if department_id is not None:
        stmt = stmt.where(t.department_id == department_id)
    if status:
        stmt = stmt.where(t.status == status)
    if statuses is not None:
        stmt = stmt.where(t.status.in_(statuses))
    if repeats:
        repeated = select(t.repeat_of_id).where(t.repeat_of_id.is_not(None))
        stmt = stmt.where(t.repeat_of_id.is_not(None) | t.id.in_(repeated))
    if category:
        stmt = stmt.where(t.category_code == category)
    if channel:
        stmt = stmt.where(t.channel == channel)
    if text:
        stmt = stmt.where(t.ticket_no.contains(text, autoescape=True)
                          | t.content.contains(text, autoescape=True)
                          | t.address.contains(text, autoescape=True))
    return stmt


def ticket_frame(bind: Bind, scope: Scope | None, *, extra: bool = False, **filters) -> pl.DataFrame:  # noqa: ANN003
    """Tickets with China dates (reply_workdays_left left null: see `with_workdays_left`)."""
    base = {k: v for k, v in TICKETS_SCHEMA.items() if k != "reply_workdays_left"}
    raw = base | {c: UTC_TIMESTAMP for c in _STAMPS} | (LIST_EXTRA if extra else {})
    frame = read_frame(bind, tickets_stmt(scope, extra=extra, **filters), raw)
    return frame.with_columns(*(shanghai_date(c) for c in _STAMPS),
                              pl.lit(None, dtype=pl.Int32).alias("reply_workdays_left"))


def with_workdays_left(frame: pl.DataFrame, cal: pl.DataFrame, today: date) -> pl.DataFrame:
    """reply_workdays_left: working days after today up to the reply deadline (0 on it)."""
    ordinal = cal.select(pl.col("day").alias("reply_due"), pl.col("ordinal").alias("_o_due"))
    now = cal.filter(pl.col("day") == today)["ordinal"]
    base = int(now[0]) if now.len() else 0
    return (frame.drop("reply_workdays_left").join(ordinal, on="reply_due", how="left")
            .with_columns((pl.col("_o_due") - base).cast(pl.Int32).alias("reply_workdays_left"))
            .drop("_o_due"))


def calendar_around(bind: Bind, frame: pl.DataFrame, today: date) -> pl.DataFrame:
    known = [d for d in (frame["reply_due"].min(), today, frame["reply_due"].max()) if d is not None]
    lo, hi = min(known) - timedelta(days=1), max(known) + timedelta(days=1)
    with Session(bind) as s:
        return load_calendar(lo, hi, session=s).frame


def moves_frame(bind: Bind, scope: Scope | None = None, *, since: date | None = None) -> pl.DataFrame:
    e, t = TicketEvent, Ticket
    stmt = (select(e.department_id, t.region_code, e.action, e.at).join(t, t.id == e.ticket_id)
            .where(e.action.in_(("dispatch", "reassign", "reject_return", "reopen", "return"))))
    if scope is not None:
        stmt = stmt.where(scope.where(t.region_code, t.department_id))
    if since is not None:
        stmt = stmt.where(e.at >= utc_midnight(since))
    raw = MOVES_SCHEMA | {"on": UTC_TIMESTAMP}
    return read_frame(bind, stmt, raw).with_columns(shanghai_date("on"))


# ---- pages ---------------------------------------------------------------------------

def tickets(*, session: Session, scope: Scope, **filters) -> pl.DataFrame:  # noqa: ANN003
    return ticket_frame(session.connection(), scope, extra=True, **filters)


def ticket_page(*, session: Session, scope: Scope, offset: int, limit: int, **filters) -> pl.DataFrame:  # noqa: ANN003
    """One page of the list, newest first, paged in SQL (a province holds millions)."""
    t = Ticket
    stmt = (tickets_stmt(scope, extra=True, **filters).order_by(t.received_at.desc(), t.id.desc())
            .offset(offset).limit(limit))
    base = {k: v for k, v in TICKETS_SCHEMA.items() if k != "reply_workdays_left"}
    raw = base | {c: UTC_TIMESTAMP for c in _STAMPS} | LIST_EXTRA
    return read_frame(session.connection(), stmt, raw).with_columns(*(shanghai_date(c) for c in _STAMPS))


def ticket_counts(*, session: Session, scope: Scope, today: date, **filters) -> dict[str, int]:  # noqa: ANN003
    """total, open (not closed or merged) and overdue (with the department past the reply
    deadline) among the tickets the filters select."""
    sub = tickets_stmt(scope, **filters).subquery()
    handling = sub.c.status.in_(("dispatched", "signed", "processing"))
    row = session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((sub.c.status.not_in(("closed", "merged")), 1), else_=0)), 0),
        func.coalesce(func.sum(case((handling & (sub.c.reply_due < today), 1), else_=0)), 0))).one()
    return {"total": int(row[0]), "open": int(row[1]), "overdue": int(row[2])}


def open_count(*, session: Session, scope: Scope) -> int:
    """The tickets not closed or merged in scope (the cockpit's card): found through the
    status index, not by counting a province's million tickets."""
    t = Ticket
    stmt = select(func.count()).select_from(t).where(
        t.status.in_([s for s in STATUSES if s not in TERMINAL]), scope.where(t.region_code, t.department_id))
    return int(session.execute(stmt).scalar_one())


def timeline(*, session: Session, scope: Scope, ticket_id: int, public_only: bool = False) -> pl.DataFrame:
    e, t, d = TicketEvent, Ticket, Department
    stmt = (select(e.at, e.action, e.from_status, e.to_status, e.actor, d.name, e.note, e.public)
            .join(t, t.id == e.ticket_id).outerjoin(d, d.id == e.department_id)
            .where(e.ticket_id == ticket_id).order_by(e.id))
    if scope is not None:
        stmt = stmt.where(scope.where(t.region_code, t.department_id))
    if public_only:
        stmt = stmt.where(e.public.is_(True))
    schema = {"at": UTC_TIMESTAMP, "action": pl.String(), "from_status": pl.String(),
              "to_status": pl.String(), "actor": pl.String(), "department": pl.String(),
              "note": pl.String(), "public": pl.Boolean()}
    return read_frame(session.connection(), stmt, schema)


def categories(*, session: Session, active_only: bool = True) -> pl.DataFrame:
    c = Category
    stmt = select(c.code, c.name, c.department_kind, c.sign_days, c.reply_days,
                  c.urgent_sign_days, c.urgent_reply_days, c.visit_days, c.active).order_by(c.code)
    if active_only:
        stmt = stmt.where(c.active.is_(True))
    schema = {"code": pl.String(), "name": pl.String(), "department_kind": pl.String(),
              "sign_days": pl.Int64(), "reply_days": pl.Int64(), "urgent_sign_days": pl.Int64(),
              "urgent_reply_days": pl.Int64(), "visit_days": pl.Int64(), "active": pl.Boolean()}
    return read_frame(session.connection(), stmt, schema)



def department_kind(*, session: Session, category_code: str) -> str:
    """The kind of department a category's tickets go to ("" for an unknown category)."""
    kind = session.execute(select(Category.department_kind)
                           .where(Category.code == category_code)).scalar_one_or_none()
    return kind or ""

def departments(*, session: Session, scope: Scope, kind: str | None = None) -> pl.DataFrame:
    d = Department
    stmt = select(d.id, d.name, d.region_code, d.kind).where(d.active.is_(True),
                                                             scope.region_filter(d.region_code))
    if kind:
        stmt = stmt.where(d.kind == kind)
    return read_frame(session.connection(), stmt.order_by(d.region_code, d.id), {
        "id": pl.Int64(), "name": pl.String(), "region_code": pl.String(), "kind": pl.String()})


def regions(*, session: Session, scope: Scope | None = None) -> pl.DataFrame:
    r = Region
    stmt = select(r.code, r.name, r.level, r.parent_code).order_by(r.code)
    if scope is not None:
        stmt = stmt.where(scope.region_filter(r.code))
    return read_frame(session.connection(), stmt, {"code": pl.String(), "name": pl.String(),
                                                   "level": pl.String(), "parent_code": pl.String()})


def open_lights(*, session: Session, scope: Scope) -> dict[str, int]:
    """Open S5 alerts in scope by level (red / yellow)."""
    from core.statuses import LIGHT_OPEN
    from models.lights import Alert

    a = Alert
    return dict(session.execute(select(a.level, func.count()).where(
        a.system == "S5", a.status.in_(LIGHT_OPEN), scope.where(a.region_code, a.department_id))
        .group_by(a.level)).all())


def data_stamp(*, session: Session) -> tuple:
    """Changes whenever a ticket is added or changes (cache key of the pages' reads); two
    index look-ups, however many tickets there are."""
    t = Ticket
    return tuple(session.execute(select(func.max(t.id), func.max(t.updated_at))).one())
