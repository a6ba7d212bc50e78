"""S3 performance indicators, periods and scores (issue 13)

Revision ID: 0009_performance
Revises: 0008_feedback
Create Date: 2026-12-01 22:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009_performance'
down_revision = '0008_feedback'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('perf_tree_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('activated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('no')
    )
    op.create_table('perf_indicator',
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('parent_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('higher_is_better', sa.Boolean(), nullable=False),
    sa.Column('params', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('metric_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('missing_rule', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('definition', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['perf_tree_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_no', 'code', name='uq_perf_indicator_code')
    )
    with op.batch_alter_table('perf_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_perf_indicator_version_id'), ['version_id'], unique=False)

    op.create_table('perf_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('four_eyes', sa.Boolean(), nullable=False),
    sa.Column('bonus_cap', sa.Float(), nullable=False),
    sa.Column('grade_bounds', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('opened_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['perf_tree_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('perf_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_perf_period_status'), ['status'], unique=False)

    op.create_table('perf_department_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('peer_group', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('base_points', sa.Float(), nullable=False),
    sa.Column('bonus_points', sa.Float(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('vetoed', sa.Boolean(), nullable=False),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('peer_rank', sa.Integer(), nullable=False),
    sa.Column('peer_count', sa.Integer(), nullable=False),
    sa.Column('missing_leaves', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['perf_period.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_id', 'department_id', name='uq_perf_dept_score')
    )
    with op.batch_alter_table('perf_department_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_perf_department_score_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_perf_department_score_region_code'), ['region_code'], unique=False)

    op.create_table('perf_leaf_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('indicator_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('params', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('metric_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('effective_weight', sa.Float(), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('records_query', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['perf_period.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_id', 'department_id', 'indicator_code', name='uq_perf_leaf_score')
    )
    with op.batch_alter_table('perf_leaf_score', schema=None) as batch_op:
        batch_op.create_index('ix_perf_leaf_score_dept', ['period_id', 'department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_perf_leaf_score_region_code'), ['region_code'], unique=False)

    op.create_table('perf_manual_score',
    sa.Column('period_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('department_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('indicator_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('evaluator', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reviewer', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('review_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['perf_period.id'], ),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_code', 'department_code', 'indicator_code', name='uq_perf_manual_score')
    )
    with op.batch_alter_table('perf_manual_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_perf_manual_score_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_perf_manual_score_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_perf_manual_score_region_code'), ['region_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('perf_manual_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_perf_manual_score_region_code'))
        batch_op.drop_index(batch_op.f('ix_perf_manual_score_period_id'))
        batch_op.drop_index(batch_op.f('ix_perf_manual_score_department_id'))

    op.drop_table('perf_manual_score')
    with op.batch_alter_table('perf_leaf_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_perf_leaf_score_region_code'))
        batch_op.drop_index('ix_perf_leaf_score_dept')

    op.drop_table('perf_leaf_score')
    with op.batch_alter_table('perf_department_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_perf_department_score_region_code'))
        batch_op.drop_index(batch_op.f('ix_perf_department_score_period_id'))

    op.drop_table('perf_department_score')
    with op.batch_alter_table('perf_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_perf_period_status'))

    op.drop_table('perf_period')
    with op.batch_alter_table('perf_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_perf_indicator_version_id'))

    op.drop_table('perf_indicator')
    op.drop_table('perf_tree_version')
