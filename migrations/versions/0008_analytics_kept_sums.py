"""analytics kept sums: moderation and audits

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
    # Empty: until the sums are first written (``flask analytics refresh``, the nightly
    # job), the oversight page adds up the ratings and answers themselves.
    op.create_table('analytics_kept_sums',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('moderation_since', sa.Date(), nullable=True),
    sa.Column('audits', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_kept_sums'))
    )
    op.create_table('analytics_audit_cells',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('question_key', sa.String(length=60), nullable=False),
    sa.Column('audits', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_analytics_audit_cells_team_id_teams')),
    sa.PrimaryKeyConstraint('team_id', 'quarter', 'kind', 'question_key', name=op.f('pk_analytics_audit_cells'))
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
    op.drop_table('analytics_audit_cells')
    op.drop_table('analytics_kept_sums')
