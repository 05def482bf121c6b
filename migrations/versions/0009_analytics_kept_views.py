"""analytics kept views: what each unit's live heatmaps hide

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Empty: until a region's views are first kept (the ``keep-views`` job, ``flask
    # analytics keep-views``), its heatmaps work out what other views hide themselves.
    op.create_table('analytics_kept_views_state',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('changes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kept', sa.Integer(), nullable=True),
    sa.Column('rules', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_analytics_kept_views_state_region_id_regions')),
    sa.PrimaryKeyConstraint('region_id', name=op.f('pk_analytics_kept_views_state'))
    )
    op.create_table('analytics_kept_views',
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('grouping', sa.String(length=10), nullable=False),
    sa.Column('denominator', sa.String(length=20), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('hidden', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_analytics_kept_views_region_id_regions')),
    sa.PrimaryKeyConstraint('level', 'unit_id', 'grouping', 'denominator', name=op.f('pk_analytics_kept_views'))
    )
    with op.batch_alter_table('analytics_kept_views', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_kept_views_region', ['region_id'], unique=False)


def downgrade():
    with op.batch_alter_table('analytics_kept_views', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_kept_views_region')
    op.drop_table('analytics_kept_views')
    op.drop_table('analytics_kept_views_state')
