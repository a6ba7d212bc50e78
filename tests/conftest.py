"""Shared fixtures. Every database test runs on SQLite and, when TEST_DATABASE_URL is set,
on PostgreSQL too (each xdist worker in its own schema)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import models  # noqa: E402,F401  (registers the tables)
from models.db import make_engine  # noqa: E402
from services.schema import upgrade_to_head  # noqa: E402
from services.seed import seed_demo  # noqa: E402
from services.settings import get_settings  # noqa: E402
from data_checks.suites import preload as _preload_gx  # noqa: E402

# great-expectations takes ~5 s to import: pay it once here, not inside an AppTest timeout.
_preload_gx()

BACKENDS = ["sqlite", "postgresql"]


def _force_navigation_mode_in_apptest() -> None:
    """AppTest re-detects the legacy `pages/` folder on every run and then runs a switched-to
    page file directly, without the entry file (no login frame, no st.navigation). A server
    does that only for its very first request. Pin AppTest to st.navigation mode, so tests
    exercise the real frame: login, scope, menu by role."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class NavigationPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test.PagesManager = NavigationPagesManager


_force_navigation_mode_in_apptest()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url(schema: str) -> str | None:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    admin = make_engine(url.render_as_string(hide_password=False))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A migrated, empty database per backend and worker."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        # One schema per test process, so parallel runs never share tables.
        url = _postgres_url(f"test_{_worker()}_{os.getpid()}")
        if url is None:
            pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    engine = make_engine(url)
    upgrade_to_head(engine)
    # Tables whose migration is not written yet still get created, so work in progress is
    # testable; tests/unit/test_migrations.py fails until the migration exists.
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    yield url
    if request.param == "postgresql":
        _drop_schema(url)


def _drop_schema(url: str) -> None:
    parsed = make_url(url)
    schema = parsed.query["options"].split("=", 1)[1]
    admin = make_engine(parsed.difference_update_query(["options"]).render_as_string(hide_password=False))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def _session_engines():  # noqa: PT005
    engines: dict[str, Engine] = {}
    yield engines
    for e in engines.values():
        e.dispose()


def _truncate(engine: Engine) -> None:
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())
            conn.execute(text("DELETE FROM sqlite_sequence")) if conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() else None


@pytest.fixture
def engine(database_url, _session_engines, monkeypatch) -> Engine:
    """An empty migrated database; DATABASE_URL points the app and CLI at it too."""
    eng = _session_engines.get(database_url)
    if eng is None:
        eng = _session_engines[database_url] = make_engine(database_url)
    _truncate(eng)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FIVESYS_DEMO_MODE", "true")
    get_settings.cache_clear()
    yield eng
    get_settings.cache_clear()


@pytest.fixture
def seeded(engine) -> Engine:
    """The small demo province."""
    seed_demo(engine, scale="small")
    return engine
