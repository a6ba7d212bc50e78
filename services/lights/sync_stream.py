"""PostgreSQL: a bulk sync's rules compared and written while the others still run (issue 12).

A full sync wrote only once every rule had run: at province scale PostgreSQL's compare and
write (the stored alerts' read, the UPDATE … FROM of 33,000 changes, their history) took
1.7 s on one core after Cardinal's trading rules, the last evaluated, had left a core idle.
Here the rules' alerts go to one writer thread as each rule runs; it compares and writes
whatever has come in, batch by batch, on the sync's own session, so the write overlaps the
rules still running and only the last batch is left at the end.

Same transaction, same locks, same plan: a plan is per (rule, subject) key (services.lights.
sync_plan), so the plans of groups of rules are the plan of them all, and a crash anywhere rolls
back every batch. PostgreSQL only: the sync's lock there blocks no other writer, while SQLite's
write lock (BEGIN IMMEDIATE) would be held for the whole read (services.lights.sync.
sync_mutex). The first batch's read of the stored alerts takes the alert-writes lock
(services.lights.sync_write): a supervisor's action waits from then until the sync commits.
The session is used by the writer alone until `streamed_write` ends."""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import polars as pl
from sqlmodel import Session

from metrics.lights.registry import Rule
from services.lights.as_read import Emit
from services.lights.sync_plan import action_counts, plan_sync
from services.lights.sync_write import existing_alerts, write_plan

_END = None


class _Writer(threading.Thread):
    def __init__(self, session: Session, actor: str, now: datetime) -> None:
        super().__init__(name="alert-write", daemon=True)
        self.session, self.actor, self.now = session, actor, now
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.counts: Counter[str] = Counter()
        self.error: BaseException | None = None

    def run(self) -> None:
        ended = False
        while not ended:
            batch = [self.inbox.get()]
            while not self.inbox.empty():  # whatever else came in meanwhile, in one go
                batch.append(self.inbox.get())
            ended = batch[-1] is _END
            found = [item for item in batch if item is not _END]
            if found and self.error is None:
                try:
                    self._write(found)
                except BaseException as exc:  # noqa: BLE001  (raised in the sync's thread)
                    self.error = exc

    def _write(self, found: list[tuple[Rule, pl.DataFrame]]) -> None:
        current = pl.concat([frame for _, frame in found])
        existing = existing_alerts(session=self.session, rule_ids=[rule.id for rule, _ in found])
        plan = plan_sync(current, existing)
        self.counts.update(action_counts(plan))
        write_plan(session=self.session, plan=plan, actor=self.actor, now=self.now)


@contextmanager
def streamed_write(session: Session, *, actor: str, now: datetime,
                   counts: Counter[str]) -> Iterator[Emit]:
    """Yields `emit(rule, alerts)`: each rule's alerts are compared with its stored ones and
    written in the writer thread. On leaving, the writer finishes what it was given and its
    action counts are added to `counts`; a failed write raises here."""
    writer = _Writer(session, actor, now)
    writer.start()

    def emit(rule: Rule, alerts: pl.DataFrame) -> None:
        if writer.error is not None:  # stop reading and evaluating: the sync will fail
            raise writer.error
        writer.inbox.put((rule, alerts))

    try:
        yield emit
    finally:
        writer.inbox.put(_END)
        writer.join()
    if writer.error is not None:
        raise writer.error
    counts.update(writer.counts)
