"""Giving feedback, the member's feedback page, and the recipient's reply, "helpful" and share."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..actions import run_and_flash
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import datetime_filter
from ..i18n import gettext as _
from ..inputs import page_number
from ..inventories import goals as goal_services
from ..inventories.models import Inventory
from ..inventories.sections import AREA_LABELS, resolve_sections
from ..permissions import Action, can, cohort_or_404, in_cohort_or_404, require
from ..ratelimits import per_member
from ..security import keep_unsent_text, keeps_text_on_csrf_failure
from ..urls import safe_next_url
from . import services
from .buttons import response_toggles
from .forms import FeedbackForm, ReplyForm, ToggleForm
from .inbox import inbox_context
from .models import PARTS, Feedback

bp = Blueprint("feedback", __name__)
bp.add_app_template_global(response_toggles)


def _inventory_url(inventory_id: int, anchor: str = "feedback") -> str:
    slug = request.view_args["slug"]
    return url_for("inventories.show", slug=slug, inventory_id=inventory_id, _anchor=anchor)


def _form_input(form: FeedbackForm) -> services.FeedbackInput:
    return services.FeedbackInput(
        **{part: form[part].data or "" for part in PARTS}, traits=list(form.traits.data or [])
    )


def _show_problems(form: FeedbackForm, error: services.InvalidFeedback) -> None:
    form.form_errors.append(error.message)
    for part, message in error.problems.items():
        form[part].errors = [*form[part].errors, message]


def _start_from_room_note(form: FeedbackForm, inventory: Inventory) -> None:
    """Feedback not written yet starts from the giver's note taken while the author spoke
    (when they chose to start from it): in the answer to the ask, or the situation."""
    from ..live.room import note_for_feedback

    note = note_for_feedback(current_user, inventory)
    if note:
        part = form.ask_answer if services.asks_for_feedback(inventory) else form.situation
        part.data = note


@bp.route("/c/<slug>/inventories/<int:inventory_id>/feedback", methods=["GET", "POST"])
@per_member("RATELIMIT_FEEDBACK")
@login_required
@keeps_text_on_csrf_failure
def give(slug: str, inventory_id: int):
    """The feedback form beside the inventory: send once, edit until the due time."""
    cohort = cohort_or_404(current_user, slug)
    inventory = in_cohort_or_404(Inventory, inventory_id, cohort)
    require(current_user, Action.GIVE_FEEDBACK, inventory)
    meeting = inventory.meeting
    if not services.is_open(meeting):
        flash(
            _(
                "Feedback for this session closed on %(due)s.",
                due=datetime_filter(meeting.feedback_due_at),
            ),
            "info",
        )
        return redirect(_inventory_url(inventory.id))
    mine = services.find_feedback(current_user, inventory)
    form = FeedbackForm(obj=mine) if request.method == "GET" else FeedbackForm()
    if request.method == "GET" and mine is None:
        _start_from_room_note(form, inventory)
    if form.validate_on_submit():
        try:
            services.give_feedback(current_user, inventory, _form_input(form))
        except services.InvalidFeedback as error:
            db.session.rollback()
            _show_problems(form, error)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Your feedback is with %(name)s. You can edit it until %(due)s.",
                    name=inventory.user.display_name,
                    due=datetime_filter(meeting.feedback_due_at),
                ),
                "success",
            )
            return redirect(_inventory_url(inventory.id))
    return render_template(
        "feedback/give.html",
        cohort=cohort,
        inventory=inventory,
        meeting=meeting,
        form=form,
        mine=mine,
        asks=services.asks_for_feedback(inventory),
        sections=[s for s in resolve_sections(inventory.template.sections) if not s.hidden],
        area_labels=AREA_LABELS,
        progress=goal_services.goal_progress(inventory),
        min_lengths=services.MIN_LENGTHS,
    )


@bp.get("/c/<slug>/feedback")
@login_required
def inbox(slug: str):
    """What I owe, with due times; what I received, to reply, mark helpful or share."""
    cohort = cohort_or_404(current_user, slug)
    page = request.args.get("page", 1, type=page_number)
    return render_template(
        "feedback/inbox.html",
        cohort=cohort,
        **inbox_context(current_user, cohort, page, next_url=request.full_path),
    )


def _feedback_in(cohort, feedback_id: int) -> Feedback:
    """A piece of feedback of this cohort that the user may read (else 404); 403 when they
    may read it but not answer it."""
    feedback = in_cohort_or_404(Feedback, feedback_id, cohort)
    if not can(current_user, Action.VIEW, feedback):
        abort(404)
    require(current_user, Action.RESPOND, feedback)
    return feedback


def _back(feedback: Feedback):
    default = _inventory_url(feedback.inventory_id, anchor=f"feedback-{feedback.id}")
    target = request.form.get("next")
    return redirect(safe_next_url(target) if target else default)


@bp.post("/c/<slug>/feedback/<int:feedback_id>/reply")
@per_member("RATELIMIT_FEEDBACK")
@login_required
@keeps_text_on_csrf_failure
def reply(slug: str, feedback_id: int):
    feedback = _feedback_in(cohort_or_404(current_user, slug), feedback_id)
    form = ReplyForm()
    if form.validate_on_submit():
        run_and_flash(
            lambda: services.reply_to_feedback(current_user, feedback, form.reply.data),
            _("Your reply is sent to %(name)s.", name=feedback.giver_name),
        )
    elif "csrf_token" in form.errors:
        keep_unsent_text(form, reply=request.form.get("reply", ""))
    else:
        flash(_("Keep the reply under 2000 characters."), "error")
    return _back(feedback)


@bp.post("/c/<slug>/feedback/<int:feedback_id>/helpful")
@per_member("RATELIMIT_FEEDBACK")
@login_required
def helpful(slug: str, feedback_id: int):
    feedback = _feedback_in(cohort_or_404(current_user, slug), feedback_id)
    form = ToggleForm()
    if form.validate_on_submit():
        on = form.is_on
        run_and_flash(
            lambda: services.mark_helpful(current_user, feedback, on),
            _(
                "Marked as helpful. %(name)s will be glad to hear it.",
                name=feedback.giver_name,
            )
            if on
            else _("No longer marked as helpful."),
        )
    return _back(feedback)


@bp.post("/c/<slug>/feedback/<int:feedback_id>/share")
@login_required
def share(slug: str, feedback_id: int):
    feedback = _feedback_in(cohort_or_404(current_user, slug), feedback_id)
    form = ToggleForm()
    if form.validate_on_submit():
        on = form.is_on
        run_and_flash(
            lambda: services.share_feedback(current_user, feedback, on),
            _("Shared with the whole cohort.")
            if on
            else _(
                "Only you, %(name)s and the organizers see it now.",
                name=feedback.giver_name,
            ),
        )
    return _back(feedback)
