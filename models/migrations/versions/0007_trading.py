"""S2 public resource trading register (issue 14)

Revision ID: 0007_trading
Revises: 0006_esupervision_exact
Create Date: 2026-12-01 22:15:00
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

revision = '0007_trading'
down_revision = '0006_esupervision_exact'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # IN PROGRESS: filled by the work on this system in this session


def downgrade() -> None:
    pass
