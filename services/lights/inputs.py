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

Read order: a full read runs two loaders at a time, so the order decides which reads overlap.
A loader declares `lead` (default 0); higher leads start first, ties by name. The longest read
leads (the province's steps): the others run beside it one after another, and no second large
read overlaps its peak (measured on the PostgreSQL province: the sync's peak 1.93-1.95 GB led
against 2.15-2.28 GB in name order, same time; leading the trading and power inputs too cut no
time for certain and raised the peak to 2.5-3.0 GB on both databases).

The argument is an Engine OR a Connection (the demo seed runs the sync inside its own open
transaction, `services.lights.sync.sync_alerts_in`, and passes that transaction's Connection,
so the rows it just wrote are visible).
Write loaders so that both work: `services.platform.frames.read_frame(bind, stmt, schema)` (fast on
both), or `with Session(bind) as s: ...` for small reads — not `bind.begin()`. A full read
runs loaders two at a time in threads (`inputs_as_read`): a loader keeps no state of its own."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
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
    """A `@loader("name", tables=(...), by_department=False, dated=False, lead=0)` decorator
    that files functions into `table` (a system's own); see the module docstring for the flags."""
    def loader(name: str, *, tables: tuple[str, ...], by_department: bool = False,
               dated: bool = False, open_rows: bool = False, lead: int = 0) -> Callable[[Loader], Loader]:
        def wrap(fn: Loader) -> Loader:
            if name in table and table[name] is not fn:
                raise ValueError(f"input {name} declared twice")
            if open_rows and not dated:
                raise ValueError(f"input {name}: open rows are a dated loader's")
            fn.by_department = by_department  # type: ignore[attr-defined]
            fn.dated = dated  # type: ignore[attr-defined]
            fn.open_rows = open_rows  # type: ignore[attr-defined]
            fn.tables = frozenset(tables)  # type: ignore[attr-defined]
            fn.lead = lead  # type: ignore[attr-defined]
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


def lead_of(name: str) -> int:
    """How early a read starts loader `name` (module docstring: read order)."""
    return int(getattr(LOADERS.get(name), "lead", 0))


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
    got: list[dict[str, pl.DataFrame]] = [{} for _ in sets]
    with inputs_as_read(bind, sets, today=today, bulk=bulk) as arriving:
        for (i, name), frame in arriving:
            got[i][name] = frame
    return [{n: frames[n] for n in sorted(frames)} for frames in got]


@contextmanager
def inputs_as_read(bind: Bind, sets: list[tuple[set[str], Rows]], *, today: date | None = None,
                   bulk: bool = False) -> Iterator[Iterator[tuple[tuple[int, str], pl.DataFrame]]]:
    """The frames of `sets` as load_input_sets reads them, handed over one by one as each is
    read: ((index of its set, name), frame); with `bulk`, in the order the loaders finish.
    Nothing here keeps a frame once handed over: a consumer that drops a frame it is done
    with frees it while the rest is still being read (services.lights.as_read)."""
    missing = set().union(*(names for names, _ in sets)) - LOADERS.keys()
    if missing:
        raise KeyError(f"no loader for rule inputs: {sorted(missing)}")
    in_order = sorted(((i, n, rows) for i, (names, rows) in enumerate(sets) for n in names),
                      key=lambda x: (-lead_of(x[1]), x[0], x[1]))
    # one China date for every loader (the `clock` frame and the working-day columns alike):
    # `today` when given, else today's date in China when the load starts
    with one_today(today), ExitStack() as stack:
        if isinstance(bind, Engine):
            stack.enter_context(read_snapshot(bind, bulk=bulk))
        if not (bulk and isinstance(bind, Engine)):
            yield (((i, n), _load(bind, n, rows)) for i, n, rows in in_order)
            return
        # two at a time: while one waits for the snapshot's connection (a statement at a
        # time), the other turns its rows into frames (polars and the drivers let go of the
        # GIL); each in a copy of this context: the snapshot and "today" are context variables
        done: queue.SimpleQueue = queue.SimpleQueue()

        def load(key: tuple[int, str], rows: Rows) -> None:
            try:
                done.put((key, _load(bind, key[1], rows)))
            except BaseException as exc:  # noqa: BLE001  (raised in the consumer's thread)
                done.put(exc)

        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rule-inputs")
        try:
            for i, n, rows in in_order:
                pool.submit(copy_context().run, load, (i, n), rows)
            # through a queue, not the pool's futures: a future holds its frame for good
            yield (_loaded(done.get()) for _ in in_order)
        finally:  # a loader failed, or the consumer stopped: the ones not started are dropped
            pool.shutdown(wait=True, cancel_futures=True)


def _loaded(item: tuple[tuple[int, str], pl.DataFrame] | BaseException) -> tuple[tuple[int, str], pl.DataFrame]:
    if isinstance(item, BaseException):
        raise item
    return item
