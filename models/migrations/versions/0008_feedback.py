"""S5 public-opinion feedback tickets (issue 15)

Revision ID: 0008_feedback
Revises: 0007_trading
Create Date: 2026-12-01 22:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008_feedback'
down_revision = '0007_trading'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fb_category',
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('department_kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('sign_days', sa.Integer(), nullable=False),
        sa.Column('reply_days', sa.Integer(), nullable=False),
        sa.Column('urgent_sign_days', sa.Integer(), nullable=False),
        sa.Column('urgent_reply_days', sa.Integer(), nullable=False),
        sa.Column('visit_days', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('uq_fb_category_code', 'fb_category', ['code'], unique=True)
    op.create_table('fb_ticket',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('query_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('category_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('urgency', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('address_norm', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('contact_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('contact_cipher', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('contact_mask', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('repeat_of_id', sa.Integer(), nullable=True),
        sa.Column('dispatched_on', sa.Date(), nullable=True),
        sa.Column('sign_due', sa.Date(), nullable=True),
        sa.Column('reply_due', sa.Date(), nullable=True),
        sa.Column('visit_due', sa.Date(), nullable=True),
        sa.Column('extension_days', sa.Integer(), nullable=False),
        sa.Column('extension_pending', sa.Integer(), nullable=False),
        sa.Column('signed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('replied_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('visited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('reply', sa.Text(), nullable=True),
        sa.Column('resolved', sa.Boolean(), nullable=True),
        sa.Column('satisfaction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('reopen_count', sa.Integer(), nullable=False),
        sa.Column('return_count', sa.Integer(), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['category_code'], ['fb_category.code']),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['merged_into_id'], ['fb_ticket.id']),
        sa.ForeignKeyConstraint(['region_code'], ['region.code']),
        sa.ForeignKeyConstraint(['repeat_of_id'], ['fb_ticket.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_fb_ticket_address', 'fb_ticket', ['address_norm', 'category_code'], unique=False)
    op.create_index('ix_fb_ticket_contact', 'fb_ticket', ['contact_hash'], unique=False)
    op.create_index('ix_fb_ticket_dept_received', 'fb_ticket', ['department_id', 'received_at'], unique=False)
    op.create_index('ix_fb_ticket_received', 'fb_ticket', ['received_at'], unique=False)
    op.create_index('ix_fb_ticket_updated', 'fb_ticket', ['updated_at'], unique=False)
    op.create_index('ix_fb_ticket_region_received', 'fb_ticket', ['region_code', 'received_at'], unique=False)
    op.create_index('ix_fb_ticket_status', 'fb_ticket', ['status'], unique=False)
    op.create_index('uq_fb_ticket_no', 'fb_ticket', ['ticket_no'], unique=True)
    op.create_table('fb_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['fb_ticket.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_fb_event_action_at', 'fb_event', ['action', 'at'], unique=False)
    op.create_index('ix_fb_event_ticket', 'fb_event', ['ticket_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_fb_event_action_at', table_name='fb_event')
    op.drop_index('ix_fb_event_ticket', table_name='fb_event')
    op.drop_table('fb_event')
    op.drop_index('ix_fb_ticket_contact', table_name='fb_ticket')
    op.drop_index('ix_fb_ticket_updated', table_name='fb_ticket')
    op.drop_index('ix_fb_ticket_received', table_name='fb_ticket')
    op.drop_index('ix_fb_ticket_region_received', table_name='fb_ticket')
    op.drop_index('ix_fb_ticket_dept_received', table_name='fb_ticket')
    op.drop_index('uq_fb_ticket_no', table_name='fb_ticket')
    op.drop_index('ix_fb_ticket_address', table_name='fb_ticket')
    op.drop_index('ix_fb_ticket_status', table_name='fb_ticket')
    op.drop_table('fb_ticket')
    op.drop_index('uq_fb_category_code', table_name='fb_category')
    op.drop_table('fb_category')
