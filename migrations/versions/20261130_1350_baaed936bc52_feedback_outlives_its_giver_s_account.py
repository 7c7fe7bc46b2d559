"""feedback outlives its giver's account

Revision ID: baaed936bc52
Revises: 562ed718c8da
Create Date: 2026-11-30 13:50:10.297330

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'baaed936bc52'
down_revision = '562ed718c8da'
branch_labels = None
depends_on = None


def upgrade():
    # A deleted account's feedback stays with its recipient, from "a former member".
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.alter_column('giver_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_feedback_giver_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(
            batch_op.f('fk_feedback_giver_id_users'), 'users', ['giver_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    # Feedback from former members has no giver to point at before this revision.
    op.execute("DELETE FROM feedback WHERE giver_id IS NULL")
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_giver_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(
            batch_op.f('fk_feedback_giver_id_users'), 'users', ['giver_id'], ['id'],
            ondelete='CASCADE',
        )
        batch_op.alter_column('giver_id', existing_type=sa.INTEGER(), nullable=False)
