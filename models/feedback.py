"""S5 民意诉求反馈: the dispatch catalog, tickets (工单) from every channel and their event
history (every transition of the loop, see metrics/feedback/flow.py).

The citizen's contact is never stored in clear: `contact_hash` (keyed HMAC, for repeat
detection), `contact_cipher` (Fernet, read only by the handling department) and
`contact_mask` (138****5678, shown to everyone else). The public query code is stored hashed.
Deadlines are China calendar dates in working days, set by the service at each transition."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import field_validator
from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from models.base import utcnow

CHANNELS: tuple[str, ...] = ("minxin", "hotline", "12345", "letter", "visit", "open311")
URGENCIES: tuple[str, ...] = ("normal", "urgent")
SATISFACTION: tuple[str, ...] = ("satisfied", "basically", "unsatisfied")


class CategoryBase(SQLModel):
    """One line of the dispatch catalog: what a complaint is about, which kind of department
    answers it (services.platform.reference.DEPARTMENT_KINDS) and its limits in working days."""

    code: str = Field(min_length=2, max_length=16)        # also the Open311 service_code
    name: str = Field(min_length=1, max_length=64)
    department_kind: str = Field(max_length=32)
    description: str = Field(default="", max_length=500)
    sign_days: int = Field(default=1, ge=0, le=30)        # 签收 after 派单
    reply_days: int = Field(default=10, ge=1, le=120)     # 答复 after 派单
    urgent_sign_days: int = Field(default=0, ge=0, le=30)
    urgent_reply_days: int = Field(default=3, ge=1, le=120)
    visit_days: int = Field(default=3, ge=1, le=60)       # 回访 after 答复
    active: bool = True


class Category(CategoryBase, table=True):
    __tablename__ = "fb_category"
    __table_args__ = (Index("uq_fb_category_code", "code", unique=True),)

    id: int | None = Field(default=None, primary_key=True)


class TicketCreate(SQLModel):
    """What an operator or a citizen submits (validated here; table models skip validation)."""

    channel: str
    category_code: str = Field(min_length=2, max_length=16)
    region_code: str = Field(min_length=6, max_length=6)
    address: str = Field(default="", max_length=200)
    content: str = Field(min_length=5, max_length=4000)
    contact: str = Field(default="", max_length=32)
    urgency: str = "normal"
    received_at: datetime | None = None
    published: bool = True          # the citizen agreed to the public (de-personalised) listing
    source_no: str | None = Field(default=None, max_length=64)  # the sending system's number

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str) -> str:
        if v not in CHANNELS:
            raise ValueError(f"unknown channel {v!r}")
        return v

    @field_validator("urgency")
    @classmethod
    def _urgency(cls, v: str) -> str:
        if v not in URGENCIES:
            raise ValueError(f"unknown urgency {v!r}")
        return v


class Ticket(SQLModel, table=True):
    __tablename__ = "fb_ticket"
    __table_args__ = (
        Index("uq_fb_ticket_no", "ticket_no", unique=True),
        Index("ix_fb_ticket_region_received", "region_code", "received_at"),
        Index("ix_fb_ticket_dept_received", "department_id", "received_at"),
        Index("ix_fb_ticket_status", "status"),
        Index("ix_fb_ticket_received", "received_at"),
        Index("ix_fb_ticket_updated", "updated_at"),
        Index("ix_fb_ticket_contact", "contact_hash"),
        Index("ix_fb_ticket_address", "address_norm", "category_code"),
        # the sending system's own number (a 12345 work order, a 民心网 post): an upload
        # registers each one once
        Index("uq_fb_ticket_source", "channel", "source_no", unique=True),
        # the repeats (6 % of tickets) and what they repeat: FB-R3's input reads them by this
        # index, not by scanning a province's million tickets (services.feedback.read)
        Index("ix_fb_ticket_repeat_of", "repeat_of_id", sqlite_where=text("repeat_of_id IS NOT NULL"),
              postgresql_where=text("repeat_of_id IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_no: str = Field(max_length=32)
    query_hash: str = Field(max_length=64)                # sha256(ticket_no:code)
    channel: str = Field(max_length=16)
    source_no: str | None = Field(default=None, max_length=64)
    received_at: datetime
    category_code: str = Field(foreign_key="fb_category.code", max_length=16)
    urgency: str = Field(default="normal", max_length=8)
    content: str = Field(sa_column=Column(Text, nullable=False))
    region_code: str = Field(foreign_key="region.code", max_length=6)
    address: str = Field(default="", max_length=200)
    address_norm: str = Field(default="", max_length=200)
    contact_hash: str | None = Field(default=None, max_length=64)
    contact_cipher: str | None = Field(default=None, max_length=200)
    contact_mask: str = Field(default="", max_length=32)
    status: str = Field(default="received", max_length=16)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    merged_into_id: int | None = Field(default=None, foreign_key="fb_ticket.id")
    repeat_of_id: int | None = Field(default=None, foreign_key="fb_ticket.id")
    dispatched_on: date | None = None
    sign_due: date | None = None
    reply_due: date | None = None
    visit_due: date | None = None
    extension_days: int = Field(default=0, ge=0)
    extension_pending: int = Field(default=0, ge=0)       # working days asked, not yet decided
    signed_at: datetime | None = None
    replied_at: datetime | None = None
    visited_at: datetime | None = None
    closed_at: datetime | None = None
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resolved: bool | None = None
    satisfaction: str | None = Field(default=None, max_length=16)
    reopen_count: int = Field(default=0, ge=0)
    return_count: int = Field(default=0, ge=0)
    published: bool = True
    updated_at: datetime = Field(default_factory=utcnow)


class TicketEvent(SQLModel, table=True):
    """One transition of a ticket (the timeline); `public` events show on the citizen's
    status page (without `note` when it is internal)."""

    __tablename__ = "fb_event"
    __table_args__ = (
        Index("ix_fb_event_ticket", "ticket_id", "id"),
        Index("ix_fb_event_action_at", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="fb_ticket.id")
    action: str = Field(max_length=24)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=64)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    public: bool = False


class TicketPublic(SQLModel):
    """A ticket as services hand it out: no hash, no cipher; `contact` is the mask unless
    the reader is the handling department."""

    id: int
    ticket_no: str
    channel: str
    received_at: datetime
    category_code: str
    urgency: str
    content: str
    region_code: str
    address: str
    contact: str
    status: str
    department_id: int | None
    merged_into_id: int | None
    repeat_of_id: int | None
    sign_due: date | None
    reply_due: date | None
    visit_due: date | None
    extension_days: int
    extension_pending: int
    reply: str | None
    resolved: bool | None
    satisfaction: str | None
    reopen_count: int
    return_count: int
    published: bool
