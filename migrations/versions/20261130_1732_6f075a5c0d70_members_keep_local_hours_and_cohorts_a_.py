"""Members keep their own hours and a holiday pause; cohorts may post to a chat

Revision ID: 6f075a5c0d70
Revises: b2c141ceb692
Create Date: 2026-11-30 17:32:37.971740

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f075a5c0d70'
down_revision = 'b2c141ceb692'
branch_labels = None
depends_on = None


def upgrade():
    # The ledger and the queue of channels other than email, and each cohort's chat webhook.
    op.create_table('channel_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('period_key', sa.String(length=120), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_deliveries')),
    sa.UniqueConstraint('channel', 'recipient', 'kind', 'period_key', name=op.f('uq_channel_deliveries_channel_recipient_kind_period_key'))
    )
    op.create_table('channel_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='outbox_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_channel_messages_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_messages'))
    )
    with op.batch_alter_table('channel_messages', schema=None) as batch_op:
        batch_op.create_index('ix_channel_messages_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('chat_webhooks',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('style', sa.String(length=20), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('post_sessions', sa.Boolean(), nullable=False),
    sa.Column('post_shared', sa.Boolean(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('switched_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_chat_webhooks_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_chat_webhooks_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('cohort_id', name=op.f('pk_chat_webhooks'))
    )
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
    op.drop_table('chat_webhooks')
    with op.batch_alter_table('channel_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_messages_due')

    op.drop_table('channel_messages')
    op.drop_table('channel_deliveries')
