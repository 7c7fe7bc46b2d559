"""Mentoring.

A pair's space is the mentor's and the mentee's alone: organizers see that a pairing exists,
its review dates and whether a review asked for a change, never its content. Each of the two
reads it while they are active members of the cohort, also after the mentoring ended; they
change it while it is active and the cohort open.
"""

from ..auth.models import User
from .core import Action, NotAllowed, can


def can_read_pairing(user: User | None, pairing) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if pairing.side_of(user.id) is None:
        return False
    return can(user, Action.VIEW, pairing.cohort)


def can_work_in_pairing(user: User | None, pairing) -> bool:
    from ..mentoring.models import PairingStatus

    return (
        pairing.status == PairingStatus.ACTIVE
        and can_read_pairing(user, pairing)
        and can(user, Action.PARTICIPATE, pairing.cohort)
    )


def require_pairing(user: User | None, pairing, work: bool = True) -> None:
    """404 for anyone but the two; 403 for one of them when the pair cannot change it now."""
    if not can_read_pairing(user, pairing):
        raise NotAllowed(visible=False)
    if work and not can_work_in_pairing(user, pairing):
        raise NotAllowed(visible=True)
