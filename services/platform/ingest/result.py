"""What an upload step hands back: the `Prepared` result, the commit error, progress."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from core.errors import AppError
from data_checks.errors import empty_errors

Progress = Callable[[str, float], None]


class IngestError(AppError):
    """A commit that cannot go ahead; `key` names the i18n message."""


@dataclass
class Prepared:
    kind: str
    file_name: str
    sha256: str
    status: str  # rejected / unchanged / ready / committed / dry_run
    rows_total: int = 0
    rows_new: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    errors: pl.DataFrame = field(default_factory=empty_errors)
    preview: pl.DataFrame = field(default_factory=pl.DataFrame)
    message_key: str = ""
    message_params: dict[str, Any] = field(default_factory=dict)
    batch_id: int | None = None
    encoding: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    frame: pl.DataFrame | None = field(default=None, repr=False)  # checked rows, for commit
    lang: str = "zh_CN"
    # departments whose rows the commit wrote (old and new); None: unknown (services.platform.
    # ingest.touched), for the lights' partitioned sync
    departments: frozenset[int] | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("ready", "committed", "unchanged", "dry_run")


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def noop(stage: str, fraction: float) -> None:
    return None
