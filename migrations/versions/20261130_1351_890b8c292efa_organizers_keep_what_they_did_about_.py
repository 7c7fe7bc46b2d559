"""organizers keep what they did about signals: dismissals, the session talk list, notes

Revision ID: 890b8c292efa
Revises: 8c1a04bf1dd4
Create Date: 2026-11-30 13:51:55.364199

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '890b8c292efa'
down_revision = "8c1a04bf1dd4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('personal_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_personal_notes_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_personal_notes_recipient_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_personal_notes_sender_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_notes'))
    )
    with op.batch_alter_table('personal_notes', schema=None) as batch_op:
        batch_op.create_index('ix_personal_notes_cohort_created', ['cohort_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_notes_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('signal_dismissals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('dismissed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_signal_dismissals_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['users.id'], name=op.f('fk_signal_dismissals_dismissed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_signal_dismissals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signal_dismissals')),
    sa.UniqueConstraint('cohort_id', 'user_id', 'kind', name=op.f('uq_signal_dismissals_cohort_id_user_id_kind'))
    )
    with op.batch_alter_table('signal_dismissals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signal_dismissals_user_id'), ['user_id'], unique=False)

    op.create_table('session_talks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_session_talks_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_session_talks_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_session_talks_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_talks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_talks')),
    sa.UniqueConstraint('meeting_id', 'user_id', 'kind', name=op.f('uq_session_talks_meeting_id_user_id_kind'))
    )
    with op.batch_alter_table('session_talks', schema=None) as batch_op:
        batch_op.create_index('ix_session_talks_cohort_meeting', ['cohort_id', 'meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_talks_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_talks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_talks_user_id'))
        batch_op.drop_index('ix_session_talks_cohort_meeting')

    op.drop_table('session_talks')
    with op.batch_alter_table('signal_dismissals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signal_dismissals_user_id'))

    op.drop_table('signal_dismissals')
    with op.batch_alter_table('personal_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_notes_recipient_id'))
        batch_op.drop_index('ix_personal_notes_cohort_created')

    op.drop_table('personal_notes')
