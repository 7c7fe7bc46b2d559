"""Emails about cohorts, queued in the transaction that causes them."""

from ..auth.models import User
from ..auth.services import find_user_by_email
from ..delivery.models import OutboundEmail
from ..delivery.outbox import queue_message
from ..emails import external_url
from .services import IssuedInvitation


def queue_invitation_email(issued: IssuedInvitation, inviter: User) -> OutboundEmail:
    """A personal invitation, in the invitee's language and time zone if they have an
    account, else in the cohort's."""
    invitation = issued.invitation
    existing = find_user_by_email(invitation.email)
    return queue_message(
        invitation.email,
        "invitation",
        locale=existing.locale if existing else invitation.cohort.locale,
        user_id=existing.id if existing else None,
        cohort=invitation.cohort,
        inviter=inviter,
        join_url=external_url("cohorts.join", token=issued.token),
        expires_at=invitation.expires_at,
        zone=existing.timezone if existing else invitation.cohort.timezone,
    )
