"""`seed-demo`: a deterministic demo province, one step per system of the manifest.

`startup.boot()` fills SEED_STEPS in the manifest's order (the platform's organisation first,
the lights last: that step runs every system's rules over the data seeded before it)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import session_scope
from models.org import Region
from services.lights.sync import QUIET

SCALES = ("small", "province")

# Each step: (name, function(session, scale=...) -> counts). Run in order, in one transaction.
SeedStep = Callable[..., dict[str, int]]
SEED_STEPS: list[tuple[str, SeedStep]] = []


class SeedError(RuntimeError):
    pass


def database_is_empty(*, session: Session) -> bool:
    return session.execute(select(func.count()).select_from(Region)).scalar_one() == 0


def seed_demo(engine: Engine, *, scale: str = "small",
              progress: Callable[[str], None] | None = None) -> dict[str, dict[str, int]]:
    """Fill an empty database with the demo province; refuses a database that has data.
    Takes the engine: every step runs in one transaction of its own (all or nothing), with
    fresh planner statistics between steps on PostgreSQL."""
    if scale not in SCALES:
        raise SeedError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    results: dict[str, dict[str, int]] = {}
    with session_scope(engine) as s:
        s.info[QUIET] = True  # the lights step syncs inside this transaction
        if not database_is_empty(session=s):
            raise SeedError("the database already holds regions; seed-demo needs an empty database")
        for name, step in SEED_STEPS:
            if progress:
                progress(name)
            results[name] = step(s, scale=scale)
            if engine.dialect.name == "postgresql":
                # fresh planner statistics for the next steps' reads (the light rules): with
                # the empty tables' figures PostgreSQL picks plans that turn a 1 s read into
                # 17 s until autovacuum catches up
                s.execute(text("ANALYZE"))
    return results
