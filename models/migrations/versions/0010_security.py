"""Issue 17: the uploader's department on import batches; login cookies revocable per user

Revision ID: 0010_security
Revises: 0009_performance
Create Date: 2026-12-01 22:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010_security'
down_revision = '0009_performance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_batch') as batch:
        batch.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch.create_index('ix_import_batch_department_id', ['department_id'], unique=False)
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('sessions_valid_from', sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_column('sessions_valid_from')
    with op.batch_alter_table('import_batch') as batch:
        batch.drop_index('ix_import_batch_department_id')
        batch.drop_column('department_id')
