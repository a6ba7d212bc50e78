"""The UI's engine (one per DATABASE_URL for the whole server process) and the unit of work a
page opens around a service call: services take a keyword-only `session`; the transaction
opens here, at the edge, and commits when the block ends (rolled back on any error)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import session_scope
from services.platform.database import engine_for
from services.platform.settings import get_settings


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return engine_for(url)


def get_engine() -> Engine:
    return _engine(get_settings().database_url)


def cache_key() -> str:
    """What st.cache_data functions are keyed by to tell databases apart: the URL with the
    password masked (cache keys are hashed and kept in memory; a secret never goes there)."""
    return get_engine().url.render_as_string(hide_password=True)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """`with unit_of_work() as session: service.do(session=session, ...)`: one transaction."""
    with session_scope(get_engine()) as session:
        yield session
