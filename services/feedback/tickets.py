"""S5 tickets: intake (operators and the public) and every transition of the loop, each one an
event on the ticket's timeline and an audit record in the same transaction.

Services take a keyword-only session and never commit. Who may act: operators (admins, and
data officers without a department: the hotline / 民心网 desk) take the OPERATOR actions of
metrics.feedback.flow; the handling department's data officers the DEPARTMENT ones."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from core.clock import CHINA_TZ
from core.errors import AppError
from metrics.feedback.deadlines import add_workdays, calendar_span
from metrics.feedback.flow import OPERATOR, TERMINAL, TRANSITIONS, target_of
from models.base import utcnow
from models.feedback import SATISFACTION, Category, Ticket, TicketCreate, TicketEvent, TicketPublic
from models.org import Department, Region
from services.feedback import contact as contact_crypto
from services.platform import audit
from services.platform.scope import Scope
from services.platform.workcalendar import load_calendar

MAX_EXTENSION_DAYS = 30
_ADDRESS_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


class FeedbackError(AppError):
    """A refused ticket action or bad input (i18n key under feedback.err.*)."""


@dataclass(frozen=True)
class Actor:
    username: str
    roles: tuple[str, ...]
    department_id: int | None
    scope: Scope

    @property
    def is_operator(self) -> bool:
        return "admin" in self.roles or ("data_officer" in self.roles and self.department_id is None)

    def may(self, kind: str, ticket: Ticket | TicketPublic) -> bool:
        if "admin" in self.roles:
            return True
        if kind == OPERATOR:
            return self.is_operator
        return ("data_officer" in self.roles and self.department_id is not None
                and self.department_id == ticket.department_id)


def normalise_address(address: str) -> str:
    """Full-width to half-width, no spaces or punctuation, lower case: '和平区 中山路 1号'
    and '和平区中山路１号' are the same place."""
    return _ADDRESS_NOISE.sub("", unicodedata.normalize("NFKC", address or "")).lower()[:200]


def to_public(ticket: Ticket, *, reveal_contact: bool = False) -> TicketPublic:
    data = ticket.model_dump()
    data["contact"] = (contact_crypto.decrypt(ticket.contact_cipher) if reveal_contact
                       else ticket.contact_mask)
    return TicketPublic.model_validate(data)


def _china_day(ts: datetime):  # noqa: ANN202
    return ts.astimezone(CHINA_TZ).date()


def _due(session: Session, start, days: int):  # noqa: ANN001, ANN202
    lo, hi = calendar_span(start, days)
    return add_workdays(load_calendar(lo, hi, session=session).frame, start, days)


def _limits(category: Category, urgency: str) -> tuple[int, int]:
    if urgency == "urgent":
        return category.urgent_sign_days, category.urgent_reply_days
    return category.sign_days, category.reply_days


def _category(session: Session, code: str) -> Category:
    cat = session.execute(select(Category).where(Category.code == code)).scalar_one_or_none()
    if cat is None or not cat.active:
        raise FeedbackError("feedback.err.category", code=code)
    return cat


def _event(session: Session, ticket: Ticket, *, action: str, before: str | None, actor: str,
           note: str, public: bool, at: datetime) -> None:
    session.add(TicketEvent(ticket_id=ticket.id, action=action, from_status=before,
                            to_status=ticket.status, at=at, actor=actor,
                            department_id=ticket.department_id, note=note, public=public))
    audit.record(session, actor=actor, action=f"feedback.{action}", entity_type="fb_ticket",
                 entity_id=ticket.ticket_no, before={"status": before},
                 after={"status": ticket.status, "department_id": ticket.department_id,
                        "reply_due": ticket.reply_due, "note": note[:200]})


def create_ticket(*, session: Session, actor: str, data: TicketCreate, scope: Scope | None,
                  now: datetime | None = None, repeat_window_days: int = 30) -> tuple[TicketPublic, str]:
    """Register a ticket (受理). `scope` None is the public intake (any region). Returns the
    ticket and its query code (shown once; only its hash is kept)."""
    from services.feedback.repeats import find_repeat_of

    now = now or data.received_at or utcnow()
    if now.tzinfo is None:
        raise FeedbackError("feedback.err.naive_time")
    cat = _category(session, data.category_code)
    region = session.get(Region, data.region_code)
    if region is None or (scope is not None and not scope.allows_region(region.code)):
        raise FeedbackError("feedback.err.region", code=data.region_code)
    contact = data.contact.strip()
    ticket = Ticket(
        ticket_no="pending", query_hash="", channel=data.channel, received_at=now.astimezone(UTC),
        category_code=cat.code, urgency=data.urgency, content=data.content.strip(),
        region_code=region.code, address=data.address.strip(),
        address_norm=normalise_address(data.address), contact_hash=contact_crypto.contact_hash(contact),
        contact_cipher=contact_crypto.encrypt(contact), contact_mask=contact_crypto.mask(contact),
        status="received", published=data.published, updated_at=now, source_no=data.source_no)
    ticket.repeat_of_id = find_repeat_of(session, ticket, window_days=repeat_window_days)
    session.add(ticket)
    session.flush()
    # the number carries the day of receipt (China) and the id: unique without a counter
    ticket.ticket_no = f"S5{_china_day(now):%Y%m%d}{ticket.id:07d}"
    code = contact_crypto.new_query_code()
    ticket.query_hash = contact_crypto.query_hash(ticket.ticket_no, code)
    session.add(ticket)
    _event(session, ticket, action="receive", before=None, actor=actor, note="", public=True, at=now)
    session.flush()
    return to_public(ticket), code


def get_ticket(*, session: Session, scope: Scope, ticket_id: int) -> Ticket:
    t = Ticket
    row = session.execute(select(t).where(t.id == ticket_id,
                                          scope.where(t.region_code, t.department_id))).scalar_one_or_none()
    if row is None:
        raise FeedbackError("feedback.err.not_found", id=ticket_id)
    return row


def _reveal(actor: Actor | None, ticket: Ticket) -> bool:
    return (actor is not None and actor.department_id is not None
            and actor.department_id == ticket.department_id)


def view_ticket(*, session: Session, actor: Actor, ticket_no: str) -> TicketPublic | None:
    """The ticket in the actor's scope, by number; the contact in clear only for the
    handling department."""
    t = Ticket
    row = session.execute(select(t).where(t.ticket_no == ticket_no.strip().upper(),
                                          actor.scope.where(t.region_code, t.department_id))).scalar_one_or_none()
    return None if row is None else to_public(row, reveal_contact=_reveal(actor, row))


def view_ticket_by_id(*, session: Session, actor: Actor, ticket_id: int | None) -> TicketPublic | None:
    if ticket_id is None:
        return None
    t = Ticket
    row = session.execute(select(t).where(t.id == ticket_id,
                                          actor.scope.where(t.region_code, t.department_id))).scalar_one_or_none()
    return None if row is None else to_public(row, reveal_contact=_reveal(actor, row))


def act(*, session: Session, actor: Actor, ticket_id: int, action: str, note: str = "",
        department_id: int | None = None, days: int = 0, resolved: bool | None = None,
        satisfaction: str | None = None, master_id: int | None = None,
        now: datetime | None = None) -> TicketPublic:
    """Apply one transition of the loop to a ticket in the actor's scope."""
    now = now or utcnow()
    ticket = get_ticket(session=session, scope=actor.scope, ticket_id=ticket_id)
    tr = TRANSITIONS.get(action)
    before = ticket.status
    target = target_of(action, before)
    if tr is None or target is None:
        raise FeedbackError("feedback.err.transition", action=action, status=before)
    if not actor.may(tr.actor, ticket):
        raise FeedbackError("feedback.err.not_allowed", action=action)
    note = (note or "").strip()
    if tr.needs_note and not note:
        raise FeedbackError("feedback.err.note_required", action=action)
    today = _china_day(now)
    cat = _category(session, ticket.category_code)
    sign_days, reply_days = _limits(cat, ticket.urgency)

    def start_clock(dept_id: int) -> None:
        dept = session.get(Department, dept_id)
        if dept is None or not dept.active or not actor.scope.allows_region(dept.region_code):
            raise FeedbackError("feedback.err.department", id=dept_id)
        ticket.department_id = dept.id
        ticket.dispatched_on = today
        ticket.sign_due = _due(session, today, sign_days)
        ticket.reply_due = _due(session, today, reply_days + ticket.extension_days)
        ticket.signed_at = None

    if action in ("dispatch", "reassign"):
        if department_id is None:
            raise FeedbackError("feedback.err.department_required")
        if action == "reassign" and department_id == ticket.department_id:
            raise FeedbackError("feedback.err.same_department")
        start_clock(department_id)
    elif action == "reject_return":
        start_clock(ticket.department_id)
    elif action == "approve_return":
        ticket.department_id, ticket.sign_due, ticket.reply_due = None, None, None
    elif action == "return":
        ticket.return_count += 1
    elif action == "sign":
        ticket.signed_at = now
    elif action == "request_extension":
        if ticket.extension_pending:
            raise FeedbackError("feedback.err.extension_pending")
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            raise FeedbackError("feedback.err.extension_days", max=MAX_EXTENSION_DAYS)
        ticket.extension_pending = days
        note = f"{note}（{days}）"
    elif action in ("approve_extension", "reject_extension"):
        if not ticket.extension_pending:
            raise FeedbackError("feedback.err.no_extension")
        if action == "approve_extension":
            ticket.extension_days += ticket.extension_pending
            ticket.reply_due = _due(session, ticket.dispatched_on, reply_days + ticket.extension_days)
            note = note or ticket.reply_due.isoformat()
        ticket.extension_pending = 0
    elif action in ("reply", "direct_reply"):
        ticket.reply, ticket.replied_at = note, now
        ticket.visit_due = _due(session, today, cat.visit_days)
        ticket.extension_pending = 0
        if action == "direct_reply":
            ticket.department_id = None
    elif action == "visit":
        if resolved is None:
            raise FeedbackError("feedback.err.resolved_required")
        ticket.resolved, ticket.visited_at = resolved, now
    elif action == "evaluate":
        if satisfaction not in SATISFACTION:
            raise FeedbackError("feedback.err.satisfaction")
        ticket.satisfaction = satisfaction
        # the outcome leads the note: the citizen's status page shows that part only
        note = f"{satisfaction}：{note}" if note else satisfaction
    elif action == "close":
        if ticket.satisfaction == "unsatisfied" or not ticket.resolved:
            raise FeedbackError("feedback.err.close_unsatisfied")
        ticket.closed_at = now
    elif action == "reopen":
        if ticket.satisfaction != "unsatisfied" and ticket.resolved:
            raise FeedbackError("feedback.err.reopen_satisfied")
        if ticket.department_id is None:
            raise FeedbackError("feedback.err.department_required")
        ticket.reopen_count += 1
        ticket.extension_days = 0
        start_clock(ticket.department_id)
        ticket.reply = ticket.replied_at = ticket.visited_at = ticket.visit_due = None
        ticket.resolved = ticket.satisfaction = None
    elif action == "merge":
        master = get_ticket(session=session, scope=actor.scope, ticket_id=master_id or 0)
        if master.id == ticket.id or master.status in TERMINAL:
            raise FeedbackError("feedback.err.merge_target", no=master.ticket_no)
        ticket.merged_into_id = master.id
        ticket.repeat_of_id = ticket.repeat_of_id or master.id
        note = note or master.ticket_no
    ticket.status = target
    ticket.updated_at = now
    session.add(ticket)
    session.flush()
    _event(session, ticket, action=action, before=before, actor=actor.username, note=note,
           public=tr.public, at=now)
    session.flush()
    return to_public(ticket, reveal_contact=_reveal(actor, ticket))


def actions_for(actor: Actor, ticket: Ticket | TicketPublic) -> list[str]:
    """The actions the table allows now that this actor may take (the detail page's buttons)."""
    out = []
    for action, tr in TRANSITIONS.items():
        if ticket.status not in tr.sources or not actor.may(tr.actor, ticket):
            continue
        if action in ("approve_extension", "reject_extension") and not ticket.extension_pending:
            continue
        if action == "request_extension" and ticket.extension_pending:
            continue
        if action == "close" and (ticket.satisfaction == "unsatisfied" or not ticket.resolved):
            continue
        if action == "reopen" and ticket.satisfaction != "unsatisfied" and ticket.resolved:
            continue
        out.append(action)
    return out

