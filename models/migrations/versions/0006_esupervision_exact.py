"""S4 exact money, power validity dates, step passes (issue 11)

Money columns become Numeric(14, 2) (float sums exceeded budgets by a float's error); a power
version gets its validity (published_at, retired_at) so a case attaches to the version in
force when it was received; a case step gets a pass number so a case that comes back to a
step keeps every pass.

Revision ID: 0006_esupervision_exact
Revises: 0005_supervision
Create Date: 2026-12-01 22:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006_esupervision_exact'
down_revision = '0005_supervision'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)
# (table, column, nullable)
MONEY_COLUMNS = (("power", "fee_standard", True), ("approval_case", "fee_charged", False),
                 ("special_fund", "budget", False), ("special_fund", "approval_threshold", False),
                 ("fund_payment", "amount", False))


def _retype(to_type, from_type, postgres_using: str) -> None:  # noqa: ANN001
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, column, nullable in MONEY_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=from_type, type_=to_type,
                                  existing_nullable=nullable,
                                  **({"postgresql_using": postgres_using.format(c=column)}
                                     if postgres else {}))


def upgrade() -> None:
    # float -> exact yuan, rounded to the fen (what was entered; floats only added noise)
    _retype(MONEY, sa.Float(), "round({c}::numeric, 2)")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite keeps REAL values as they were: round them to the fen once
        for table, column, _ in MONEY_COLUMNS:
            op.execute(f"UPDATE {table} SET {column} = round({column}, 2) WHERE {column} IS NOT NULL")

    with op.batch_alter_table('power', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_power_code_validity', ['code', 'published_at'], unique=False)
    # validity of the versions already there, from what the rows tell: a version that was
    # published (still published, abolished, or superseded: only a published version gets a
    # successor) from its creation; retired when a later version of its code was published
    # or abolished, or (abolished itself) at its last change
    op.execute("UPDATE power SET published_at = created_at "
               "WHERE status IN ('published', 'abolished') OR is_current = false")
    op.execute("UPDATE power SET retired_at = (SELECT MIN(later.published_at) FROM power later "
               "WHERE later.code = power.code AND later.version > power.version "
               "AND later.status IN ('published', 'abolished')) WHERE published_at IS NOT NULL")
    op.execute("UPDATE power SET retired_at = updated_at "
               "WHERE status = 'abolished' AND retired_at IS NULL")

    with op.batch_alter_table('case_step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pass_no', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_index('uq_case_step_seq')
        batch_op.create_index('uq_case_step_pass', ['case_id', 'seq', 'pass_no'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('case_step', schema=None) as batch_op:
        batch_op.drop_index('uq_case_step_pass')
    # one row per (case, step) again: the last pass, as before
    op.execute("DELETE FROM case_step WHERE pass_no < (SELECT MAX(p.pass_no) FROM case_step p "
               "WHERE p.case_id = case_step.case_id AND p.seq = case_step.seq)")
    with op.batch_alter_table('case_step', schema=None) as batch_op:
        batch_op.create_index('uq_case_step_seq', ['case_id', 'seq'], unique=True)
        batch_op.drop_column('pass_no')
    with op.batch_alter_table('power', schema=None) as batch_op:
        batch_op.drop_index('ix_power_code_validity')
        batch_op.drop_column('retired_at')
        batch_op.drop_column('published_at')
    _retype(sa.Float(), MONEY, "{c}::double precision")
