"""S5 public-opinion feedback tickets (issue 15)

Revision ID: 0008_feedback
Revises: 0007_trading
Create Date: 2026-12-01 22:15:00
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

revision = '0008_feedback'
down_revision = '0007_trading'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # IN PROGRESS: filled by the work on this system in this session


def downgrade() -> None:
    pass
