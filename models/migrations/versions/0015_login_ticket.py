"""Issue 17: single-use login tickets that turn a form login into the HttpOnly login cookie

Revision ID: 0015_login_ticket
Revises: 0014_sync_tables
Create Date: 2026-12-06 05:05:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0015_login_ticket'
down_revision = '0014_sync_tables'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_ticket',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('next_path', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('binding', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_ticket_expires_at', 'login_ticket', ['expires_at'], unique=False)
    op.create_index('ix_login_ticket_ticket_hash', 'login_ticket', ['ticket_hash'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_login_ticket_ticket_hash', table_name='login_ticket')
    op.drop_index('ix_login_ticket_expires_at', table_name='login_ticket')
    op.drop_table('login_ticket')
