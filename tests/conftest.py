"""Shared fixtures. Every database test runs on SQLite and, when TEST_DATABASE_URL is set,
on PostgreSQL too (each test process in its own database)."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()  # the registries of every system, as the app and the CLI fill them

import models  # noqa: E402,F401  (registers the tables)
from data_checks.suites import preload as _preload_gx  # noqa: E402
from models.db import make_engine  # noqa: E402
from services.platform.database import engine_for  # noqa: E402
from services.platform.demo import seed_demo  # noqa: E402
from services.platform.schema import upgrade_to_head  # noqa: E402
from services.platform.settings import get_settings  # noqa: E402
from tests.shared_template import SharedTemplate, run_id, run_root  # noqa: E402
from ui.platform.background import forget_all  # noqa: E402

# great-expectations takes ~5 s to import: pay it once here, not inside an AppTest timeout.
_preload_gx()

BACKENDS = ["sqlite", "postgresql"]


def pytest_collection_modifyitems(config, items):  # noqa: ANN001, ARG001
    """The browser tests first (their order kept, and the others' after them): the longest of
    the suite (up to 50 s each) and half waiting on the browser, so the test workers start on
    them together and the short tests fill the gaps; collected in path order they came last,
    and one or two of them ran on alone for minutes."""
    items.sort(key=lambda item: not item.nodeid.startswith("tests/e2e/"))


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


def _pg_admin_url() -> str | None:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _pg_execute(admin_url: str, *statements: str) -> None:
    admin = make_engine(admin_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for stmt in statements:
            conn.execute(text(stmt))
    admin.dispose()


def _pg_database_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _migrate(url: str) -> None:
    eng = make_engine(url)
    upgrade_to_head(eng)
    # Tables whose migration is not written yet still get created, so work in progress is
    # testable; tests/unit/test_migrations.py fails until the migration exists.
    SQLModel.metadata.create_all(eng)
    eng.dispose()


def _seed_template(url: str) -> None:
    _migrate(url)
    tpl = make_engine(url)
    seed_demo(tpl, scale="small")
    tpl.dispose()


def sqlite_template(root: Path) -> SharedTemplate:
    """The seeded SQLite template of this run (`<root>/template.db`), also the database the
    e2e tests' private servers start from."""
    path = root / "template.db"

    def build() -> None:
        path.unlink(missing_ok=True)
        _seed_template(f"sqlite:///{path}")

    return SharedTemplate(root, "template_sqlite", build, path=path)


class _Backend:
    """One test database per backend and test process, plus a seeded template of it that
    `seeded` restores in a fraction of a second instead of seeding the demo again. The
    template is seeded once per run and shared by the xdist workers (tests/shared_template.py)."""

    def __init__(self, kind: str, tmp: Path, root: Path) -> None:
        self.kind = kind
        if kind == "sqlite":
            self.url = f"sqlite:///{tmp / 'test.db'}"
            self.template = sqlite_template(root)
        else:
            self.admin_url = _pg_admin_url()
            if self.admin_url is None:
                pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
            # One database per test process, so parallel runs never share tables.
            self.db = f"fs_test_{os.getpid()}"
            self.template_db = f"fs_tpl_{run_id()}"
            _pg_execute(self.admin_url, f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)',
                        f'CREATE DATABASE "{self.db}"')
            self.url = _pg_database_url(self.admin_url, self.db)
            self.template = SharedTemplate(root, "template_postgresql", self._build_pg, self._drop_pg)
        _migrate(self.url)

    def _drop_pg(self) -> None:
        _pg_execute(self.admin_url, f'DROP DATABASE IF EXISTS "{self.template_db}" WITH (FORCE)')

    def _build_pg(self) -> None:
        self._drop_pg()
        _pg_execute(self.admin_url, f'CREATE DATABASE "{self.template_db}"')
        _seed_template(_pg_database_url(self.admin_url, self.template_db))

    def restore_seeded(self) -> None:
        self.template.acquire()
        engine_for(self.url).dispose()  # no pooled connection may outlive the old content
        # nor a page's background job (ui.platform.background): the restore kills its
        # connection, and its failure would be raised on the next test's page
        forget_all()
        if self.kind == "sqlite":
            with sqlite3.connect(self.template.path) as src, sqlite3.connect(
                    make_url(self.url).database) as dst:
                src.backup(dst)
        else:
            _pg_execute(self.admin_url, f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)',
                        f'CREATE DATABASE "{self.db}" TEMPLATE "{self.template_db}"')

    def close(self) -> None:
        engine_for(self.url).dispose()
        self.template.release()
        if self.kind == "postgresql":
            _pg_execute(self.admin_url, f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory):
    b = _Backend(request.param, tmp_path_factory.mktemp(f"db_{request.param}"),
                 run_root(tmp_path_factory))
    yield b
    b.close()


@pytest.fixture(scope="session")
def seeded_sqlite_file(tmp_path_factory) -> Path:
    """The run's seeded SQLite template file (the small demo province): copy it, never write it."""
    tpl = sqlite_template(run_root(tmp_path_factory))
    tpl.acquire()
    yield tpl.path
    tpl.release()


@pytest.fixture(scope="session")
def database_url(backend) -> str:
    return backend.url


def _truncate(engine: Engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())
            if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first():
                conn.execute(text("DELETE FROM sqlite_sequence"))


def _point_app_at(url: str, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FIVESYS_DEMO_MODE", "true")
    # no background sync worker in the test process: tests drain the queue themselves
    # (services.lights.queue.drain) where they mean "after the worker ran"
    monkeypatch.setenv("FIVESYS_SYNC_WORKER", "false")
    get_settings.cache_clear()


@pytest.fixture
def engine(backend, monkeypatch) -> Engine:
    """An empty migrated database; DATABASE_URL points the app and CLI at it too. The engine
    is the one the app and CLI get for this URL (services.database.engine_for)."""
    eng = engine_for(backend.url)
    forget_all()  # a page's background job from an earlier test reads no emptied table
    _truncate(eng)
    _point_app_at(backend.url, monkeypatch)
    yield eng
    get_settings.cache_clear()


@pytest.fixture
def seeded(backend, monkeypatch) -> Engine:
    """The small demo province (restored from a per-process template)."""
    backend.restore_seeded()
    _point_app_at(backend.url, monkeypatch)
    yield engine_for(backend.url)
    get_settings.cache_clear()
