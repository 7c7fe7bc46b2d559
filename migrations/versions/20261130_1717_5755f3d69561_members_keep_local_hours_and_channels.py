"""Members keep their own hours, a holiday pause and delivery channels

Revision ID: 5755f3d69561
Revises: 86e127b5b311
Create Date: 2026-11-30 17:17:54.488175

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5755f3d69561'
down_revision = '86e127b5b311'
branch_labels = None
depends_on = None


def upgrade():
    # Each member's quiet hours, reminder time and holiday pause, on their own clock (no row:
    # the defaults, 22:00-08:00 and 09:00).
    op.create_table('delivery_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=False),
    sa.Column('quiet_end', sa.Time(), nullable=False),
    sa.Column('reminder_time', sa.Time(), nullable=False),
    sa.Column('email_paused_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_delivery_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_delivery_settings'))
    )


def downgrade():
    op.drop_table('delivery_settings')
