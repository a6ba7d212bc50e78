"""The Alembic chain alone must build exactly the tables the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from models.db import make_engine, modelled
from services.platform.schema import alembic_config, upgrade_to_head


def test_single_head():
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert len(script.get_heads()) == 1, script.get_heads()


def test_migrations_match_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade_to_head(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"models differ from migrations, add one with manage.py db-revision: {diff}"


def test_migrations_match_models_on_each_database(engine):
    """The test database of each backend holds the models' tables and, on PostgreSQL, the
    tables triggers keep outside the models, which autogenerate leaves alone
    (models.db.modelled)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        everything = compare_metadata(context, SQLModel.metadata)
        modelled_only = compare_metadata(MigrationContext.configure(conn, opts={"include_name": modelled}),
                                         SQLModel.metadata)
    assert modelled_only == []
    left_out = sorted(d[1].name for d in everything)
    assert left_out == (["case_step_digest"] if engine.dialect.name == "postgresql" else [])
