"""Every upload attempt is an import batch, kept with its error report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from models.base import utcnow


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64, index=True)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    rows_total: int = Field(default=0)
    rows_ok: int = Field(default=0)
    rows_rejected: int = Field(default=0)
    rows_new: int = Field(default=0)
    rows_changed: int = Field(default=0)
    rows_unchanged: int = Field(default=0)
    actor: str = Field(max_length=64, index=True)
    region_code: str | None = Field(default=None, max_length=6)
    # the uploader's department (None for region-wide users and the CLI): history and error
    # reports are scoped by it like every other read (issue 17)
    department_id: int | None = Field(default=None, index=True)
    status: str = Field(max_length=16)  # rejected / committed / unchanged / dry_run
    message: str | None = Field(default=None, max_length=2000)
    error_report: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: datetime = Field(default_factory=utcnow, index=True)
