"""Alert sync: run every registered light rule and upsert `alert` rows by (rule, subject).

Lifecycle kept by the sync (supervisors' actions live in services.lights.orders):
- a subject that breaks a rule for the first time -> a new alert, status `open`;
- facts changed materially (the facts JSON without the rule's volatile keys, the level or the
  rule version) -> facts updated, status kept, an `updated` history event;
- only volatile facts changed -> facts refreshed quietly (no event);
- the condition is gone -> `cleared` with a time, unless an active 督办 order covers the alert;
- a `cleared` alert whose condition returns -> `open` again (`reopened`);
- `closed` / `dismissed` alerts stay so unless the facts changed materially (then `reopened`).
Two syncs in a row change nothing. Reads and writes are in bulk (one select, executemany
inserts/updates), compared in polars (services.lights.sync_plan), so a province-scale run stays
a few statements (services.lights.sync_write); on PostgreSQL a read of whole tables (full sync,
sweep) compares and writes each rule's alerts while the later rules still run
(services.lights.sync_stream).

Two entry points, one per way of holding the transaction:
- `sync_alerts(engine, ...)`: the sync is a whole unit of work of its own: it takes the engine
  because it reads its inputs in one read snapshot of committed data (services.platform.
  snapshot.read_snapshot: Arrow columns through ADBC, on PostgreSQL and for SQLite's full
  reads) and writes under its own lock (lock_sync, sync_mutex) in its own transaction (button, CLI, and the queue's
  worker in services.lights.queue, which also runs `sync_partitions`' partitioned form);
- `sync_alerts_in(session=...)`: inside a caller's open transaction (the demo seed), reading
  that transaction's rows, even those not yet committed; the caller commits."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

import polars as pl
from filelock import FileLock
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from metrics.lights.registry import RULES, Rule
from metrics.lights.rules import LC_R1
from models.base import utcnow
from models.db import is_postgres, session_scope
from models.lights import LightsState
from services.lights.as_read import Emit, evaluated, read_and_evaluate
from services.lights.groups import resolve_group
from services.lights.inputs import OPEN_ROWS, Bind, load_input_sets
from services.lights.rule_settings import effective_params, stored_settings
from services.lights.sync_plan import CURRENT_SCHEMA, KEY, SyncResult, action_counts, plan_sync
from services.lights.sync_stream import streamed_write
from services.lights.sync_write import existing_alerts, refresh_escalations, write_plan
from services.platform import audit
from services.platform.memory import release_free_memory

LAST_RUN = "last_run"  # lights_state: when the rules last ran (any sync)
SYNC_LOCK_KEY = 40404  # pg advisory lock id of the alert sync
# session.info flag: this session's writes ask for no sync (services.lights.touch): the sync's
# own (an escalated 督办 order) and the demo seed's, which syncs in its own transaction
QUIET = "lights.touch_quiet"

__all__ = ["LAST_RUN", "QUIET", "SYNC_LOCK_KEY", "SyncResult", "evaluate_rules", "lock_sync", "sync_alerts",
           "sync_alerts_in", "sync_mutex", "sync_partitions"]
_MEMORY_MUTEX = threading.Lock()  # an in-memory SQLite database lives in one process


def evaluate_rules(*, session: Session, rules: list[Rule],
                   inputs: Mapping[str, pl.DataFrame] | None = None) -> pl.DataFrame:
    """Every rule's alerts (CURRENT_SCHEMA), with admin-set parameters; `inputs` replaces
    loaded frames by name (tests, or a caller that already holds them)."""
    given = dict(inputs or {})
    needed = {name for r in rules for name in r.inputs} - given.keys()
    frames = load_input_sets(session.connection(), [(needed, None)])[0] | given
    stored = stored_settings(session=session)
    parts = [evaluated(r, frames, stored) for r in rules]
    return pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=CURRENT_SCHEMA)


def lock_sync(session: Session) -> None:
    """PostgreSQL: one sync at a time (worker, button, CLI, sweep), taken before the inputs
    are read so a sync never writes an older state over a newer one: a transaction-scoped
    advisory lock, which blocks no other writer. SQLite has no such lock: see sync_mutex."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SYNC_LOCK_KEY})


@contextmanager
def sync_mutex(engine: Engine) -> Iterator[None]:
    """SQLite: one sync at a time across processes, held from before the inputs are read
    until the sync commits. Its only write lock, BEGIN IMMEDIATE, blocks every other writer,
    and a province read takes a minute against a 30 s busy timeout (logins and imports
    failed with "database is locked"), so the sync holds this file lock beside the database
    while it reads and evaluates, and the write lock only for the compare and upsert. The OS
    releases the file lock when a process dies. PostgreSQL: nothing (lock_sync)."""
    if engine.dialect.name == "postgresql":
        yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        with _MEMORY_MUTEX:
            yield
        return
    with FileLock(str(Path(database).resolve()) + ".sync.lock"):
        yield


def _write_lock(session: Session) -> None:
    """SQLite's write lock, taken before the existing alerts are read so the compare sees
    every status a supervisor set meanwhile, and held until the sync commits (PostgreSQL: the
    alert-writes lock the read of the stored alerts takes, services.lights.sync_write)."""
    if session.connection().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))


def _plan(session: Session, reader: Bind, rules: list[Rule],
          inputs: Mapping[str, pl.DataFrame] | None, departments: frozenset[int] | None,
          before_compare: Callable[[], None], stream: Callable[[], AbstractContextManager[Emit | None]],
          sweep: bool = False) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """This run's plan: with `departments`, the department rules (metrics.lights.registry.
    Partition) are read, evaluated and compared only inside those departments, the group rules
    for the departments and subjects of the touched groups, the rest whole; with `sweep`, the
    rules declared sweep="open" only on the open rows and their subjects (metrics.lights.
    registry.Sweep). `before_compare` runs between the evaluation and the read of the
    existing alerts. `stream` gives the rules read whole an `emit` that compares and writes
    them as they run (services.lights.sync_stream), or None: they join this plan."""
    given = dict(inputs or {})
    part = [r for r in rules if departments is not None and r.partition == "department"]
    grouped = [r for r in rules if departments is not None and r.partition == "group"]
    opened = [r for r in rules if sweep and r.sweep == "open" and r not in part + grouped]
    whole = [r for r in rules if r not in part + grouped + opened]
    scopes = [resolve_group(r.group, reader, departments) for r in grouped]
    names = [{n for r in group for n in r.inputs} - given.keys() for group in (whole, part, opened)]
    # the rules read whole are evaluated as their inputs come in (services.lights.as_read)
    with stream() as emit:
        found_whole, read = read_and_evaluate(
            session, reader, [(names[0], None), (names[1], departments), (names[2], OPEN_ROWS)] + [
                (set(r.inputs) - given.keys(), scope.departments) for r, scope in zip(grouped, scopes, strict=True)],
            whole, given, keep=LC_R1.inputs, bulk=departments is None, emit=emit)
    full_frames, part_frames, open_frames = read[0], read[1], read[2] | given
    found = evaluate_rules(session=session, rules=part, inputs=part_frames | given).filter(
        pl.col("department_id").is_in(sorted(departments or ()))) if part else None
    found_groups = [evaluate_rules(session=session, rules=[r], inputs=frames | given).filter(scope.subjects)
                    for r, scope, frames in zip(grouped, scopes, read[3:], strict=True)]
    # the open rows' subjects, by rule: the only alerts of theirs the date can have moved
    open_subjects = [pl.col("subject_id").is_in(r.open_subjects(open_frames).implode()) for r in opened]
    found_open = [evaluate_rules(session=session, rules=[r], inputs=open_frames).filter(subjects)
                  for r, subjects in zip(opened, open_subjects, strict=True)]
    before_compare()
    current, existing = [], []
    if found_whole is not None:
        current.append(found_whole)
        existing.append(existing_alerts(session=session, rule_ids=[r.id for r in whole]))
    if found is not None:
        current.append(found)
        ids = [r.id for r in part]
        inside = existing_alerts(session=session, rule_ids=ids, departments=departments)
        # a subject that moved in from another department keeps its alert row (one per rule
        # and subject): found by key, so it is updated rather than inserted twice
        moved = found.join(inside, on=KEY, how="anti")["subject_id"].unique().sort().to_list()
        existing.append(inside)
        if moved:
            outside = existing_alerts(session=session, rule_ids=ids, subject_ids=moved)
            existing.append(outside.join(found.select(KEY), on=KEY, how="semi")
                            .join(inside.select(KEY), on=KEY, how="anti"))
    for r, scope, got in zip(grouped, scopes, found_groups, strict=True):
        # a population rule's stored alerts are few (outliers): read them all, keep the groups'
        current.append(got)
        existing.append(existing_alerts(session=session, rule_ids=[r.id]).filter(scope.subjects))
    for r, subjects, got in zip(opened, open_subjects, found_open, strict=True):
        current.append(got)
        existing.append(existing_alerts(session=session, rule_ids=[r.id]).filter(subjects))
    frames = open_frames | part_frames | full_frames | given
    if not current:
        return plan_sync(pl.DataFrame(schema=CURRENT_SCHEMA),
                         existing_alerts(session=session, rule_ids=[])), frames
    return plan_sync(pl.concat(current), pl.concat(existing)), frames


def _record_run(session: Session, now: datetime) -> None:
    """When the rules last ran (LAST_RUN in lights_state), changes or none: the lights
    centre's "规则最近运行于"."""
    row = session.get(LightsState, LAST_RUN) or LightsState(name=LAST_RUN, value="")
    row.value, row.updated_at = now.isoformat(timespec="seconds"), now
    session.add(row)


def _sync(session: Session, *, reader: Bind, actor: str, rule_ids: list[str] | None,
          inputs: Mapping[str, pl.DataFrame] | None, now: datetime | None,
          departments: frozenset[int] | None = None, locked: bool = False,
          sweep: bool = False) -> SyncResult:
    started = time.perf_counter()
    now = now or utcnow()
    session.info[QUIET] = True
    # `locked`: the caller holds the sync lock already (services.lights.queue); on SQLite a
    # sync of its own holds sync_mutex (its caller) and takes the write lock only to compare
    # and write; inside a caller's transaction (sync_alerts_in) that transaction is the lock
    if not locked:
        lock_sync(session)
    rules = [RULES[i] for i in rule_ids] if rule_ids is not None else \
        sorted(RULES.values(), key=lambda r: r.id)
    counts: Counter[str] = Counter()
    # a read of whole tables on PostgreSQL writes as its rules run (services.lights.sync_stream)
    streamed = departments is None and isinstance(reader, Engine) and is_postgres(reader)
    plan, frames = _plan(session, reader, rules, inputs, departments,
                         before_compare=(lambda: _write_lock(session))
                         if isinstance(reader, Engine) else (lambda: None),
                         stream=(lambda: streamed_write(session, actor=actor, now=now, counts=counts))
                         if streamed else (lambda: nullcontext(None)), sweep=sweep)
    counts.update(action_counts(plan))
    write_plan(session=session, plan=plan, actor=actor, now=now)
    escalated = 0
    if LC_R1 in rules and frames["clock"].height:
        params = effective_params(LC_R1, stored_settings(session=session))
        escalated = refresh_escalations(session=session, orders=frames["supervision_orders"],
                                        today=frames["clock"]["today"][0], params=params,
                                        actor=actor, now=now)
    result = SyncResult(
        rules=len(rules), new=counts.get("new", 0), updated=counts.get("updated", 0),
        reopened=counts.get("reopened", 0), cleared=counts.get("cleared", 0),
        refreshed=counts.get("refreshed", 0), unchanged=counts.get("unchanged", 0),
        escalated=escalated,
    )
    _record_run(session, now)
    if result.changed - result.refreshed:
        audit.record(session, actor=actor, action="alerts.sync", entity_type="alert_sync",
                     entity_id=now.isoformat(timespec="seconds"),
                     after={k: v for k, v in result.as_dict().items() if k != "seconds"})
    session.flush()
    if departments is None:  # a read of whole tables (full sync, sweep): its frames are done
        del plan, frames
        release_free_memory()
    return SyncResult(**(result.as_dict() | {"seconds": round(time.perf_counter() - started, 3)}))


def sync_alerts(engine: Engine, *, actor: str = "system", rule_ids: list[str] | None = None,
                inputs: Mapping[str, pl.DataFrame] | None = None,
                now: datetime | None = None) -> SyncResult:
    """Run the rules (all registered, or `rule_ids`) and bring `alert` in line with them, in a
    transaction of its own that commits when the sync ends.

    Takes the engine, not a session: the inputs are read in one snapshot of committed data
    through a connection of their own (Arrow on PostgreSQL, the fast path at province scale),
    and the writes hold the sync's advisory lock for their whole transaction. `inputs`
    replaces loaded input frames by name."""
    with sync_mutex(engine), session_scope(engine) as session:
        return _sync(session, reader=engine, actor=actor, rule_ids=rule_ids, inputs=inputs,
                     now=now)


def sync_partitions(engine: Engine, *, departments: frozenset[int] | set[int],
                    actor: str = "system", rule_ids: list[str] | None = None,
                    now: datetime | None = None) -> SyncResult:
    """The sync of the touched `departments` only (issue 12): the department rules read,
    evaluate and clear alerts only inside them; the population ("global") rules run whole.
    Leaves the alerts exactly as a full sync would (tests/unit/test_lights_partitions.py)."""
    with sync_mutex(engine), session_scope(engine) as session:
        return _sync(session, reader=engine, actor=actor, rule_ids=rule_ids, inputs=None,
                     now=now, departments=frozenset(departments))


def sync_alerts_in(*, session: Session, actor: str = "system",
                   rule_ids: list[str] | None = None,
                   inputs: Mapping[str, pl.DataFrame] | None = None,
                   now: datetime | None = None) -> SyncResult:
    """The same sync inside the caller's open transaction (the demo seed): the inputs are read
    on that transaction's connection, so rows it wrote and has not committed count; the
    caller commits."""
    return _sync(session, reader=session.connection(), actor=actor, rule_ids=rule_ids,
                 inputs=inputs, now=now)
