"""Issue 12: the lights' sync queue (partitioned sync requests) and the last daily sweep

Revision ID: 0013_sync_queue
Revises: 0012_evidence
Create Date: 2026-12-06 02:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013_sync_queue'
down_revision = '0012_evidence'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sync_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('departments', sa.Text(), nullable=True),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sync_request_batch_id', 'sync_request', ['batch_id'], unique=False)
    op.create_index('ix_sync_request_done_at', 'sync_request', ['done_at'], unique=False)
    op.create_table(
        'lights_state',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('lights_state')
    op.drop_index('ix_sync_request_done_at', table_name='sync_request')
    op.drop_index('ix_sync_request_batch_id', table_name='sync_request')
    op.drop_table('sync_request')
