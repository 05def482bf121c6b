"""analytics team totals over grade and band

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 01:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
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
    op.create_table('analytics_team_totals',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('skill_slug', sa.String(length=60), nullable=False),
    sa.Column('pdu_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('site', sa.String(length=120), nullable=False),
    *(sa.Column(name, kind, nullable=False) for name, kind in SUMS),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_analytics_team_totals_team_id_teams')),
    sa.PrimaryKeyConstraint('period', 'team_id', 'skill_slug', name=op.f('pk_analytics_team_totals'))
    )
    with op.batch_alter_table('analytics_team_totals', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_team_totals_period_pdu', ['period', 'pdu_id'], unique=False)
    # Fill it from the team rows already there (the live rows and every snapshot).
    columns = ', '.join(name for name, _kind in SUMS)
    sums = ', '.join(f'sum({name})' for name, _kind in SUMS)
    op.execute(
        f'INSERT INTO analytics_team_totals (period, team_id, skill_slug, pdu_id, region_id, site, {columns}) '
        f'SELECT period, team_id, skill_slug, min(pdu_id), min(region_id), min(site), {sums} '
        'FROM analytics_cells GROUP BY period, team_id, skill_slug'
    )


def downgrade():
    with op.batch_alter_table('analytics_team_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_team_totals_period_pdu')
    op.drop_table('analytics_team_totals')
