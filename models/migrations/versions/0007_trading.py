"""S2 public resource trading register (issue 14)

Revision ID: 0007_trading
Revises: 0006_esupervision_exact
Create Date: 2026-12-01 22:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007_trading'
down_revision = '0006_esupervision_exact'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trade_party',
    sa.Column('uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('legal_representative', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('telephone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('controller_uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('uq_trade_party_uscc', 'trade_party', ['uscc'], unique=True)
    op.create_table('trade_process',
    sa.Column('ocid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('domain', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('agency_uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('agency_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('method_details', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('award_criteria', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('main_category', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('budget', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('max_price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('tender_start', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('tender_end', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('retender_of', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_trade_process_dept', 'trade_process', ['department_id'], unique=False)
    op.create_index('ix_trade_process_domain', 'trade_process', ['domain'], unique=False)
    op.create_index('ix_trade_process_region_start', 'trade_process', ['region_code', 'tender_start'], unique=False)
    op.create_index('uq_trade_process_ocid', 'trade_process', ['ocid'], unique=True)
    op.create_table('trade_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('award_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('supplier_uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('award_date', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['process_id'], ['trade_process.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_trade_award_supplier', 'trade_award', ['supplier_uscc'], unique=False)
    op.create_index('uq_trade_award_no', 'trade_award', ['process_id', 'award_no'], unique=True)
    op.create_table('trade_bid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('bid_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('tenderer_uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('bond_account', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('bond_payer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('bond_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('agent_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('project_manager', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['process_id'], ['trade_process.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_trade_bid_tenderer', 'trade_bid', ['tenderer_uscc'], unique=False)
    op.create_index('uq_trade_bid_no', 'trade_bid', ['process_id', 'bid_no'], unique=True)
    op.create_table('trade_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('contract_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('award_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('supplier_uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('date_signed', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['process_id'], ['trade_process.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_trade_contract_supplier', 'trade_contract', ['supplier_uscc'], unique=False)
    op.create_index('uq_trade_contract_no', 'trade_contract', ['process_id', 'contract_no'], unique=True)
    op.create_table('trade_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('item_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('classification_scheme', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('classification_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['process_id'], ['trade_process.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('uq_trade_item_no', 'trade_item', ['process_id', 'item_no'], unique=True)
    op.create_table('trade_amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('amendment_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('amended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('amount_after', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('rationale', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['trade_contract.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('uq_trade_amendment_no', 'trade_amendment', ['contract_id', 'amendment_no'], unique=True)


def downgrade() -> None:
    for table in ('trade_amendment', 'trade_contract', 'trade_award', 'trade_bid', 'trade_item',
                  'trade_process', 'trade_party'):
        op.drop_table(table)
