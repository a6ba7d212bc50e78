"""Every write marks what it touched (issue 12). An ORM flush that adds, changes or deletes
rows of a table some light rule reads notes the table and the rows' departments (before and
after a move); when the transaction commits, one sync request for them is recorded in it and
the worker is woken after the commit. So a form save (a ticket's 回访, a risk point's
measures, a power's flow chart) brings its lights in as an import does, without each service
having to remember to ask.

Not covered here: Core bulk writes (imports: services.lights.queue.sync_after_import asks for
them); transactions that recorded a request themselves (services.lights.queue.request_sync);
sessions marked QUIET (the lights sync's own writes, the demo seed, which syncs in its own
transaction)."""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from services.lights.inputs import LOADERS, tables_of
from services.lights.queue import REQUESTED, WAKE, request_sync
from services.lights.sync import QUIET

TOUCHED = "lights.touched"  # session.info: {table: {department id or None}}


def watched_tables() -> frozenset[str]:
    """Every table a rule loader reads."""
    return frozenset().union(*(tables_of(name) for name in LOADERS))


def _departments(obj: object) -> set[int | None]:
    """The row's department before and after this flush; None when the row has none (its
    change may concern any department: the department rules then run whole)."""
    state = inspect(obj)
    if "department_id" not in state.mapper.columns:
        return {None}
    history = state.attrs.department_id.history
    return set(history.added) | set(history.deleted) | set(history.unchanged) or {None}


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    if session.info.get(QUIET):
        return
    watched = watched_tables()
    touched: dict[str, set[int | None]] = session.info.setdefault(TOUCHED, {})
    dirty = session.dirty
    for obj in chain(session.new, dirty, session.deleted):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table not in watched or (obj in dirty and not session.is_modified(obj)):
            continue
        touched.setdefault(table, set()).update(_departments(obj))


def _before_commit(session: Session) -> None:
    if session.info.get(QUIET) or session.info.get(REQUESTED):
        return
    session.flush()  # the last changes pass through _before_flush before they are counted
    touched = session.info.pop(TOUCHED, None)
    if not touched:
        return
    departments = set().union(*touched.values())
    request_sync(session, actor="system",
                 departments=None if None in departments else frozenset(departments),  # type: ignore[arg-type]
                 tables=frozenset(touched))


def _after_commit(session: Session) -> None:
    session.info.pop(TOUCHED, None)
    if session.info.pop(REQUESTED, None):
        WAKE.set()


def _after_rollback(session: Session) -> None:
    session.info.pop(TOUCHED, None)
    session.info.pop(REQUESTED, None)


def install() -> None:
    """Listen on every Session (startup.boot); idempotent."""
    for name, fn in (("before_flush", _before_flush), ("before_commit", _before_commit),
                     ("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
