"""Issue 16: evidence files on the answer to a 督办 order

Revision ID: 0012_evidence
Revises: 0011_feedback_source
Create Date: 2026-12-06 03:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012_evidence'
down_revision = '0011_feedback_source'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('supervision_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['supervision_order.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supervision_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_evidence_order_id'), ['order_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('supervision_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_evidence_order_id'))
    op.drop_table('supervision_evidence')
