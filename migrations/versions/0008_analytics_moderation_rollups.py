"""analytics moderation rollups

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Empty: until the rows are first written (``flask analytics refresh``, the nightly
    # job), the oversight page adds up the ratings themselves.
    op.create_table('analytics_moderation_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_moderation_window'))
    )
    op.create_table('analytics_moderation',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('observer_role', sa.String(length=20), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level_sum', sa.Integer(), nullable=False),
    sa.Column('ratings', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['observer_id'], ['users.id'], name=op.f('fk_analytics_moderation_observer_id_users')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_analytics_moderation_skill_id_skills')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_analytics_moderation_team_id_teams')),
    sa.PrimaryKeyConstraint('team_id', 'observer_id', 'observer_role', 'skill_id', name=op.f('pk_analytics_moderation'))
    )


def downgrade():
    op.drop_table('analytics_moderation')
    op.drop_table('analytics_moderation_window')
