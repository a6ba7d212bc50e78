"""`seed-demo`: a deterministic demo province. Each system adds its step to SEED_STEPS."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import session_scope
from models.org import Region
from services.seed.org import seed_org
from services.seed.lights import seed_lights
from services.seed.power import seed_power
from services.seed.supervision import seed_supervision

SCALES = ("small", "province")

# Each step: (name, function(session, scale=...) -> counts). Run in order, in one transaction.
SeedStep = Callable[..., dict[str, int]]
SEED_STEPS: list[tuple[str, SeedStep]] = [
    ("org", seed_org),
    ("power", seed_power),
    ("supervision", seed_supervision),
    # keep "lights" LAST: it runs every system's rules over the data seeded above
    ("lights", seed_lights),
]


class SeedError(RuntimeError):
    pass


def database_is_empty(engine: Engine) -> bool:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Region)).scalar_one() == 0


def seed_demo(engine: Engine, *, scale: str = "small",
              progress: Callable[[str], None] | None = None) -> dict[str, dict[str, int]]:
    """Fill an empty database with the demo province; refuses a database that has data."""
    if scale not in SCALES:
        raise SeedError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    if not database_is_empty(engine):
        raise SeedError("the database already holds regions; seed-demo needs an empty database")
    results: dict[str, dict[str, int]] = {}
    with session_scope(engine) as s:
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
