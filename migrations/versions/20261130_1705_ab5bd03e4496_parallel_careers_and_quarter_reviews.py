"""Parallel careers and quarter reviews: parts of life on goals and tasks, a month's
time split across them, and inventories that are a quarter review

Revision ID: ab5bd03e4496
Revises: cbc40e5bf3e8
Create Date: 2026-11-30 17:05:38.890306

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ab5bd03e4496'
down_revision = 'cbc40e5bf3e8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('life_areas', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('quarter_months', sa.JSON(), nullable=True))

    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area', sa.String(length=40), nullable=True))

    with op.batch_alter_table('inventories', schema=None) as batch_op:
        # A plain string with a named CHECK, as string_enum stores it, so both databases get
        # the same constraint and the downgrade can drop it by name.
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='month', nullable=False))
        batch_op.add_column(sa.Column('life_split', sa.JSON(), nullable=True))
        batch_op.create_check_constraint('inventory_kind', "kind IN ('month', 'quarter')")

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('area')

    with op.batch_alter_table('inventories', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_inventories_inventory_kind'), type_='check')
        batch_op.drop_column('life_split')
        batch_op.drop_column('kind')

    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_column('area')

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('quarter_months')
        batch_op.drop_column('life_areas')

