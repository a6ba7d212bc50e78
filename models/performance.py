"""S3 行政绩效管理: the indicator tree (versioned), scoring periods, manual scores, and the
computed scores per leaf and department.

A period keeps the tree version it opened with (`version_id`); the leaf scores of a closed
period are frozen (never recomputed), and each keeps what produced it: input value, the counts
behind a rate, method, parameters, effective weight, points and the query of its records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow

METHODS: tuple[str, ...] = ("ratio", "band", "rank", "deduction", "bonus", "veto", "graded")
SOURCES: tuple[str, ...] = ("auto", "manual")
KINDS: tuple[str, ...] = ("score", "bonus", "veto")  # bonus / veto sit outside the 100
MISSING_RULES: tuple[str, ...] = ("zero", "exclude")  # exclude: not assessed, siblings re-weighted
PERIOD_KINDS: tuple[str, ...] = ("quarter", "half", "year")
PERIOD_STATUSES: tuple[str, ...] = ("open", "scoring", "review", "closed")
VERSION_STATUSES: tuple[str, ...] = ("draft", "active", "retired")
MANUAL_STATUSES: tuple[str, ...] = ("entered", "reviewed", "returned")
GRADES: tuple[str, ...] = ("A", "B", "C", "D")


class TreeVersion(SQLModel, table=True):
    __tablename__ = "perf_tree_version"

    id: int | None = Field(default=None, primary_key=True)
    no: int = Field(unique=True, ge=1)
    status: str = Field(default="draft", max_length=16)
    note: str = Field(default="", max_length=500)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    activated_at: datetime | None = None


class IndicatorBase(SQLModel):
    """A node of the tree: a leaf has a method; an inner node only a weight."""

    version_no: int = Field(ge=1)
    code: str = Field(min_length=1, max_length=32)
    parent_code: str | None = Field(default=None, max_length=32)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=200)
    weight: float = Field(ge=0, le=100)  # points
    seq: int = Field(default=0)
    kind: str = Field(default="score", max_length=8)
    method: str | None = Field(default=None, max_length=16)
    higher_is_better: bool = Field(default=True)
    params: str = Field(default="{}", max_length=1000)  # JSON: target, floor, cap, per_event …
    source: str = Field(default="auto", max_length=8)
    metric_key: str | None = Field(default=None, max_length=64)
    missing_rule: str = Field(default="zero", max_length=8)
    definition: str = Field(default="", max_length=500)


class Indicator(IndicatorBase, table=True):
    __tablename__ = "perf_indicator"
    __table_args__ = (UniqueConstraint("version_no", "code", name="uq_perf_indicator_code"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="perf_tree_version.id", index=True)


class IndicatorCreate(IndicatorBase):
    pass


class Period(SQLModel, table=True):
    __tablename__ = "perf_period"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)  # 2026Q3, 2026H1, 2026
    name: str = Field(max_length=64)
    kind: str = Field(max_length=8)
    start_on: date
    end_on: date
    status: str = Field(default="open", max_length=16, index=True)
    version_id: int = Field(foreign_key="perf_tree_version.id")
    four_eyes: bool = Field(default=True)
    bonus_cap: float = Field(default=5.0, ge=0)
    # grade boundaries in force for this period (JSON {"excellent": 90, "good": 80, "fair": 60})
    grade_bounds: str = Field(default='{"excellent": 90, "good": 80, "fair": 60}', max_length=200)
    opened_by: str = Field(max_length=64)
    opened_at: datetime = Field(default_factory=utcnow)
    computed_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str | None = Field(default=None, max_length=64)


class ManualScoreBase(SQLModel):
    period_code: str = Field(max_length=16)
    department_code: str = Field(max_length=32)
    indicator_code: str = Field(max_length=32)
    value: float | None = None
    grade: str | None = Field(default=None, max_length=1)
    evidence: str = Field(default="", sa_type=Text)
    comment: str = Field(default="", max_length=1000)


class ManualScore(ManualScoreBase, table=True):
    __tablename__ = "perf_manual_score"
    __table_args__ = (UniqueConstraint("period_code", "department_code", "indicator_code",
                                       name="uq_perf_manual_score"),)

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="perf_period.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    evaluator: str = Field(default="", max_length=64)
    status: str = Field(default="entered", max_length=16)
    reviewer: str | None = Field(default=None, max_length=64)
    reviewed_at: datetime | None = None
    review_note: str | None = Field(default=None, max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)


class ManualScoreCreate(ManualScoreBase):
    pass


class LeafScore(SQLModel, table=True):
    """One leaf of one department in one period: what went in and the points that came out."""

    __tablename__ = "perf_leaf_score"
    __table_args__ = (
        UniqueConstraint("period_id", "department_id", "indicator_code", name="uq_perf_leaf_score"),
        Index("ix_perf_leaf_score_dept", "period_id", "department_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="perf_period.id")
    department_id: int = Field(foreign_key="department.id")
    region_code: str = Field(max_length=6, index=True)
    indicator_code: str = Field(max_length=32)
    kind: str = Field(max_length=8)
    method: str = Field(max_length=16)
    params: str = Field(max_length=1000)
    source: str = Field(max_length=8)
    metric_key: str | None = Field(default=None, max_length=64)
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    grade: str | None = Field(default=None, max_length=1)
    weight: float
    effective_weight: float
    points: float
    status: str = Field(max_length=16)  # scored / missing_zero / not_assessed / vetoed
    records_query: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class DepartmentScore(SQLModel, table=True):
    __tablename__ = "perf_department_score"
    __table_args__ = (UniqueConstraint("period_id", "department_id", name="uq_perf_dept_score"),)

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="perf_period.id", index=True)
    department_id: int = Field(foreign_key="department.id")
    region_code: str = Field(max_length=6, index=True)
    peer_group: str = Field(max_length=48)
    base_points: float
    bonus_points: float
    total: float
    vetoed: bool = Field(default=False)
    grade: str = Field(max_length=12)
    peer_rank: int
    peer_count: int
    missing_leaves: int = Field(default=0)
