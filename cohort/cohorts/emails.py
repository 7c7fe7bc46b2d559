"""Emails about cohorts, sent after the transaction that caused them has committed."""

from ..auth.models import User
from ..auth.services import find_user_by_email
from ..emails import external_url, send_email
from .services import IssuedInvitation


def send_invitation_email(issued: IssuedInvitation, inviter: User) -> None:
    """A personal invitation, in the invitee's language if they have an account."""
    invitation = issued.invitation
    existing = find_user_by_email(invitation.email)
    send_email(
        invitation.email,
        "invitation",
        locale=existing.locale if existing else invitation.cohort.locale,
        cohort=invitation.cohort,
        inviter=inviter,
        join_url=external_url("cohorts.join", token=issued.token),
        expires_at=invitation.expires_at,
    )
