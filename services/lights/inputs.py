"""Loaders of the frames the light rules read, by name (see metrics.lights.registry.Rule.inputs).

Each system keeps its loaders in `services/<system>/rule_inputs.py`: a `LOADERS` table filled
with that module's own `loader = loader_table(LOADERS)` decorator; `startup.boot()` merges the
tables of every system named in `systems.py` into `LOADERS` here. A loader reads the whole province (alert sync is not
scoped; reading the alerts is).

The argument is an Engine OR a Connection (the demo seed runs the sync inside its own open
transaction, `services.lights.sync.sync_alerts_in`, and passes that transaction's Connection,
so the rows it just wrote are visible).
Write loaders so that both work: `services.platform.frames.read_frame(bind, stmt, schema)` (fast on
both), or `with Session(bind) as s: ...` for small reads — not `bind.begin()`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
from sqlalchemy.engine import Connection, Engine

from core.clock import one_today
from services.platform.frames import read_snapshot

Bind = Engine | Connection
Loader = Callable[[Bind], pl.DataFrame]
LOADERS: dict[str, Loader] = {}


def loader_table(table: dict[str, Loader]) -> Callable[[str], Callable[[Loader], Loader]]:
    """A `@loader("name")` decorator that files functions into `table` (a system's own)."""
    def loader(name: str) -> Callable[[Loader], Loader]:
        def wrap(fn: Loader) -> Loader:
            if name in table and table[name] is not fn:
                raise ValueError(f"input {name} declared twice")
            table[name] = fn
            return fn
        return wrap
    return loader


def register_loaders(table: dict[str, Loader]) -> None:
    for name, fn in table.items():
        if name in LOADERS and LOADERS[name] is not fn:
            raise ValueError(f"input {name} registered twice")
        LOADERS[name] = fn


def load_inputs(bind: Bind, names: set[str], *, today: date | None = None) -> dict[str, pl.DataFrame]:
    """The frames `names`, read on `bind`: inside its transaction when it is a Connection; on
    an Engine, in one read snapshot of committed data (services.platform.frames)."""
    missing = names - LOADERS.keys()
    if missing:
        raise KeyError(f"no loader for rule inputs: {sorted(missing)}")
    # one China date for every loader (the `clock` frame and the working-day columns alike):
    # `today` when given, else today's date in China when the load starts
    with one_today(today):
        if isinstance(bind, Engine):
            with read_snapshot(bind):
                return {name: LOADERS[name](bind) for name in sorted(names)}
        return {name: LOADERS[name](bind) for name in sorted(names)}

