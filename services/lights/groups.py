"""Resolvers of the "group" partition (metrics.lights.registry.Partition): for the departments
a change touched, which departments' input rows decide the groups they belong to, and which
alerts (by subject) those groups decide.

A population rule such as AP-Y6 compares the departments that handle one power item: a change
in department d moves the fences of d's items, so every department of those items may gain or
lose a light, and no other. Each system keeps its resolvers in the `GROUPS` table of its
`services/<system>/rule_inputs.py` (filled by `group_table(GROUPS)`); `startup.boot()` merges
them here. A resolver takes an Engine or a Connection, like a loader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from services.lights.inputs import Bind


@dataclass(frozen=True)
class GroupScope:
    departments: frozenset[int]  # whose input rows decide the touched groups, all of them
    subjects: pl.Expr            # over an alert frame: True for the subjects those groups decide


Resolver = Callable[[Bind, frozenset[int]], GroupScope]
GROUPS: dict[str, Resolver] = {}


def group_table(table: dict[str, Resolver]) -> Callable[[str], Callable[[Resolver], Resolver]]:
    """A `@group("name")` decorator that files resolvers into `table` (a system's own)."""
    def group(name: str) -> Callable[[Resolver], Resolver]:
        def wrap(fn: Resolver) -> Resolver:
            if name in table and table[name] is not fn:
                raise ValueError(f"group {name} declared twice")
            table[name] = fn
            return fn
        return wrap
    return group


def register_groups(table: dict[str, Resolver]) -> None:
    for name, fn in table.items():
        if name in GROUPS and GROUPS[name] is not fn:
            raise ValueError(f"group {name} registered twice")
        GROUPS[name] = fn


def resolve_group(name: str, bind: Bind, departments: frozenset[int]) -> GroupScope:
    return GROUPS[name](bind, departments)
