"""analytics team lines: each team's totals on every skill as one row

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 05:00:00.000000

"""
import struct
from itertools import groupby
from operator import itemgetter

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

SUMS = (
    'people', 'gap_sum', 'priority_sum', 'below_target', 'observed_n', 'observed_sum',
    'self_n', 'self_sum', 'both_n', 'blind_spots', 'with_evidence',
    'level_1', 'level_2', 'level_3', 'level_4',
)


def upgrade():
    lines = op.create_table('analytics_team_lines',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('pdu_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('site', sa.String(length=120), nullable=False),
    sa.Column('skills', sa.Text(), nullable=False),
    *(sa.Column(name, sa.LargeBinary(), nullable=False) for name in SUMS),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_analytics_team_lines_team_id_teams')),
    sa.PrimaryKeyConstraint('period', 'team_id', name=op.f('pk_analytics_team_lines'))
    )
    with op.batch_alter_table('analytics_team_lines', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_team_lines_period_pdu', ['period', 'pdu_id'], unique=False)
    # Fill it from the team totals already there (the live rows and every snapshot), a
    # period at a time; the sums packed as little-endian 64-bit floats.
    bind = op.get_bind()
    periods = [p for (p,) in bind.execute(sa.text('SELECT DISTINCT period FROM analytics_team_totals'))]
    columns = ', '.join(SUMS)
    for period in periods:
        totals = bind.execute(
            sa.text(
                f'SELECT team_id, pdu_id, region_id, site, skill_slug, {columns} '
                'FROM analytics_team_totals WHERE period = :period ORDER BY team_id, skill_slug'
            ),
            {'period': period},
        )
        rows = []
        for team_id, found in groupby(totals, key=itemgetter(0)):
            _team, pdu_id, region_id, site, skills, *sums = zip(*found)
            rows.append({
                'period': period,
                'team_id': team_id,
                'pdu_id': pdu_id[0],
                'region_id': region_id[0],
                'site': site[0],
                'skills': ','.join(skills),
                **{name: struct.pack(f'<{len(values)}d', *values) for name, values in zip(SUMS, sums)},
            })
        if rows:
            op.bulk_insert(lines, rows)


def downgrade():
    with op.batch_alter_table('analytics_team_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_team_lines_period_pdu')
    op.drop_table('analytics_team_lines')
