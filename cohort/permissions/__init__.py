"""The one place that decides who may see or do what.

Two kinds of question, kept in agreement by tests:
- ``can(user, action, target)``: may this user do this to this object?
- ``visible_*(user)``: which objects of a kind may this user see (for lists, feeds, counts, emails)?

Everything inside a cohort is visible to its active members only. Views turn a "no" into 404
when the user may not even see the object (never a hint that it exists) and 403 otherwise.
A session in a closed season (``Meeting.is_closed``) is an archive: it, its inventories and
their feedback are read, never changed.

The rules are kept by subject: ``core`` (memberships, ``can`` and the ``visible_*`` of cohorts,
memberships, sessions and inventories), ``social`` (timelines, follows and cheers),
``feedback``, ``seasons`` (the year in review) and ``mentoring``. Import from this package, not
from its modules.
"""

from .core import (
    Action,
    NotAllowed,
    Target,
    active_membership,
    can,
    cohort_or_404,
    cohort_row_or_404,
    cohort_with_membership,
    forget_cached_memberships,
    in_cohort_or_404,
    init_app,
    remember_memberships,
    require,
    visible_cohort_ids,
    visible_cohorts,
    visible_inventories,
    visible_meetings,
    visible_memberships,
)
from .feedback import can_on_feedback_row, feedback_targets, visible_feedback
from .mentoring import can_read_pairing, can_work_in_pairing, require_pairing
from .seasons import can_close_season, can_share_year, can_view_year, year_is_shared, year_shared
from .social import (
    can_cheer,
    can_cheer_from_facts,
    can_follow,
    can_see_cheer,
    can_see_follow,
    can_view_timeline,
    co_member_ids,
    shares_cohort,
    timeline_inventories,
    visible_cheers,
    visible_follows,
)

__all__ = [
    "Action",
    "NotAllowed",
    "Target",
    "active_membership",
    "can",
    "can_cheer",
    "can_cheer_from_facts",
    "can_close_season",
    "can_follow",
    "can_on_feedback_row",
    "can_read_pairing",
    "can_see_cheer",
    "can_see_follow",
    "can_share_year",
    "can_view_timeline",
    "can_view_year",
    "can_work_in_pairing",
    "co_member_ids",
    "cohort_or_404",
    "cohort_row_or_404",
    "cohort_with_membership",
    "feedback_targets",
    "forget_cached_memberships",
    "in_cohort_or_404",
    "init_app",
    "remember_memberships",
    "require",
    "require_pairing",
    "shares_cohort",
    "timeline_inventories",
    "visible_cheers",
    "visible_cohort_ids",
    "visible_cohorts",
    "visible_feedback",
    "visible_follows",
    "visible_inventories",
    "visible_meetings",
    "visible_memberships",
    "year_is_shared",
    "year_shared",
]
