"""One read snapshot of committed data for many `read_frame` calls (the alert sync's loaders):
every frame sees the same state of the data however long the reading takes.

- PostgreSQL: ADBC connections (Arrow columns) at REPEATABLE READ; with `bulk`, READERS of
  them on one exported snapshot (pg_export_snapshot, as `pg_dump -j` does).
- SQLite: one of the engine's own connections (WAL keeps its view); with `bulk` (a read of
  whole tables: the full sync, the sweep) of a file of READER_MIN_BYTES or more, READERS
  reader processes with ADBC's SQLite driver (services.platform.sqlite_reader), their first
  reads taken while no commit can happen.
A snapshot's connection serves one statement at a time; with READERS of them, the loaders'
threads (services.lights.inputs) read two statements at once, one per core."""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TypeVar

from sqlalchemy.engine import Engine

from services.platform import frames
from services.platform.frames import Snapshot, reading_from

READERS = 2  # connections (processes on SQLite) of a bulk read: one per core
# a SQLite file (with its WAL) smaller than this is read in this process: two readers take
# about 0.3 s to start, what Python's sqlite3 reads of about 100 MB in
READER_MIN_BYTES = 128 * 2**20
T = TypeVar("T")


class _Free:
    """Connections lent one statement at a time."""

    def __init__(self, conns: list) -> None:
        self._free: queue.SimpleQueue = queue.SimpleQueue()
        for conn in conns:
            self._free.put(conn)

    def run(self, fn: Callable[..., T], *args: object) -> T:
        conn = self._free.get()
        try:
            return fn(conn, *args)
        finally:
            self._free.put(conn)


@contextmanager
def _no_commits(engine: Engine) -> Iterator[None]:
    """No one commits to the SQLite file meanwhile: its write lock held, nothing written."""
    conn = engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            cur.execute("ROLLBACK")
            cur.close()
    finally:
        conn.close()


def _reader_file(engine: Engine) -> str | None:
    """The SQLite file reader processes are worth for (not an in-memory database, and one with
    READER_MIN_BYTES to read: the demo's reads take less than starting them)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    size = sum(os.path.getsize(f) for f in (database, f"{database}-wal") if os.path.exists(f))
    return database if size >= READER_MIN_BYTES else None


def _postgres(engine: Engine, n: int, stack: ExitStack) -> list:
    """`n` ADBC connections in one REPEATABLE READ snapshot (the first one's, exported)."""
    import adbc_driver_postgresql.dbapi as adbc_pg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    conns, exported = [], None
    for _ in range(n):
        conn = adbc_pg.connect(url, autocommit=True)
        stack.callback(conn.close)
        with conn.cursor() as cur:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if exported is not None:  # before any query of the transaction
                cur.execute(f"SET TRANSACTION SNAPSHOT '{exported}'")
            # plain scans and joins: compiling them costs more than it saves (0.5 s each)
            cur.execute("SET LOCAL jit = off")
            # the loaders already keep the cores busy two at a time: a parallel plan's workers
            # only add their start and their gathering (FB-Y5's counts: 0.96 → 0.73 CPU-s)
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            if exported is None and n > 1:
                cur.execute("SELECT pg_export_snapshot()")
                exported = cur.fetchone()[0]
        stack.callback(_rollback, conn)  # read only: nothing to keep
        conns.append(conn)
    return conns


def _rollback(conn) -> None:  # noqa: ANN001
    cur = conn.cursor()
    cur.execute("ROLLBACK")
    cur.close()


@contextmanager
def read_snapshot(engine: Engine, *, bulk: bool = False) -> Iterator[None]:
    """Within this block `read_frame(engine, …)` reads from one snapshot (module docstring)."""
    with ExitStack() as stack:
        if engine.dialect.name == "postgresql":
            free = _Free(_postgres(engine, READERS if bulk else 1, stack))
            snap = Snapshot(engine, lambda sql, schema: frames.arrow_frame(free.run(frames.fetch_arrow, sql), schema))
        elif bulk and (path := _reader_file(engine)):
            from services.platform.sqlite_reader import SqliteReader, pinned_readers

            readers = pinned_readers(path, READERS, lambda: _no_commits(engine))
            for reader in readers:
                stack.callback(reader.close)
            free = _Free(readers)
            snap = Snapshot(engine, lambda sql, schema: frames.arrow_frame(free.run(SqliteReader.arrow, sql), schema),
                            reader=True)
        else:
            conn = engine.raw_connection()
            stack.callback(conn.close)
            cur = conn.cursor()
            cur.execute("BEGIN")
            cur.close()
            stack.callback(_rollback, conn)
            free = _Free([conn.driver_connection])
            snap = Snapshot(engine, lambda sql, schema: free.run(frames.via_cursor, sql, schema))
        with reading_from(snap):
            yield
