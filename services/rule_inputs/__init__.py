"""Loaders of the frames the light rules read, by name (see metrics.rules.registry.Rule.inputs).

Each system adds a module here whose functions are registered with `@loader("name")`, and
imports it at the bottom of this file. A loader reads the whole province (alert sync is not
scoped; reading the alerts is)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from sqlalchemy.engine import Engine

Loader = Callable[[Engine], pl.DataFrame]
LOADERS: dict[str, Loader] = {}


def loader(name: str) -> Callable[[Loader], Loader]:
    def wrap(fn: Loader) -> Loader:
        if name in LOADERS and LOADERS[name] is not fn:
            raise ValueError(f"input {name} registered twice")
        LOADERS[name] = fn
        return fn
    return wrap


def load_inputs(engine: Engine, names: set[str]) -> dict[str, pl.DataFrame]:
    missing = names - LOADERS.keys()
    if missing:
        raise KeyError(f"no loader for rule inputs: {sorted(missing)}")
    return {name: LOADERS[name](engine) for name in sorted(names)}
