"""A seeded demo province kept between bench runs, and a throw-away copy of it per run.

Seeding the province takes 6-7 minutes; a bench that writes (uploads) must not write into the
kept seed, so each run works on a copy: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
PostgreSQL (a file-level copy too, seconds for gigabytes)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.db import make_engine
from services.platform.demo import seed_demo
from services.platform.schema import upgrade_to_head


def _seed(url: str, scale: str) -> float:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        t0 = time.perf_counter()
        seed_demo(engine, scale=scale)
        return round(time.perf_counter() - t0, 2)
    finally:
        engine.dispose()


def _sqlite_copy(folder: Path, scale: str) -> tuple[str, Callable[[], None], float | str]:
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"realtime_{scale}.db"
    seed_s: float | str = "kept"
    if not kept.exists():
        partial = kept.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        seed_s = _seed(f"sqlite:///{partial}", scale)
        with sqlite3.connect(partial) as conn:  # fold the WAL in: the copy is one file
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(kept)
        for extra in ("-wal", "-shm"):
            Path(f"{partial}{extra}").unlink(missing_ok=True)
    work = folder / f"realtime_{scale}.run.db"
    for extra in ("", "-wal", "-shm", ".sync.lock"):
        Path(f"{work}{extra}").unlink(missing_ok=True)
    shutil.copyfile(kept, work)
    # on disk before the bench starts: else the first WAL checkpoint's fsync, a few uploads in,
    # flushes the copy's gigabytes too (a 3.7-4.7 s commit measured as an upload's)
    with open(work, "rb+") as f:
        os.fsync(f.fileno())

    def drop() -> None:
        for extra in ("", "-wal", "-shm", ".sync.lock"):
            Path(f"{work}{extra}").unlink(missing_ok=True)
    return f"sqlite:///{work}", drop, seed_s


def _postgres_copy(url: str, name: str, scale: str) -> tuple[str, Callable[[], None], float | str]:
    base = make_url(url).set(drivername="postgresql+psycopg")
    admin = create_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    seed_s: float | str = "kept"
    try:
        with admin.connect() as c:
            have = {r[0] for r in c.execute(text("SELECT datname FROM pg_database"))}
            if name not in have:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}_partial"'))
                c.execute(text(f'CREATE DATABASE "{name}_partial"'))
        if name not in have:
            partial = base.set(database=f"{name}_partial").render_as_string(hide_password=False)
            seed_s = _seed(partial, scale)
            # the state autovacuum leaves a production database in a minute after a bulk load
            # (the test machines run PostgreSQL with autovacuum off): visibility map, statistics
            vacuum = create_engine(partial, isolation_level="AUTOCOMMIT")
            try:
                with vacuum.connect() as c:
                    c.execute(text("VACUUM (ANALYZE)"))
            finally:
                vacuum.dispose()
            with admin.connect() as c:
                c.execute(text(f'ALTER DATABASE "{name}_partial" RENAME TO "{name}"'))
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}_run"'))
            # a file copy, on disk before the bench starts (as the SQLite copy is fsynced):
            # PostgreSQL 15's default writes the copy's gigabytes through the WAL, still being
            # written back while the bench's sweep and full sync ran (the full sync 11.4-12.8 s
            # measured so, 9.5-10.8 s on a settled copy)
            file_copy = int(c.execute(text("SHOW server_version_num")).scalar_one()) >= 150000
            c.execute(text(f'CREATE DATABASE "{name}_run" TEMPLATE "{name}"'
                           + (" STRATEGY FILE_COPY" if file_copy else "")))
            c.execute(text("CHECKPOINT"))
    finally:
        admin.dispose()

    def drop() -> None:
        again = create_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
        try:
            with again.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}_run" WITH (FORCE)'))
        finally:
            again.dispose()
    return base.set(database=f"{name}_run").render_as_string(hide_password=False), drop, seed_s


def seeded_copy(url: str | None, keep: str, scale: str) -> tuple[str, Callable[[], None], float | str]:
    """(the copy's URL, how to drop it, the seed's seconds or "kept"); the copy is migrated
    to the head (a seed kept from before a migration)."""
    copy, drop, seed_s = _sqlite_copy(Path(keep), scale) if not url else _postgres_copy(url, keep, scale)
    engine = make_engine(copy)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    return copy, drop, seed_s
