"""cohorts keep their former addresses

Revision ID: 8c1a04bf1dd4
Revises: baaed936bc52
Create Date: 2026-11-30 13:59:08.406600

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c1a04bf1dd4'
down_revision = "baaed936bc52"
branch_labels = None
depends_on = None


def upgrade():
    # An organizer can now choose the cohort's slug; each former slug is kept here so
    # that links to /c/<old slug>/ lead to the cohort's new address.
    op.create_table('cohort_slug_redirects',
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_slug_redirects_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_cohort_slug_redirects'))
    )
    with op.batch_alter_table('cohort_slug_redirects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_slug_redirects_cohort_id'), ['cohort_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cohort_slug_redirects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_slug_redirects_cohort_id'))

    op.drop_table('cohort_slug_redirects')
