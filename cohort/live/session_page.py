"""The live run's part of the session page: the way into the live page, the live state
while it runs, and afterwards the minutes, the check-out and (for organizers) its scores."""

from flask import url_for

from ..auth.models import User
from ..database import utcnow
from ..meetings.models import Meeting
from ..permissions import Action, can
from . import room, services, state
from .forms import CheckOutForm


def session_page_context(user: User, meeting: Meeting) -> dict:
    run = services.run_of(meeting)
    context = {
        "live_run": run,
        "can_facilitate": services.can_facilitate(user, meeting, run),
    }
    if run is None:
        return context
    if run.is_live:
        item = services.current_item(run)
        context |= {
            "run": run,
            "item": item,
            "names": room._names(run.agenda),
            "slot_labels": services.slot_labels(),
            "remaining": services.remaining(run, utcnow()),
            "projector": False,
            "live_pass": state.issue_pass(user.id, meeting.id),
            "state_url": url_for(
                "live.state_json", slug=meeting.cohort.slug, meeting_id=meeting.id
            ),
        }
    if run.is_ended:
        context["minutes"] = room.minutes(meeting, run)
        if room.attended(user, meeting) and can(user, Action.PARTICIPATE, meeting):
            mine = room.my_checkout(user, meeting)
            form = CheckOutForm()
            if mine is not None:
                form.score.data, form.line.data = str(mine.score), mine.line
            context |= {"checkout_form": form, "my_checkout": mine}
        if can(user, Action.MANAGE, meeting.cohort):
            context |= {
                "checkouts": room.checkout_lines(meeting),
                "checkout_trend": room.checkout_trend(meeting.cohort),
            }
    return context
