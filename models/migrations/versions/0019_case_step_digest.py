"""Issue 12: PostgreSQL keeps a digest of each case's steps, so a full sync reads 1.1M rows
instead of 5.8M

`case_step_digest` holds one row per case with steps: `steps` is the case's steps in order of
start (started_at, pass_no, seq), each 24 bytes big-endian — seq int4, pass_no int4, started_at
and finished_at as int8 microseconds since 1970-01-01 UTC, finished_at -2⁶³ while the step
runs (services.esupervision.step_digest decodes it). Triggers on case_step keep it, whoever
writes the steps (imports, the form, the seed, SQL by hand): after each statement, the digest
of every case the statement touched is computed again from its steps. A writer first locks
those cases' rows (FOR NO KEY UPDATE, which steps' foreign keys do not wait for), so two
transactions writing one case's steps refresh its digest one after the other, the second
reading the first's committed steps (every writer runs at READ COMMITTED: each statement of
the trigger sees what committed before it). SQLite has none of it: its reads are fast enough
(issue 12's targets), and it has neither statement triggers nor transition tables.

Revision ID: 0019_case_step_digest
Revises: 0018_ticket_repeat_index
Create Date: 2026-12-07 23:00:00
"""
from __future__ import annotations

from alembic import op

revision = '0019_case_step_digest'
down_revision = '0018_ticket_repeat_index'
branch_labels = None
depends_on = None

_RECORD = """int4send(seq) || int4send(pass_no)
        || int8send((extract(epoch FROM started_at) * 1000000)::int8)
        || int8send(coalesce((extract(epoch FROM finished_at) * 1000000)::int8,
                             '-9223372036854775808'::int8))"""
_DIGEST = f"""string_agg({_RECORD}, ''::bytea ORDER BY started_at, pass_no, seq)"""

UPGRADE = [
    """CREATE TABLE case_step_digest (
        case_id integer PRIMARY KEY,
        steps bytea NOT NULL
    )""",
    f"""CREATE FUNCTION case_step_digest_refresh(ids integer[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM approval_case WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
        DELETE FROM case_step_digest WHERE case_id = ANY(ids);
        INSERT INTO case_step_digest (case_id, steps)
        SELECT case_id, {_DIGEST} FROM case_step WHERE case_id = ANY(ids) GROUP BY case_id;
    END $$""",
    """CREATE FUNCTION case_step_digest_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM case_step_digest_refresh(ARRAY(SELECT DISTINCT case_id FROM new_steps));
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION case_step_digest_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM case_step_digest_refresh(ARRAY(
            SELECT case_id FROM new_steps UNION SELECT case_id FROM old_steps));
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION case_step_digest_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM case_step_digest_refresh(ARRAY(SELECT DISTINCT case_id FROM old_steps));
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION case_step_digest_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE case_step_digest;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER case_step_digest_insert AFTER INSERT ON case_step
    REFERENCING NEW TABLE AS new_steps
    FOR EACH STATEMENT EXECUTE FUNCTION case_step_digest_inserted()""",
    """CREATE TRIGGER case_step_digest_update AFTER UPDATE ON case_step
    REFERENCING OLD TABLE AS old_steps NEW TABLE AS new_steps
    FOR EACH STATEMENT EXECUTE FUNCTION case_step_digest_updated()""",
    """CREATE TRIGGER case_step_digest_delete AFTER DELETE ON case_step
    REFERENCING OLD TABLE AS old_steps
    FOR EACH STATEMENT EXECUTE FUNCTION case_step_digest_deleted()""",
    """CREATE TRIGGER case_step_digest_truncate AFTER TRUNCATE ON case_step
    FOR EACH STATEMENT EXECUTE FUNCTION case_step_digest_truncated()""",
    f"""INSERT INTO case_step_digest (case_id, steps)
    SELECT case_id, {_DIGEST} FROM case_step GROUP BY case_id""",
]

DOWNGRADE = [
    "DROP TRIGGER case_step_digest_truncate ON case_step",
    "DROP TRIGGER case_step_digest_delete ON case_step",
    "DROP TRIGGER case_step_digest_update ON case_step",
    "DROP TRIGGER case_step_digest_insert ON case_step",
    "DROP FUNCTION case_step_digest_truncated()",
    "DROP FUNCTION case_step_digest_deleted()",
    "DROP FUNCTION case_step_digest_updated()",
    "DROP FUNCTION case_step_digest_inserted()",
    "DROP FUNCTION case_step_digest_refresh(integer[])",
    "DROP TABLE case_step_digest",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
