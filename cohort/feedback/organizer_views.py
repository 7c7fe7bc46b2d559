"""Organizer pages for feedback: a session's coverage, generating and adjusting assignments."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..actions import run_and_flash
from ..cohorts.forms import ConfirmForm
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import ngettext
from ..inventories.models import Inventory
from ..meetings.models import Meeting
from ..permissions import Action, cohort_or_404, in_cohort_or_404, require
from . import reading, services
from .forms import AddAssignmentForm, GenerateForm
from .models import FeedbackAssignment

bp = Blueprint("feedback_organizer", __name__, url_prefix="/c/<slug>/organize")


def _organizer_cohort(slug: str, action: Action = Action.MANAGE):
    cohort = cohort_or_404(current_user, slug)
    require(current_user, action, cohort)
    return cohort


def _coverage_url(slug: str, meeting_id: int) -> str:
    return url_for(".coverage", slug=slug, meeting_id=meeting_id)


@bp.get("/feedback")
@login_required
def current(slug: str):
    """Organize → Feedback: the session whose feedback is open now."""
    cohort = _organizer_cohort(slug, Action.VIEW_LOG)
    meeting = reading.current_feedback_meeting(cohort, utcnow())
    if meeting is None:
        flash(_("There is no session yet. Feedback is organized per session."), "info")
        return redirect(url_for("meetings.organize", slug=slug))
    return redirect(_coverage_url(slug, meeting.id))


@bp.get("/sessions/<int:meeting_id>/feedback")
@login_required
def coverage(slug: str, meeting_id: int):
    """Per inventory its reviewers and pieces received; per giver owed and given."""
    cohort = _organizer_cohort(slug, Action.VIEW_LOG)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    return render_template(
        "feedback/coverage.html",
        cohort=cohort,
        meeting=meeting,
        coverage=reading.coverage(meeting),
        is_open=services.is_open(meeting),
        generate_form=GenerateForm(),
    )


@bp.post("/sessions/<int:meeting_id>/feedback/generate")
@login_required
def generate(slug: str, meeting_id: int):
    cohort = _organizer_cohort(slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    form = GenerateForm()
    if form.validate_on_submit():
        try:
            created = services.assign_feedback_rotation(
                current_user, meeting, include_mentors=form.include_mentors.data
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            if created:
                message = ngettext(
                    "%(num)d assignment made. Each reviewer was notified.",
                    "%(num)d assignments made. Each reviewer was notified.",
                    len(created),
                )
            else:
                message = _("Every shared inventory already has its reviewers.")
            flash(message, "success")
    return redirect(_coverage_url(slug, meeting.id))


@bp.post("/inventories/<int:inventory_id>/reviewers")
@login_required
def add(slug: str, inventory_id: int):
    """Ask one more person, by hand, to give feedback on an inventory."""
    cohort = _organizer_cohort(slug)
    inventory = in_cohort_or_404(Inventory, inventory_id, cohort)
    form = AddAssignmentForm()
    if form.validate_on_submit():
        run_and_flash(
            lambda: services.add_assignment(current_user, inventory, form.giver_id.data),
            _("The reviewer is added and notified."),
        )
    else:
        flash(_("Choose who should give this feedback."), "error")
    return redirect(_coverage_url(slug, inventory.meeting_id))


@bp.post("/reviewers/<int:assignment_id>/remove")
@login_required
def remove(slug: str, assignment_id: int):
    cohort = _organizer_cohort(slug)
    assignment = in_cohort_or_404(FeedbackAssignment, assignment_id, cohort)
    meeting_id = assignment.meeting_id
    if ConfirmForm().validate_on_submit():
        run_and_flash(
            lambda: services.remove_assignment(current_user, assignment),
            _("%(name)s is no longer asked for this feedback.", name=assignment.giver.display_name),
        )
    return redirect(_coverage_url(slug, meeting_id))
