"""Red/yellow lights: alerts raised by the light rules, their history, and 督办 supervision orders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.statuses import (  # noqa: F401  (the statuses of these tables)
    ACTIVE_ORDER_STATUSES,
    ALERT_STATUSES,
    ORDER_STATUSES,
    AlertStatus,
    OrderStatus,
)
from models.base import utcnow


class Alert(SQLModel, table=True):
    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("rule_id", "subject_type", "subject_id",
                                       name="uq_alert_rule_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: str = Field(max_length=32, index=True)
    system: str = Field(max_length=8, index=True)
    level: str = Field(max_length=8, index=True)      # red / yellow
    subject_type: str = Field(max_length=32)
    subject_id: str = Field(max_length=128)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=6,
                                    index=True)
    facts: str = Field(sa_column=Column(Text, nullable=False))  # JSON object
    facts_hash: str = Field(max_length=64)  # sha256 of the material facts
    status: str = Field(default=AlertStatus.open.value, max_length=16, index=True)
    detected_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    cleared_at: datetime | None = None
    closed_at: datetime | None = None
    dismiss_reason: str | None = Field(default=None, max_length=500)
    rule_version: int = Field(default=1)


class AlertEvent(SQLModel, table=True):
    """Every change of an alert: creation, facts updates, status transitions."""

    __tablename__ = "alert_event"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    ts: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=32)  # created / updated / cleared / reopened / acknowledged …
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    facts_before: str | None = Field(default=None, sa_column=Column(Text))
    facts_after: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, max_length=2000)


class SupervisionOrder(SQLModel, table=True):
    """督办单: a supervisor's order to a department to rectify what one or more alerts found."""

    __tablename__ = "supervision_order"

    id: int | None = Field(default=None, primary_key=True)
    order_no: str = Field(max_length=32, unique=True, index=True)
    issued_by: str = Field(max_length=64)
    issued_at: datetime = Field(default_factory=utcnow)
    department_id: int = Field(foreign_key="department.id", index=True)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    due_date: date
    instructions: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=OrderStatus.issued.value, max_length=16, index=True)
    response: str | None = Field(default=None, sa_column=Column(Text))
    answered_by: str | None = Field(default=None, max_length=64)
    answered_at: datetime | None = None
    decision_note: str | None = Field(default=None, max_length=2000)  # why returned / accepted
    decided_by: str | None = Field(default=None, max_length=64)
    escalation_level: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class SupervisionOrderAlert(SQLModel, table=True):
    __tablename__ = "supervision_order_alert"

    order_id: int = Field(foreign_key="supervision_order.id", primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", primary_key=True, index=True)


class SupervisionEvidence(SQLModel, table=True):
    """A file the department attached to its answer to a 督办 order (PDF, image, Office
    document), kept in the database; only ever offered as a download, never rendered."""

    __tablename__ = "supervision_evidence"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="supervision_order.id", index=True)
    file_name: str = Field(max_length=200)
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=64)
    uploaded_at: datetime = Field(default_factory=utcnow)


class SyncRequest(SQLModel, table=True):
    """A request to bring the lights in line with data that changed (issue 12): an import, a
    form save or a rule change records one in its user's request; the sync worker drains the
    queue (services.lights.queue), merging what is pending into one partitioned sync."""

    __tablename__ = "sync_request"

    id: int | None = Field(default=None, primary_key=True)
    requested_at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=64)
    # JSON list of department ids the change touched; NULL: everything (a full sync)
    departments: str | None = Field(default=None, sa_column=Column(Text))
    # JSON list of the tables it wrote (only the rules reading them re-run); NULL: every rule
    tables: str | None = Field(default=None, sa_column=Column(Text))
    batch_id: int | None = Field(default=None, index=True)  # the import batch, when one
    done_at: datetime | None = Field(default=None, index=True)


class LightsState(SQLModel, table=True):
    """Small named facts of the lights engine, e.g. `last_sweep` (the China day of the last
    daily sweep), written under the sync lock so that one process sweeps once a day."""

    __tablename__ = "lights_state"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow)
