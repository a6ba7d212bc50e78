"""Issue 11: index approval cases by region and conclusion time (the cockpit's cases concluded this month)

Revision ID: 0016_case_finished_index
Revises: 0015_login_ticket
Create Date: 2026-12-06 23:00:00
"""
from __future__ import annotations

from alembic import op

revision = '0016_case_finished_index'
down_revision = '0015_login_ticket'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_approval_case_region_finished', 'approval_case', ['region_code', 'finished_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_approval_case_region_finished', table_name='approval_case')
