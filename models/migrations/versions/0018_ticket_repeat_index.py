"""Issue 12: a partial index of the tickets that repeat an earlier one (FB-R3's input)

Revision ID: 0018_ticket_repeat_index
Revises: 0017_step_unfinished_index
Create Date: 2026-12-07 18:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018_ticket_repeat_index'
down_revision = '0017_step_unfinished_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_fb_ticket_repeat_of', 'fb_ticket', ['repeat_of_id'], unique=False,
                    sqlite_where=sa.text('repeat_of_id IS NOT NULL'),
                    postgresql_where=sa.text('repeat_of_id IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_fb_ticket_repeat_of', table_name='fb_ticket')
