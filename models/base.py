"""Small shared helpers for table models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Aware UTC timestamp (SQLModel's UTCDateTime columns refuse naive values)."""
    return datetime.now(UTC)
