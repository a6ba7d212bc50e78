"""Write a prepared upload: re-check against the database and upsert by natural key in ONE
transaction of its own, record the batch and its audit event in it, then run the
after-commit hooks (the lights' sync among them) on the committed data."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import polars as pl
from sqlalchemy import Table, literal, select, text
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.manifest import resolve
from data_checks.kinds import UploadKind, get_kind
from models.db import session_scope
from services.platform import audit
from services.platform.ingest.references import CHUNK, counts, database_checks, diff, table_of
from services.platform.ingest.report import batch_row, batch_summary, record, reject
from services.platform.ingest.result import IngestError, Prepared, Progress, noop
from services.platform.ingest.touched import touched_departments
from services.platform.scope import Scope

# Run by every successful import with (session, actor, prepared) INSIDE its transaction,
# after its rows, batch and audit event (so what a hook records commits with the import or
# not at all: the lights' sync request cannot be lost to a crash between two transactions);
# filled by startup.boot() from the systems manifest. `prepared.departments` holds the
# departments the import touched (None: cannot tell).
IMPORT_HOOKS: list[Callable[[Session, str, Prepared], None]] = []


def commit(engine: Engine, prepared: Prepared, *, actor: str, scope: Scope,
           progress: Progress | None = None) -> Prepared:
    """Write a prepared (status ready) upload; re-checks the database first. Takes the engine,
    not a session: the re-check and the write must share one transaction of their own, and the
    after-commit hooks must see it committed. Returns the result with status committed (or
    rejected, recorded in a second transaction, if the database changed under it)."""
    progress = progress or noop
    if prepared.status != "ready" or prepared.frame is None:
        raise IngestError("ingest.err_not_ready")
    kind = get_kind(prepared.kind)
    started = time.perf_counter()
    progress("write", 0.0)
    with session_scope(engine) as s:
        # The write lock comes BEFORE the re-check: two overlapping imports of a kind run one
        # after the other, and each reports what its own upsert did (issue 17).
        write_lock(s, kind.key)
        frame, errors = database_checks(kind, prepared.frame, scope, session=s)
        if errors.height:
            prepared.errors = errors
        else:
            frame = diff(kind, frame, session=s)
            todo = frame.filter(pl.col("__status") != "unchanged")
            prepared.departments = touched_departments(s, table_of(kind), todo, kind.natural_key)
            if kind.writer:
                resolve(kind.writer)(session=s, rows=todo, actor=actor, scope=scope)
            else:
                _upsert(s, kind, todo, progress)
            new, changed, unchanged = counts(frame)
            prepared.rows_new, prepared.rows_changed, prepared.rows_unchanged = new, changed, unchanged
            prepared.status = "committed" if todo.height else "unchanged"
            prepared.message_key = "ingest.committed" if todo.height else "ingest.nothing_changed"
            prepared.message_params = {"new": new, "changed": changed, "unchanged": unchanged}
            batch = batch_row(prepared, actor=actor, scope=scope)
            s.add(batch)
            s.flush()
            audit.record(s, actor=actor, action=f"import.{'commit' if todo.height else 'unchanged'}",
                         entity_type="import_batch", entity_id=batch.id,
                         after=batch_summary(batch))
            prepared.batch_id = batch.id
            for hook in IMPORT_HOOKS:
                hook(s, actor, prepared)
    if prepared.errors.height:
        prepared.status = "rejected"
        with session_scope(engine) as s:
            return reject(prepared, session=s, actor=actor, scope=scope)
    prepared.timings["write"] = time.perf_counter() - started
    progress("write", 1.0)
    return prepared


def write_lock(s: Session, kind_key: str) -> None:
    """Serialise writers of one kind: SQLite takes the database's write lock now (BEGIN
    IMMEDIATE), PostgreSQL a transaction-scoped advisory lock for the kind."""
    if s.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"fivesys.ingest.{kind_key}".encode()).digest()
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                  {"k": int.from_bytes(digest[:8], "big", signed=True)})
    else:
        s.execute(text("BEGIN IMMEDIATE"))


def dry_run(prepared: Prepared, *, session: Session, actor: str, scope: Scope) -> Prepared:
    """Record a checked file that was not written (CLI --dry-run)."""
    if prepared.status == "ready":
        prepared.status = "dry_run"
        prepared.message_key = "ingest.dry_run"
        return record(prepared, session=session, actor=actor, scope=scope)
    return prepared


def _upsert(s: Session, kind: UploadKind, todo: pl.DataFrame, progress: Progress) -> None:
    if todo.height == 0:
        return
    table = table_of(kind)
    columns = [c for c in kind.write_columns() if c in table.c]
    defaults = {k: (v() if callable(v) else v) for k, v in kind.insert_defaults.items()
                if k in table.c and k not in columns}
    updates = [c for c in columns if c not in kind.natural_key]
    if s.get_bind().dialect.name == "postgresql":
        _upsert_postgres(s, table, todo.select(columns), defaults, kind.natural_key, updates)
        progress("write", 1.0)
        return
    rows = todo.select(columns).to_dicts()
    if defaults:
        rows = [r | defaults for r in rows]
    stmt = _on_conflict(sqlite_insert(table), table, kind.natural_key, updates)
    for i in range(0, len(rows), CHUNK):
        s.execute(stmt, rows[i:i + CHUNK])
        progress("write", min(1.0, (i + CHUNK) / len(rows)))


def _on_conflict(stmt: Any, table: Table, natural_key: tuple[str, ...], updates: list[str]) -> Any:
    if not updates:
        return stmt.on_conflict_do_nothing(index_elements=list(natural_key))
    return stmt.on_conflict_do_update(index_elements=[table.c[k] for k in natural_key],
                                      set_={c: stmt.excluded[c] for c in updates})


def _upsert_postgres(s: Session, table: Table, rows: pl.DataFrame, defaults: dict[str, Any],
                     natural_key: tuple[str, ...], updates: list[str]) -> None:
    """COPY the rows (as CSV written by polars) into a temporary table, then one
    INSERT ... SELECT ... ON CONFLICT DO UPDATE: the same upsert statement, without a round
    trip per row. Insert-only defaults travel as bound parameters of that statement."""
    cols = rows.columns
    tmp = f"ingest_{table.name}_rows"
    col_list = ", ".join(f'"{c}"' for c in cols)
    raw = s.connection().connection.driver_connection
    payload = rows.write_csv(include_header=False, null_value="", quote_style="non_numeric")
    with raw.cursor() as cur:
        cur.execute(f'CREATE TEMP TABLE "{tmp}" ON COMMIT DROP AS SELECT {col_list} '
                    f'FROM "{table.name}" WITH NO DATA')
        with cur.copy(f'COPY "{tmp}" ({col_list}) FROM STDIN WITH (FORMAT csv)') as copy:
            copy.write(payload.encode("utf-8"))
    source = sa_table(tmp, *(sa_column(c) for c in cols))
    extra = [literal(v, type_=table.c[k].type).label(k) for k, v in defaults.items()]
    stmt = pg_insert(table).from_select(
        [*cols, *defaults], select(*(source.c[c] for c in cols), *extra))
    s.execute(_on_conflict(stmt, table, natural_key, updates))
    s.execute(text(f'DROP TABLE "{tmp}"'))


