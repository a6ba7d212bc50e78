"""The UI's engine: one per DATABASE_URL for the whole server process."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from services.platform.database import engine_for
from services.platform.settings import get_settings


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return engine_for(url)


def get_engine() -> Engine:
    return _engine(get_settings().database_url)
