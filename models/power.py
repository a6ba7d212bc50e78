"""S1 行政权力运行: the power catalog (职权目录) with versions, flow charts (steps and edges),
integrity risk points (廉政风险点) and inspections (监督检查).

Table and column names of `power`, `power_step` and `power_edge` are a contract with S4
(see helpers' contracts): keep them stable."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class PowerCategory(StrEnum):
    licensing = "行政许可"
    penalty = "行政处罚"
    coercion = "行政强制"
    levy = "行政征收"
    benefit = "行政给付"
    inspection = "行政检查"
    confirmation = "行政确认"
    reward = "行政奖励"
    adjudication = "行政裁决"
    other = "其他"


POWER_CATEGORIES: tuple[str, ...] = tuple(c.value for c in PowerCategory)


class PowerStatus(StrEnum):
    draft = "draft"
    confirmed = "confirmed"
    published = "published"
    abolished = "abolished"


POWER_STATUSES: tuple[str, ...] = tuple(s.value for s in PowerStatus)

RISK_LEVELS: tuple[str, ...] = ("高", "中", "低")


class PowerBase(SQLModel):
    """What a department enters for a power (validated through PowerCreate)."""

    code: str = Field(index=True, min_length=1, max_length=64)  # 职权编码
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(max_length=16)  # one of POWER_CATEGORIES
    department_id: int = Field(foreign_key="department.id", index=True)
    legal_basis: str = Field(default="", sa_type=Text)
    statutory_limit_days: int = Field(ge=0, le=3650)
    promised_limit_days: int = Field(ge=0, le=3650)
    # yuan per case, exact (Numeric(14, 2)); None = free
    fee_standard: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    online_available: bool = Field(default=False)


class Power(PowerBase, table=True):
    __tablename__ = "power"
    __table_args__ = (
        UniqueConstraint("code", "version", name="uq_power_code_version"),
        # Exactly one current version per code: current_code is the code on the current
        # version and NULL on the others (NULLs never collide). It is also the key uploads
        # of steps, edges and risk points use to find "the current version of this code".
        UniqueConstraint("current_code", name="uq_power_current_code"),
        Index("ix_power_code_validity", "code", "published_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, ge=1)
    is_current: bool = Field(default=True, index=True)
    current_code: str | None = Field(default=None, max_length=64)
    # The department's region, denormalised so scoped reads need no join.
    region_code: str = Field(foreign_key="region.code", index=True, max_length=6)
    status: str = Field(default=PowerStatus.draft.value, index=True, max_length=16)
    # Validity: the version is in force from its publication until a later version of the
    # code is published or the code is abolished (retired_at); a case received at t belongs
    # to the version with published_at <= t < retired_at (or no retired_at).
    published_at: datetime | None = Field(default=None)
    retired_at: datetime | None = Field(default=None)
    # Internal working note (never shown publicly).
    internal_note: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PowerCreate(PowerBase):
    internal_note: str | None = None


class PowerStep(SQLModel, table=True):
    __tablename__ = "power_step"
    __table_args__ = (UniqueConstraint("power_id", "seq", name="uq_power_step_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    power_id: int = Field(foreign_key="power.id", index=True)
    seq: int
    name: str = Field(max_length=100)
    post: str = Field(default="", max_length=100)  # 承办岗位
    limit_days: int | None = None
    supervision_point: bool = Field(default=False)
    discretionary: bool = Field(default=False)


class PowerEdge(SQLModel, table=True):
    __tablename__ = "power_edge"
    __table_args__ = (UniqueConstraint("power_id", "from_seq", "to_seq", name="uq_power_edge"),)

    id: int | None = Field(default=None, primary_key=True)
    power_id: int = Field(foreign_key="power.id", index=True)
    from_seq: int
    to_seq: int
    condition: str | None = Field(default=None, max_length=100)


class RiskPoint(SQLModel, table=True):
    """An integrity risk point of a power version, optionally on one of its steps."""

    __tablename__ = "risk_point"
    __table_args__ = (UniqueConstraint("power_id", "no", name="uq_risk_point_no"),)

    id: int | None = Field(default=None, primary_key=True)
    power_id: int = Field(foreign_key="power.id", index=True)
    no: int = Field(default=1, ge=1)  # 风险点编号 within the power (kept across versions)
    step_seq: int | None = None
    description: str = Field(sa_type=Text)
    # The five criteria (the level is the count of true ones, graded by configurable thresholds).
    controls_resources: bool = Field(default=False)   # 管人管钱管物
    discretion: bool = Field(default=False)           # 自由裁量
    collective_decision: bool = Field(default=False)  # 须集体决策
    indirect_leverage: bool = Field(default=False)    # 间接影响力
    high_incidence: bool = Field(default=False)       # 案件易发多发领域
    level: str = Field(default="低", max_length=4, index=True)  # 高 / 中 / 低
    measures: str | None = Field(default=None, sa_type=Text)
    responsible_post: str = Field(default="", max_length=100)
    last_review: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Inspection(SQLModel, table=True):
    """An inspection of a department (or one of its powers) and the rectification it asked."""

    __tablename__ = "inspection"

    id: int | None = Field(default=None, primary_key=True)
    ref_no: str = Field(unique=True, max_length=40)  # 检查编号
    department_id: int = Field(foreign_key="department.id", index=True)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=6)
    power_id: int | None = Field(default=None, foreign_key="power.id", index=True)
    inspected_on: date
    findings: str = Field(sa_type=Text)
    rectify_by: date | None = None
    rectified_on: date | None = None
    inspector: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
