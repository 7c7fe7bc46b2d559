"""The member page's timeline, kept rendered for every viewer who sees the same months.

The timeline section (templates/timeline/_member_timeline.html: milestones, charts and their
tables, the month cards) shows what the months statement returns as this viewer may see it
(``months.card_rows``), who the member is, whether the viewer is the member, which months and
part of life are asked for, in the reader's language and zone. Only the follow button and the
cheer buttons are the viewer's own: they are holes (``fragments.hole``), filled on every
request. So a view reads the rows and builds the months (the blind-spot map and the buttons
need them), and, when the section is kept, neither builds the timeline nor renders it.
"""

from collections.abc import Hashable

from flask import get_template_attribute
from markupsafe import Markup

from ..auth.models import User
from ..cohorts.models import Cohort, Membership
from ..database import utcnow
from ..fragments import KeptSection
from ..inventories.areas import LifeArea
from .buttons import cheer_button
from .months import card_rows, months_of_rows, rows_key
from .services import Cheers
from .timeline import member_timeline, traits_by_month, viewer_cards


def member_page(
    viewer: User,
    cohort: Cohort,
    membership: Membership,
    is_following: bool,
    view: tuple[bool, str | None, list[LifeArea], Hashable],
) -> dict:
    """The member page's timeline context: ``timeline_section`` (``KeptSection``) and, when
    it must be rendered, what the template reads; ``traits`` for the blind-spot map.
    ``view``: every month or the last ones, the part of life, the cohort's parts of life and
    the page's query arguments (the filter's links keep them)."""
    show_all, area, areas, arguments = view
    member_id, person = membership.user_id, membership.user
    now = utcnow()
    rows = card_rows(viewer, cohort, member_id, now, area)
    months = months_of_rows(rows, cohort)
    # The cards' cheers as the viewer sees them, and whether the viewer may cheer each card:
    # found below, by ``viewer_cards`` or by the timeline, which calls it.
    cheers: dict = {}
    allowed: dict[int, bool] = {}

    def fill(hole: tuple) -> Markup:
        if hole[0] == "follow":
            return get_template_attribute("timeline/_macros.html", "follow_button")(
                person, is_following
            )
        _, inventory_id, key, target = hole
        found = cheers.get((inventory_id, key)) or Cheers()
        may_cheer = allowed.get(inventory_id, False)
        return cheer_button(cohort.slug, inventory_id, key, found, may_cheer, target)

    key = (
        "member-timeline",
        (cohort.id, cohort.slug, cohort.name, cohort.timezone),
        (member_id, membership.role, person.display_name),
        viewer.id == member_id,
        (show_all, area, tuple((item.key, item.label) for item in areas), arguments),
        rows_key(rows),
    )
    context = {
        "timeline_section": KeptSection.look_up(key, fill),
        "traits": traits_by_month(months),
        "areas": areas,
        "area": area,
    }
    if context["timeline_section"].kept is not None:
        cheers |= viewer_cards(viewer, cohort, member_id, months, show_all)[1]
    else:  # the timeline works out the viewer's cards too
        timeline = member_timeline(viewer, cohort, member_id, now, show_all, area, months)
        cheers |= timeline.cheers
        cards = timeline.cards(show_all)
        context |= {
            "timeline": timeline,
            "month_cards": cards,
            "carded": {month.meeting.id for month in cards},
            "earlier_months": len(timeline.months) - len(cards),
        }
    allowed |= {month.inventory.id: month.can_cheer for month in months if month.inventory}
    return context
