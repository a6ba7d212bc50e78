"""Issue 15: tickets keep the sending system's number (a 12345 work order, a 民心网 post), so
an upload of tickets registers each one once

Revision ID: 0011_feedback_source
Revises: 0010_security
Create Date: 2026-12-06 02:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011_feedback_source'
down_revision = '0010_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fb_ticket') as batch:
        batch.add_column(sa.Column('source_no', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.create_index('uq_fb_ticket_source', ['channel', 'source_no'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('fb_ticket') as batch:
        batch.drop_index('uq_fb_ticket_source')
        batch.drop_column('source_no')
