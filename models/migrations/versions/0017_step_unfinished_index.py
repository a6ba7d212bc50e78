"""Issue 12: a partial index of the case steps still running (the daily sweep's open cases)

Revision ID: 0017_step_unfinished_index
Revises: 0016_case_finished_index
Create Date: 2026-12-07 02:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017_step_unfinished_index'
down_revision = '0016_case_finished_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_step_unfinished', 'case_step', ['case_id'], unique=False,
                    sqlite_where=sa.text('finished_at IS NULL'),
                    postgresql_where=sa.text('finished_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_case_step_unfinished', table_name='case_step')
