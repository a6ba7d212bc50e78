"""Loaders of the frames the light rules read, by name (see metrics.lights.registry.Rule.inputs).

Each system keeps its loaders in `services/<system>/rule_inputs.py`: a `LOADERS` table filled
with that module's own `loader = loader_table(LOADERS)` decorator; `startup.boot()` merges the
tables of every system named in `systems.py` into `LOADERS` here. A loader reads the whole province (alert sync is not
scoped; reading the alerts is).

Partitions (issue 12): a loader declared `by_department=True` takes a keyword `departments`
(a frozenset of department ids, or None for the whole province) and then reads only the rows of
those departments, in SQL (indexed department columns); the partitioned sync passes the
touched departments to it. A loader declared `dated=True` reads "today" (working days left,
open cases): the rules reading it are re-run by the daily sweep. A loader declares the
`tables` it reads (tests/unit/test_lights_touch.py checks them against the SQL it runs): a
change of those tables, and of no other, re-runs the rules that read it (services.lights.touch).
A dated loader declared `open_rows=True` takes a keyword `open_only` and then reads just the
rows the date can still move (open cases with their steps and suspensions): the daily sweep
asks for them (`OPEN_ROWS` in place of the departments) for the rules declared sweep="open".

The argument is an Engine OR a Connection (the demo seed runs the sync inside its own open
transaction, `services.lights.sync.sync_alerts_in`, and passes that transaction's Connection,
so the rows it just wrote are visible).
Write loaders so that both work: `services.platform.frames.read_frame(bind, stmt, schema)` (fast on
both), or `with Session(bind) as s: ...` for small reads — not `bind.begin()`. A full read
runs loaders two at a time in threads (`_in_threads`): a loader keeps no state of its own."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from datetime import date

import polars as pl
from sqlalchemy.engine import Connection, Engine

from core.clock import one_today
from services.platform.snapshot import read_snapshot

Bind = Engine | Connection
Loader = Callable[..., pl.DataFrame]
Departments = frozenset[int] | None
OPEN_ROWS = "open rows"  # in place of a Departments: the rows the date can still move
Rows = Departments | str
LOADERS: dict[str, Loader] = {}
DATED = frozenset({"clock"})  # the `clock` frame is today itself


def loader_table(table: dict[str, Loader]) -> Callable[..., Callable[[Loader], Loader]]:
    """A `@loader("name", tables=(...), by_department=False, dated=False)` decorator that files
    functions into `table` (a system's own); see the module docstring for the flags."""
    def loader(name: str, *, tables: tuple[str, ...], by_department: bool = False,
               dated: bool = False, open_rows: bool = False) -> Callable[[Loader], Loader]:
        def wrap(fn: Loader) -> Loader:
            if name in table and table[name] is not fn:
                raise ValueError(f"input {name} declared twice")
            if open_rows and not dated:
                raise ValueError(f"input {name}: open rows are a dated loader's")
            fn.by_department = by_department  # type: ignore[attr-defined]
            fn.dated = dated  # type: ignore[attr-defined]
            fn.open_rows = open_rows  # type: ignore[attr-defined]
            fn.tables = frozenset(tables)  # type: ignore[attr-defined]
            table[name] = fn
            return fn
        return wrap
    return loader


def by_department(name: str) -> bool:
    return bool(getattr(LOADERS[name], "by_department", False))


def is_dated(name: str) -> bool:
    return name in DATED or bool(getattr(LOADERS.get(name), "dated", False))


def has_open_rows(name: str) -> bool:
    return bool(getattr(LOADERS.get(name), "open_rows", False))


def tables_of(name: str) -> frozenset[str]:
    """The tables loader `name` reads."""
    return LOADERS[name].tables  # type: ignore[attr-defined]


def _load(bind: Bind, name: str, departments: Rows) -> pl.DataFrame:
    if departments == OPEN_ROWS:  # a loader without open rows reads whole
        return LOADERS[name](bind, open_only=True) if has_open_rows(name) else LOADERS[name](bind)
    if departments is not None and by_department(name):
        return LOADERS[name](bind, departments=departments)
    return LOADERS[name](bind)


def register_loaders(table: dict[str, Loader]) -> None:
    for name, fn in table.items():
        if name in LOADERS and LOADERS[name] is not fn:
            raise ValueError(f"input {name} registered twice")
        LOADERS[name] = fn


def load_inputs(bind: Bind, names: set[str], *, today: date | None = None,
                departments: Departments = None) -> dict[str, pl.DataFrame]:
    """The frames `names`, read on `bind`: inside its transaction when it is a Connection; on
    an Engine, in one read snapshot of committed data (services.platform.snapshot). With
    `departments`, the loaders declared by_department read only those departments' rows."""
    return load_input_sets(bind, [(names, departments)], today=today, bulk=departments is None)[0]


def load_input_sets(bind: Bind, sets: list[tuple[set[str], Rows]], *,
                    today: date | None = None, bulk: bool = False) -> list[dict[str, pl.DataFrame]]:
    """Several sets of frames (names, departments) in ONE read snapshot and with one "today"
    (the partitioned sync reads its population rules' inputs whole and its department rules'
    inputs for the touched departments; the sweep reads OPEN_ROWS); identical reads are
    shared by the snapshot. `bulk`: the sets read whole tables (a full sync, the sweep):
    two connections, loaders in threads (services.platform.snapshot.read_snapshot)."""
    missing = set().union(*(names for names, _ in sets)) - LOADERS.keys()
    if missing:
        raise KeyError(f"no loader for rule inputs: {sorted(missing)}")
    # one China date for every loader (the `clock` frame and the working-day columns alike):
    # `today` when given, else today's date in China when the load starts
    with one_today(today):
        if isinstance(bind, Engine):
            with read_snapshot(bind, bulk=bulk):
                return _in_threads(bind, sets) if bulk else \
                    [{n: _load(bind, n, d) for n in sorted(names)} for names, d in sets]
        return [{n: _load(bind, n, d) for n in sorted(names)} for names, d in sets]


def _in_threads(bind: Engine, sets: list[tuple[set[str], Rows]]) -> list[dict[str, pl.DataFrame]]:
    """The loaders two at a time: while one waits for the snapshot's connection (a statement
    at a time), the other turns its rows into frames (polars and the drivers let go of the
    GIL). Each runs in a copy of this context: the snapshot and "today" are context variables."""
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rule-inputs")
    try:
        jobs = [{n: pool.submit(copy_context().run, _load, bind, n, d) for n in sorted(names)}
                for names, d in sets]
        return [{n: job.result() for n, job in got.items()} for got in jobs]
    finally:  # a loader failed: the ones not started yet are dropped
        pool.shutdown(wait=True, cancel_futures=True)
