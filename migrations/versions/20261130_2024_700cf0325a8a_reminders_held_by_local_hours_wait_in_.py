"""Reminders held back by a member's local hours wait in their own table until their release

Revision ID: 700cf0325a8a
Revises: 6f075a5c0d70
Create Date: 2026-11-30 20:24:27.129525

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '700cf0325a8a'
down_revision = '6f075a5c0d70'
branch_labels = None
depends_on = None


def upgrade():
    # A tick skips a held reminder in SQL until its release, while the hours and the due
    # moment it was worked out from still hold.
    op.create_table('reminder_holds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('period_key', sa.String(length=120), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=False),
    sa.Column('quiet_end', sa.Time(), nullable=False),
    sa.Column('reminder_time', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_holds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', 'period_key', name=op.f('pk_reminder_holds'))
    )
    with op.batch_alter_table('reminder_holds', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_holds_not_before', ['not_before'], unique=False)


def downgrade():
    with op.batch_alter_table('reminder_holds', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_holds_not_before')

    op.drop_table('reminder_holds')
