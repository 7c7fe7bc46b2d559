"""The statements a member's timeline is read with, and the columns it adds to others.

Those that depend on the model alone are built once (``functools.cache``): building a statement
and its cache key costs about what running one of these does.
"""

from collections.abc import Callable
from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Exists,
    Integer,
    ScalarSelect,
    Select,
    Text,
    and_,
    bindparam,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy import cast as cast_
from sqlalchemy.orm import aliased, defer, joinedload, lazyload

from ..auth.models import User
from ..cohorts.models import Cohort, Membership
from ..database import UTCDateTime
from ..inventories.models import (
    RATING_AREAS,
    Goal,
    GoalProgress,
    GoalStatus,
    Inventory,
    InventoryStatus,
    Task,
    TaskReview,
)
from ..meetings.models import Meeting
from ..permissions import (
    cohort_with_membership,
    timeline_inventories,
    visible_feedback,
    visible_memberships,
    year_shared,
)
from ..statements import ANY_VIEWER, any_of, json_lines, json_list
from .models import Cheer, Follow


@cache  # built once per part of life: constructing the expressions costs more than running them
def detail_columns(area: str | None = None) -> tuple:
    """Per inventory: feedback received, and the outcomes of the tasks reviewed in it (only
    the tasks of one part of life, given ``area``) as one string, "done,carried,done" (None
    without any): correlated subqueries read with the inventory itself, the tasks' one look
    into their index rather than one per outcome (``months.task_counts`` counts them)."""
    from ..feedback.models import Feedback

    tagged = [TaskReview.task_id.in_(select(Task.id).where(Task.area == area))] if area else []
    return (
        select(func.count())
        .select_from(Feedback)
        .where(Feedback.inventory_id == Inventory.id)
        .correlate(Inventory)
        .scalar_subquery(),
        select(func.aggregate_strings(TaskReview.outcome, ","))
        .where(TaskReview.inventory_id == Inventory.id, *tagged)
        .correlate(Inventory)
        .scalar_subquery(),
    )


# A member's months come in one cohort, for one member: both are loaded already (the identity
# map hands them over), and each session's cohort is that same cohort. A month's inventory
# comes in the same row as its session, so ``Inventory.meeting`` is found in the identity map
# too. No page here shows a session's agenda. The template's section titles are kept per
# process by template id (``inventories.cards.section_titles``): a template never changes.
MONTH_LOADING = (
    lazyload(Meeting.cohort),
    defer(Meeting.agenda),
    defer(Meeting.agenda_html),
    lazyload(Inventory.cohort),
    lazyload(Inventory.user),
    lazyload(Inventory.meeting),
    lazyload(Inventory.template),
)

# What the member page shows of a month's session and inventory, read as plain columns
# (``rows.MonthMeeting`` and ``rows.MonthInventory``, in this order): no answers (the
# cards read them when their kept rendering is missing), no place, due times or bookkeeping.
MONTH_MEETING_COLUMNS = (
    Meeting.id,
    Meeting.title,
    Meeting.starts_at,
    Meeting.month_on,
    Meeting.status,
    Meeting.season_id,
)
MONTH_INVENTORY_COLUMNS = (
    Inventory.id,
    Inventory.user_id,
    Inventory.template_id,
    Inventory.status,
    Inventory.version,
    Inventory.kind,
    Inventory.updated_at,
    Inventory.self_traits,
    Inventory.energy,
    *(getattr(Inventory, f"rating_{area}") for area in RATING_AREAS),
)


@cache  # built once per part of life and page: building it costs about what running it does
def months_statement(area: str | None, member_page: bool) -> Select:
    """``sessions_with_inventories`` with its details for any viewer, cohort, member and
    moment: the parameters ``viewer_id``, ``cohort_id``, ``member_id`` and ``now``. The
    member page's reads plain columns, not entities (``MONTH_MEETING_COLUMNS`` and
    ``MONTH_INVENTORY_COLUMNS``), and adds each month's peer traits."""
    cohort = cast(Cohort, SimpleNamespace(id=bindparam("cohort_id", type_=Integer)))
    member_id = cast(int, bindparam("member_id", type_=Integer))
    now = cast(datetime, bindparam("now", type_=UTCDateTime()))
    statement = sessions_with_inventories(ANY_VIEWER, cohort, member_id, now)
    if not member_page:
        return statement.add_columns(*detail_columns(area)).options(*MONTH_LOADING)
    return statement.with_only_columns(
        *MONTH_MEETING_COLUMNS,
        *MONTH_INVENTORY_COLUMNS,
        *detail_columns(area),
        _peer_traits(),
        cheer_lines_column(),
        _progress_lines(),
    )


def _peer_traits() -> ScalarSelect:
    """The traits picked in the feedback on the inventory that the viewer may read
    (``permissions.visible_feedback``), for the blind-spot map: each feedback's JSON list on
    a line of its own (JSON text holds no line break), or None without any."""
    from ..feedback.models import Feedback

    return (
        select(json_lines(cast_(Feedback.traits, Text)))
        .where(
            # A feedback's recipient and cohort are its inventory's: asking for them again here
            # led the planner to the member's feedback in the cohort, read anew for each month.
            Feedback.inventory_id == Inventory.id,
            visible_feedback(ANY_VIEWER).whereclause,
        )
        .correlate(Inventory)
        .scalar_subquery()
    )


def _progress_lines() -> ScalarSelect:
    """The goal progress recorded in the month's inventory, with what the member page shows of
    each goal (``rows.CardProgress``, ``rows.CardGoal``): a JSON line ``[progress id, goal id,
    percent, title, status, part of life, closed at, marks]`` per goal, or None. ``marks`` is
    true where the goal is achieved and this month's session is the one it was last recorded
    at (``_last_recorded``, found once for the member's achieved goals, not per month). It
    is a subquery, not a CTE: a statement that starts with WITH would end its request with a
    rollback (``read_only``), which forgets the prepared statements."""
    progress = aliased(GoalProgress, name="month_progress")
    # Asks nothing of the month: PostgreSQL reads it once and looks each goal up in a hash.
    last = _last_recorded(lambda goal: goal.user_id == bindparam("member_id", type_=Integer))
    line = json_list(
        progress.id,
        progress.goal_id,
        progress.percent,
        Goal.title,
        Goal.status,
        Goal.area,
        Goal.closed_at,
        tuple_(progress.goal_id, Meeting.starts_at).in_(last),
    )
    return (
        select(json_lines(line))
        .select_from(progress)
        .join(Goal, progress.goal_id == Goal.id)
        .where(progress.inventory_id == Inventory.id)
        .correlate(Inventory, Meeting)
        .scalar_subquery()
    )


def cheer_lines_column() -> ScalarSelect:
    """Who cheered the inventory and its milestones: each cheer a JSON list ``[id,
    milestone, user id, name]`` on a line of its own, or None without any. The member page's
    cards, the feed and the inventory page show them (``services.cheers_from_lines``); on a
    shared month only, which is all ``permissions.can_see_cheer`` asks of a visible
    inventory."""
    line = json_list(Cheer.id, Cheer.milestone, Cheer.user_id, User.display_name)
    return (
        select(json_lines(line))
        .join(User, User.id == Cheer.user_id)
        .where(Cheer.inventory_id == Inventory.id, Inventory.status == InventoryStatus.SHARED)
        .correlate(Inventory)
        .scalar_subquery()
    )


# The sessions of the visible inventories, to read the span from (made once: an alias's
# columns cost more to set up than the rest of the statement).
_SPAN_SESSION = aliased(Meeting, name="span_session")


def sessions_with_inventories(
    viewer: User, cohort: Cohort, member_id: int, now: datetime
) -> Select:
    """The cohort's sessions from the first visible inventory's to now (or a later draft's),
    each beside the member's inventory for it that the viewer may see, if any: one statement.
    The inventory is outer-joined on the visibility criteria of
    ``permissions.timeline_inventories``, and the span is read from those same inventories."""
    visible = timeline_inventories(viewer, cohort, member_id).whereclause
    written = _SPAN_SESSION
    span = (
        select(
            func.min(written.starts_at).label("first"), func.max(written.starts_at).label("last")
        )
        .select_from(Inventory)
        .join(written, Inventory.meeting_id == written.id)
        .where(visible)
        .subquery()
    )
    return (
        select(Meeting, Inventory)
        .outerjoin(Inventory, and_(Inventory.meeting_id == Meeting.id, visible))
        .where(
            Meeting.cohort_id == cohort.id,
            Meeting.starts_at >= span.c.first,
            or_(Meeting.starts_at <= span.c.last, Meeting.starts_at <= now),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )


@cache  # built once: building a statement and its cache key costs about what running it does
def member_statement() -> Select:
    """The member page's first statement, for ``permissions.cohort_row_or_404``: the cohort
    and the viewer's membership, then the member's membership (``member``) as
    ``permissions.visible_memberships`` lets the viewer see it, whether the member shared their
    year (``shared_year``) and whether the viewer follows them (``is_following``); the parameter
    ``member_id`` on top. One round trip where the page took two."""
    member = aliased(Membership, name="member")
    visible = visible_memberships(ANY_VIEWER).with_only_columns(Membership.id)
    return (
        cohort_with_membership()
        .outerjoin(
            member,
            and_(
                member.cohort_id == Cohort.id,
                member.user_id == bindparam("member_id"),
                member.id.in_(visible),
            ),
        )
        .add_columns(
            member,
            year_shared(member.cohort_id, member.user_id).label("shared_year"),
            followed_by(ANY_VIEWER, member.user_id).label("is_following"),
        )
        # The member's cohort is the row's own, already in the session; their user is joined
        # outer like the membership itself (an inner join would lose the row without one).
        .options(lazyload(member.cohort), joinedload(member.user, innerjoin=False))
    )


def followed_by(viewer: User, member_id: ColumnElement[int]) -> Exists:
    """Whether the viewer follows the member, as a column of the statement that reads the
    member through ``permissions.visible_memberships``: the follow button then costs no
    statement of its own. Such a member shares a cohort with the viewer, which is all
    ``permissions.visible_follows`` asks of a follow on top of this."""
    return (
        select(Follow.id)
        .where(Follow.follower_id == viewer.id, Follow.followee_id == member_id)
        .exists()
    )


@cache  # built once: building a statement and its cache key costs about what running it does
def progress_statement() -> Select:
    """Goal progress entities, with their goals, recorded in the inventories ``ids``, for the
    year pages (the member page reads its months' progress with them: ``_progress_lines``).
    Each row ends with when its goal was last recorded, if it is achieved
    (``_last_recorded``)."""
    on_page = aliased(GoalProgress)
    recorded_here = select(on_page.goal_id).where(any_of(on_page.inventory_id, "ids"))
    last_recorded = _last_recorded(lambda goal: goal.id.in_(recorded_here)).subquery()
    return (
        select(GoalProgress, last_recorded.c.starts_at)
        .outerjoin(last_recorded, last_recorded.c.goal_id == GoalProgress.goal_id)
        .where(any_of(GoalProgress.inventory_id, "ids"))
        .order_by(GoalProgress.id)
    )


def _last_recorded(goals: Callable[[type[Goal]], ColumnElement[bool]]) -> Select:
    """For each achieved goal among ``goals`` (a criterion on an alias of ``Goal``), when it
    was last recorded: the latest session of any inventory holding its progress, whoever may
    read that one. The month of that session marks the goal achieved, as
    ``milestones.achieved_goals`` finds it; a later recording, even in a draft, moves the
    mark there. Its own aliases: it correlates to nothing of a statement it is nested in."""
    goal, progress = aliased(Goal), aliased(GoalProgress)
    inventory, meeting = aliased(Inventory), aliased(Meeting)
    return (
        select(progress.goal_id, func.max(meeting.starts_at).label("starts_at"))
        .join(goal, progress.goal_id == goal.id)
        .join(inventory, progress.inventory_id == inventory.id)
        .join(meeting, inventory.meeting_id == meeting.id)
        .where(goals(goal), goal.status == GoalStatus.ACHIEVED)
        .group_by(progress.goal_id)
    )
