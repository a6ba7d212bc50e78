"""Issue 12: a sync request names the tables its change wrote, so that only the rules reading
them re-run

Revision ID: 0014_sync_tables
Revises: 0013_sync_queue
Create Date: 2026-12-06 05:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014_sync_tables'
down_revision = '0013_sync_queue'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sync_request') as batch:
        batch.add_column(sa.Column('tables', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_request') as batch:
        batch.drop_column('tables')
