"""analytics rollups per region

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SUMS = (
    ('people', sa.Integer()),
    ('gap_sum', sa.Float()),
    ('priority_sum', sa.Float()),
    ('below_target', sa.Integer()),
    ('observed_n', sa.Integer()),
    ('observed_sum', sa.Float()),
    ('self_n', sa.Integer()),
    ('self_sum', sa.Float()),
    ('both_n', sa.Integer()),
    ('blind_spots', sa.Integer()),
    ('with_evidence', sa.Integer()),
    ('level_1', sa.Integer()),
    ('level_2', sa.Integer()),
    ('level_3', sa.Integer()),
    ('level_4', sa.Integer()),
)


def upgrade():
    op.create_table('analytics_region_cells',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=10), nullable=False),
    sa.Column('band', sa.String(length=20), nullable=False),
    sa.Column('skill_slug', sa.String(length=60), nullable=False),
    *(sa.Column(name, kind, nullable=False) for name, kind in SUMS),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_analytics_region_cells_region_id_regions')),
    sa.PrimaryKeyConstraint('period', 'region_id', 'grade', 'band', 'skill_slug', name=op.f('pk_analytics_region_cells'))
    )
    # Fill it from the PDU rows already there (the live rows and every snapshot).
    columns = ', '.join(name for name, _kind in SUMS)
    sums = ', '.join(f'sum({name})' for name, _kind in SUMS)
    op.execute(
        f'INSERT INTO analytics_region_cells (period, region_id, grade, band, skill_slug, {columns}) '
        f'SELECT period, region_id, grade, band, skill_slug, {sums} FROM analytics_pdu_cells '
        'GROUP BY period, region_id, grade, band, skill_slug'
    )


def downgrade():
    op.drop_table('analytics_region_cells')
