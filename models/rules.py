"""Rule parameters an admin may change (thresholds of the light rules, scoring, ...)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utcnow


class RuleSetting(SQLModel, table=True):
    __tablename__ = "rule_setting"

    rule_id: str = Field(primary_key=True, max_length=32)
    param: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=256)  # JSON-encoded
    updated_by: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)
