"""Who may still receive a message about a cohort, asked of the layer above.

The delivery core knows users, not cohorts: a message queued about a cohort goes only to
members still active there when it is sent, and which members those are is the cohorts
feature's business. It registers the answer here when the app starts (see
``cohort.notifications.init_app``), so the core never imports a feature.
"""

from collections.abc import Callable

# (cohort ids, user ids) -> the (cohort id, user id) pairs that are active memberships
ActiveMembers = Callable[[set[int], set[int]], set[tuple[int, int]]]

_active_members: ActiveMembers | None = None


def register_active_members(answer: ActiveMembers) -> None:
    global _active_members
    _active_members = answer


def active_members(cohort_ids: set[int], user_ids: set[int]) -> set[tuple[int, int]]:
    if not cohort_ids or not user_ids:
        return set()
    if _active_members is None:
        raise RuntimeError("no feature registered who is an active member of a cohort")
    return _active_members(cohort_ids, user_ids)
