"""sent and failed emails keep no bodies

Revision ID: 562ed718c8da
Revises: 73f85ca9d2b6
Create Date: 2026-11-30 10:55:27.345420

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '562ed718c8da'
down_revision = '73f85ca9d2b6'
branch_labels = None
depends_on = None


def upgrade():
    # Emails already sent or failed for good drop their bodies and headers, which held
    # reset, invitation, confirmation and unsubscribe links in plain text.
    op.execute(
        "UPDATE outbound_emails SET text_body = '', html_body = '', headers = '{}'"
        " WHERE status IN ('sent', 'failed')"
    )


def downgrade():
    pass  # what was emptied is gone; nothing to restore
