"""analytics rollups per PDU

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
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
    op.create_table('analytics_pdu_cells',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('pdu_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=10), nullable=False),
    sa.Column('band', sa.String(length=20), nullable=False),
    sa.Column('skill_slug', sa.String(length=60), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    *(sa.Column(name, kind, nullable=False) for name, kind in SUMS),
    sa.ForeignKeyConstraint(['pdu_id'], ['pdus.id'], name=op.f('fk_analytics_pdu_cells_pdu_id_pdus')),
    sa.PrimaryKeyConstraint('period', 'pdu_id', 'grade', 'band', 'skill_slug', name=op.f('pk_analytics_pdu_cells'))
    )
    with op.batch_alter_table('analytics_pdu_cells', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_pdu_cells_period_region', ['period', 'region_id'], unique=False)
    # Fill it from the team rows already there (the live rows and every snapshot).
    columns = ', '.join(name for name, _kind in SUMS)
    sums = ', '.join(f'sum({name})' for name, _kind in SUMS)
    op.execute(
        f'INSERT INTO analytics_pdu_cells (period, pdu_id, grade, band, skill_slug, region_id, {columns}) '
        f'SELECT period, pdu_id, grade, band, skill_slug, min(region_id), {sums} FROM analytics_cells '
        'GROUP BY period, pdu_id, grade, band, skill_slug'
    )


def downgrade():
    with op.batch_alter_table('analytics_pdu_cells', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_pdu_cells_period_region')

    op.drop_table('analytics_pdu_cells')
