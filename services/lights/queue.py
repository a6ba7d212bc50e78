"""The lights' sync queue (issue 12): a user's request only records what it touched; the
worker brings the lights in line afterwards, so no page waits for a sync.

- `request_sync` records a `sync_request` row (departments touched, or NULL for everything;
  tables written, or NULL for every rule); `sync_after_import` is the ingest hook that does so
  inside an import's transaction, and services.lights.touch does it for every ORM write (a form
  save) of a table some rule reads.
- `drain` takes the sync lock (PostgreSQL advisory lock; on SQLite a file lock, the write
  lock only for the final compare and upsert: one drain at a time across processes), reads every pending request, merges them into one sync
  (partitioned by the union of their departments, or full when one of them asks for it),
  runs only the rules that read a table they wrote (an S4 upload never re-runs the S2 rules),
  and marks them done IN THE SAME TRANSACTION as the alerts it writes: a crash leaves both
  the alerts and the queue as they were, and the next drain does the work again.
- `sweep` (daily, after midnight Asia/Shanghai) re-runs the rules whose result moves with the
  date alone, on the rows the date can still move where a rule declares so (open cases);
  `sweep_if_due` does it once per China day, the day recorded in `lights_state` under the
  same lock, so several processes never sweep twice.
The app runs `drain` and `sweep_if_due` in one background thread per server process
(ui.lights.worker); the CLI has `sync-alerts` (drain, `--full`) and `sweep`; tests call
`drain` where they mean "after the worker ran"."""

from __future__ import annotations

import json
import logging
import threading
from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.clock import china_today
from data_checks.kinds import get_kind
from metrics.lights.registry import RULES
from models.base import utcnow
from models.db import session_scope
from models.lights import LightsState, SyncRequest
from services.lights.inputs import is_dated, tables_of
from services.lights.sync import SyncResult, _sync, lock_sync, sync_mutex

logger = logging.getLogger(__name__)
SWEEP_STATE = "last_sweep"
REQUESTED = "lights.sync_requested"  # session.info: this transaction recorded its request
# Tables whose rows feed a department rule through an input read whole (AP-R2 compares each
# case's steps with its power's flow chart, and a power's cases may sit in other departments):
# an import of them asks for a full sync.
WHOLE_SYNC_TABLES = frozenset({"power_step", "power_edge"})


def request_sync(session: Session, *, actor: str, departments: frozenset[int] | None,
                 batch_id: int | None = None, tables: frozenset[str] | None = None) -> int:
    """Record a sync request in the caller's transaction; returns its id."""
    row = SyncRequest(actor=actor, batch_id=batch_id,
                      departments=None if departments is None else json.dumps(sorted(departments)),
                      tables=None if tables is None else json.dumps(sorted(tables)))
    session.add(row)
    session.flush()
    session.info[REQUESTED] = True  # services.lights.touch adds nothing more to this transaction
    return int(row.id)


def last_request_writing(tables: tuple[str, ...]):  # noqa: ANN201
    """A scalar select of the newest sync request that wrote one of `tables` (or everything):
    every import and ORM write of a table a rule reads records one (services.lights.touch), so
    it changes whenever those tables do; pages key their caches on it. Read backwards on the
    primary key, so it stops at the first match."""
    r = SyncRequest
    wrote = r.tables.is_(None) | or_(*(r.tables.contains(f'"{name}"') for name in tables))
    return select(r.id).where(wrote).order_by(r.id.desc()).limit(1).scalar_subquery()


def rules_reading(tables: frozenset[str] | None) -> list[str]:
    """The rules whose inputs read one of `tables` (every rule for None)."""
    return sorted(r.id for r in RULES.values()
                  if tables is None or any(tables_of(n) & tables for n in r.inputs))


def sync_after_import(session: Session, actor: str, prepared) -> None:  # noqa: ANN001
    """The ingest hook (systems.py): record the import's sync request in the import's own
    transaction; the worker (woken when it commits) or the next `drain` brings the lights in
    line."""
    departments = prepared.departments
    kind = get_kind(prepared.kind)
    if kind.table in WHOLE_SYNC_TABLES:
        departments = None
    # a kind with a writer of its own may write more than its table: every rule then
    tables = None if kind.writer else frozenset({kind.table})
    request_sync(session, actor=actor, departments=departments, batch_id=prepared.batch_id,
                 tables=tables)


def request_full_sync(engine: Engine, *, actor: str) -> int:
    """A supervisor's "立即运行规则": record a request for a full sync (every rule, every
    department) in a transaction of its own, wake this process's worker and return at once;
    the worker's drain runs it off the user's request (one sync at a time, as every drain).
    Returns the request's id (`pending(engine, request_id=...)` tells when it is done)."""
    with session_scope(engine) as s:
        request_id = request_sync(s, actor=actor, departments=None, tables=None)
    WAKE.set()
    return request_id


def pending(engine: Engine, *, batch_id: int | None = None,
            request_id: int | None = None) -> int:
    """How many sync requests are not done yet (of one import batch, or the one request,
    when given)."""
    stmt = select(func.count()).select_from(SyncRequest).where(SyncRequest.done_at.is_(None))
    if batch_id is not None:
        stmt = stmt.where(SyncRequest.batch_id == batch_id)
    if request_id is not None:
        stmt = stmt.where(SyncRequest.id == request_id)
    with Session(engine) as s:
        return int(s.execute(stmt).scalar_one())


def drain(engine: Engine, *, actor: str = "worker", now: datetime | None = None) -> SyncResult | None:
    """Run the pending requests as one sync; None when nothing was pending."""
    with sync_mutex(engine), session_scope(engine) as s:
        lock_sync(s)
        rows = s.execute(select(SyncRequest.id, SyncRequest.departments, SyncRequest.tables)
                         .where(SyncRequest.done_at.is_(None))).all()
        if not rows:
            return None
        departments = None if any(d is None for _, d, _ in rows) else frozenset(
            int(x) for _, d, _ in rows for x in json.loads(d))
        tables = None if any(t is None for _, _, t in rows) else frozenset(
            x for _, _, t in rows for x in json.loads(t))
        result = _sync(s, reader=engine, actor=actor, rule_ids=rules_reading(tables),
                       inputs=None, now=now, departments=departments, locked=True)
        s.execute(update(SyncRequest).where(SyncRequest.id.in_([i for i, *_ in rows]))
                  .values(done_at=now or utcnow()))
        return result


def time_rules() -> list[str]:
    """Rules whose result can change with the date alone: they read a dated input, and do not
    declare that its dated columns never reach their result (metrics.lights.registry.Sweep)."""
    return sorted(r.id for r in RULES.values()
                  if r.sweep != "never" and any(is_dated(n) for n in r.inputs))


def sweep(engine: Engine, *, actor: str = "sweep", today: date | None = None) -> SyncResult:
    """The daily sweep: the time-dependent rules, those declared sweep="open" on the open
    rows only; records the day swept."""
    with sync_mutex(engine), session_scope(engine) as s:
        lock_sync(s)
        result = _sync(s, reader=engine, actor=actor, rule_ids=time_rules(), inputs=None,
                       now=None, locked=True, sweep=True)
        _set_state(s, SWEEP_STATE, (today or china_today()).isoformat())
        return result


def sweep_if_due(engine: Engine, *, actor: str = "sweep") -> SyncResult | None:
    """Sweep unless today's (China) sweep is recorded already; checked under the lock."""
    today = china_today()
    with sync_mutex(engine), session_scope(engine) as s:
        lock_sync(s)
        if s.get(LightsState, SWEEP_STATE) is not None and \
                s.get(LightsState, SWEEP_STATE).value >= today.isoformat():
            return None
        result = _sync(s, reader=engine, actor=actor, rule_ids=time_rules(), inputs=None,
                       now=None, locked=True, sweep=True)
        _set_state(s, SWEEP_STATE, today.isoformat())
        return result


def _set_state(s: Session, name: str, value: str) -> None:
    row = s.get(LightsState, name) or LightsState(name=name, value=value)
    row.value, row.updated_at = value, utcnow()
    s.add(row)
    s.flush()


# Set when a request was recorded in this process: the worker thread wakes at once.
WAKE = threading.Event()
