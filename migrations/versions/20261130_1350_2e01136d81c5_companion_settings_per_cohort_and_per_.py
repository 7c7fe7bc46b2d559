"""companion settings per cohort and per member

Revision ID: 2e01136d81c5
Revises: 890b8c292efa
Create Date: 2026-11-30 13:50:55.488914

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2e01136d81c5'
down_revision = "890b8c292efa"
branch_labels = None
depends_on = None


def upgrade():
    # The organizer's choice per cohort (no row: the built-in engine) ...
    op.create_table('cohort_companions',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('off', 'builtin', 'model', name='companion_mode', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_companions_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', name=op.f('pk_cohort_companions'))
    )
    # ... and each member's own (no row: the companion is off for them).
    op.create_table('companion_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('use_model', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_companion_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_companion_preferences'))
    )


def downgrade():
    op.drop_table('companion_preferences')
    op.drop_table('cohort_companions')
