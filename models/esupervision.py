"""S4 行政权力电子监察: approval cases (网上审批) with their steps and legally excluded
suspensions, and special funds (专项资金) with their payments.

A case references the power version in force when it was received (`power_id`: the version
whose validity, power.published_at … power.retired_at, holds the receipt time); its
department and region are denormalised from the power for scoped reads without a join.
Money is exact: Numeric(14, 2) yuan (Decimal in Python), never float."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from core.statuses import CASE_OPEN, CASE_STATUSES, CaseStatus  # noqa: F401
from models.base import utcnow

OPEN_CASE_STATUSES = CASE_OPEN
CHANNELS: tuple[str, ...] = ("online", "window")
SUSPENSION_KINDS: tuple[str, ...] = ("补正材料", "听证", "专家评审", "检验检测", "其他")
MONEY_DIGITS, MONEY_PLACES = 14, 2  # Numeric(14, 2): up to 999,999,999,999.99 yuan
MAX_PASSES = 99  # passes through one step of a case (补正 loops)


# Bulk writes and the demo seed bind values through the raw sqlite3 driver, which knows no
# Decimal: bind its exact text, which SQLite's NUMERIC affinity stores as the nearest number
# (what SQLAlchemy's Numeric does on SQLite); reads turn it back into Decimal(14, 2).
sqlite3.register_adapter(Decimal, str)


def money(default: Decimal | None = None, **kw) -> Decimal:  # noqa: ANN003
    """A Numeric(14, 2) yuan column (SQLModel maps a Decimal with digits and places to it)."""
    return Field(default=default, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kw)


class ApprovalCaseBase(SQLModel):
    case_no: str = Field(min_length=1, max_length=64)
    power_id: int = Field(foreign_key="power.id")
    department_id: int = Field(foreign_key="department.id")
    region_code: str = Field(foreign_key="region.code", max_length=6)
    channel: str = Field(max_length=8)  # online / window
    received_at: datetime
    promised_limit_days: int = Field(ge=0, le=3650)  # working days; from the power by default
    status: str = Field(default=CaseStatus.in_progress.value, max_length=16)
    finished_at: datetime | None = None
    result: str | None = Field(default=None, max_length=200)
    reject_reason: str | None = Field(default=None, max_length=500)
    fee_charged: Decimal = money(Decimal("0.00"), ge=0)


class ApprovalCase(ApprovalCaseBase, table=True):
    __tablename__ = "approval_case"
    __table_args__ = (
        Index("uq_approval_case_no", "case_no", unique=True),
        Index("ix_approval_case_region_received", "region_code", "received_at"),
        Index("ix_approval_case_dept_received", "department_id", "received_at"),
        Index("ix_approval_case_power", "power_id"),
        Index("ix_approval_case_status", "status"),
        # the cases concluded since a day in a scope, with the open ones (the cockpit's month):
        # both OR terms indexed, which SQLite needs to read them by index, not by region
        Index("ix_approval_case_region_finished", "region_code", "finished_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class CaseStep(SQLModel, table=True):
    """One pass of a case through a step of its power's flow chart (seq = power_step.seq;
    pass_no 1, 2, … when the case comes back to the step, e.g. after 补正). On PostgreSQL,
    triggers keep a per-case digest of these rows for full reads (migration 0019)."""

    __tablename__ = "case_step"
    __table_args__ = (
        Index("uq_case_step_pass", "case_id", "seq", "pass_no", unique=True),
        # the steps still running (a few of millions): the daily sweep's cases whose days the
        # date still moves (services.esupervision.frames.movable_case_ids)
        Index("ix_case_step_unfinished", "case_id", sqlite_where=text("finished_at IS NULL"),
              postgresql_where=text("finished_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="approval_case.id")
    seq: int
    pass_no: int = Field(default=1, ge=1, le=MAX_PASSES, sa_column_kwargs={"server_default": "1"})
    started_at: datetime
    finished_at: datetime | None = None
    handler: str = Field(default="", max_length=64)


class CaseSuspension(SQLModel, table=True):
    """Time the law excludes from the limit (补正材料, 听证, 专家评审, 检验检测 …); both
    dates are Asia/Shanghai calendar dates, inclusive; `end_on` empty while it lasts."""

    __tablename__ = "case_suspension"
    __table_args__ = (Index("uq_case_suspension_start", "case_id", "start_on", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="approval_case.id")
    kind: str = Field(max_length=16)
    start_on: date
    end_on: date | None = None
    reason: str | None = Field(default=None, max_length=500)


class SpecialFund(SQLModel, table=True):
    __tablename__ = "special_fund"
    __table_args__ = (
        Index("uq_special_fund_code", "code", unique=True),
        Index("ix_special_fund_region_year", "region_code", "year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    department_id: int = Field(foreign_key="department.id", index=True)
    region_code: str = Field(foreign_key="region.code", max_length=6)
    year: int
    budget: Decimal = money(ge=0)  # yuan
    purpose: str = Field(default="", sa_type=Text)
    allocated_on: date
    approval_threshold: Decimal = money(ge=0)  # a payment at or above it needs collective approval
    created_at: datetime = Field(default_factory=utcnow)


class FundPayment(SQLModel, table=True):
    __tablename__ = "fund_payment"
    __table_args__ = (
        Index("uq_fund_payment_voucher", "fund_id", "voucher", unique=True),
        Index("ix_fund_payment_recipient", "recipient_uscc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="special_fund.id")
    recipient_name: str = Field(max_length=200)
    recipient_uscc: str = Field(max_length=18)  # 统一社会信用代码
    amount: Decimal = money(gt=0)
    paid_on: date
    voucher: str = Field(default="", max_length=64)
