"""The process-wide engine for the configured DATABASE_URL (CLI and services)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.engine import Engine

from models.db import make_engine
from services.platform.settings import get_settings


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def default_engine() -> Engine:
    return engine_for(get_settings().database_url)
