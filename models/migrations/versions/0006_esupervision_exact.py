"""S4 exact money, power validity dates, step passes (issue 11)

Revision ID: 0006_esupervision_exact
Revises: 0005_supervision
Create Date: 2026-12-01 22:15:00
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

revision = '0006_esupervision_exact'
down_revision = '0005_supervision'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # IN PROGRESS: filled by the work on this system in this session


def downgrade() -> None:
    pass
