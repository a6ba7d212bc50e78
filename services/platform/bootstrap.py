"""Getting a database ready for the app: migrate, and seed the demo on first start."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from models.db import session_scope
from services.platform.schema import is_at_head, upgrade_to_head
from services.platform.settings import Settings


class SchemaOutdated(RuntimeError):
    pass


def prepare_database(engine: Engine, settings: Settings) -> str:
    """Demo mode: upgrade to head and seed an empty database. Otherwise the schema must
    already be at head (`manage.py init-db`), so the app never migrates production silently.
    Takes the engine: migrating and seeding are transactions of their own."""
    if settings.demo_mode:
        # the demo runner (and through it every system's seed) is loaded only in demo mode
        from services.platform.demo import database_is_empty, seed_demo  # noqa: PLC0415

        upgrade_to_head(engine)
        with session_scope(engine) as session:
            empty = database_is_empty(session=session)
        if empty:
            seed_demo(engine, scale=settings.demo_scale)
            return "seeded"
        return "ready"
    if not is_at_head(engine):
        raise SchemaOutdated("database schema is not at the latest revision; run `python manage.py init-db`")
    return "ready"
