"""The live run's part of the session page: the way into the live page, the live state
while it runs, and afterwards the minutes and the check-out. One statement reads the run with
everything the page shows of it (the page stays within its statement budget)."""

from functools import cache

from flask import url_for
from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import aliased, lazyload

from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..meetings.models import Attendance, Meeting
from ..permissions import Action, can
from . import services, state
from .forms import CheckOutForm
from .minutes import drafts_started, names_of, read_minutes
from .models import CheckOut, LiveRun


def _read(user: User, meeting: Meeting):
    """(run, drafts started, whether the user was there, their check-out, the session's
    check-out count and average) in one statement; None without a run."""
    return db.session.execute(
        _run_statement(), {"viewer_id": user.id, "meeting_id": meeting.id}
    ).one_or_none()


@cache  # built once: building its subqueries and cache key cost more than running it
def _run_statement() -> Select:
    answers = aliased(CheckOut)
    viewer_id = bindparam("viewer_id", type_=Integer)
    return (
        select(
            LiveRun,
            drafts_started(LiveRun.meeting_id),
            Attendance.attended,
            CheckOut,
            select(func.count(answers.id))
            .where(answers.meeting_id == LiveRun.meeting_id)
            .scalar_subquery(),
            select(func.avg(answers.score))
            .where(answers.meeting_id == LiveRun.meeting_id)
            .scalar_subquery(),
        )
        .outerjoin(
            Attendance,
            (Attendance.meeting_id == LiveRun.meeting_id) & (Attendance.user_id == viewer_id),
        )
        .outerjoin(
            CheckOut, (CheckOut.meeting_id == LiveRun.meeting_id) & (CheckOut.user_id == viewer_id)
        )
        .where(LiveRun.meeting_id == bindparam("meeting_id", type_=Integer))
        .options(lazyload(LiveRun.meeting))
    )


def session_page_context(user: User, meeting: Meeting, has_run: bool = True) -> dict:
    """The live run's part of the session page; ``has_run`` False (the page's month read
    found no run) spares the statement."""
    row = _read(user, meeting) if has_run else None
    run = row[0] if row is not None else None
    context = {"live_run": run, "can_facilitate": services.can_facilitate(user, meeting, run)}
    if run is None:
        return context
    _, drafts, was_there, mine, answers, average = row
    if run.is_live:
        context |= {
            "run": run,
            "item": services.current_item(run),
            "names": names_of(run.agenda),
            "slot_labels": services.slot_labels(),
            "remaining": services.remaining(run, utcnow()),
            "projector": False,
            "live_pass": state.issue_pass(user.id, meeting.id),
            "state_url": url_for(
                "live.state_json", slug=meeting.cohort.slug, meeting_id=meeting.id
            ),
        }
    if run.is_ended:
        context["minutes"] = read_minutes(run, drafts or 0)
        if was_there and can(user, Action.PARTICIPATE, meeting):
            form = CheckOutForm()
            if mine is not None:
                form.score.data, form.line.data = str(mine.score), mine.line
            context |= {"checkout_form": form, "my_checkout": mine}
        if can(user, Action.MANAGE, meeting.cohort):
            context["checkout_summary"] = (answers, float(average) if average is not None else None)
    return context
