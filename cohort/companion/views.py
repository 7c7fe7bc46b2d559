"""Asking the companion (JSON for the page's script), the member's and the organizer's choices.

The inventory form asks without its script too: see ``answer_form_post``."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import ratelimits
from ..cohorts.models import Cohort
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..meetings.models import Meeting
from ..permissions import Action, cohort_or_404, in_cohort_or_404, require
from ..security import keeps_text_on_csrf_failure
from . import services
from .forms import CohortCompanionForm, PreferenceForm
from .models import CompanionMode

bp = Blueprint("companion", __name__)

RATE_KEY = "RATELIMIT_COMPANION"


class TooManyQuestions(DomainError):
    def __init__(self):
        super().__init__(
            _l("That is a lot of questions for now. Write for a while, then ask again.")
        )


def asked_answers(form_data) -> tuple[dict[str, str], int | None]:
    """The draft's answers and energy as the page sent them (nothing is saved)."""
    answers = {
        name.removeprefix("answer_"): value[:20000]
        for name, value in form_data.items()
        if name.startswith("answer_")
    }
    energy = form_data.get("energy", "")
    return answers, int(energy) if energy in {"1", "2", "3", "4", "5"} else None


def seen_questions(form_data, section: str) -> frozenset[str]:
    return frozenset(form_data.getlist(f"companion_seen_{section}")[:30])


def ask_for(meeting: Meeting, form_data, section: str) -> services.Reply:
    """Questions for one section, counted against the member's limit (DomainError past it)."""
    if not ratelimits.hit(RATE_KEY, f"user-{current_user.id}"):
        raise TooManyQuestions()
    answers, energy = asked_answers(form_data)
    return services.ask(
        current_user, meeting, answers, energy, section, seen_questions(form_data, section)
    )


@bp.post("/c/<slug>/sessions/<int:meeting_id>/companion")
@login_required
def ask(slug: str, meeting_id: int):
    """The questions for one answer, as data and as the fragment the page shows."""
    cohort = cohort_or_404(current_user, slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    require(current_user, Action.POST_INVENTORY, meeting)
    section = request.form.get("companion_ask", "")
    if not section:
        return jsonify(error=_("Say which answer to ask about.")), 400
    try:
        reply = ask_for(meeting, request.form, section)
    except DomainError as error:
        status = 429 if isinstance(error, TooManyQuestions) else 409
        return jsonify(error=str(error.message)), status
    html = render_template("companion/_questions.html", reply=reply, section=section)
    return jsonify(
        section=section,
        engine=reply.engine,
        questions=[{"kind": q.kind, "text": q.text} for q in reply.questions],
        html=html,
    )


@bp.route("/settings/companion", methods=["GET", "POST"])
@login_required
def settings():
    choice = services.preference(current_user)
    form = PreferenceForm(obj=choice)
    if form.validate_on_submit():
        services.update_preference(current_user, form.enabled.data, form.use_model.data)
        db.session.commit()
        flash(_("Your companion settings are saved."), "success")
        return redirect(url_for("companion.settings"))
    return render_template("companion/settings.html", form=form, model=services.model_settings())


@bp.route("/c/<slug>/organize/companion", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def organize(slug: str):
    cohort: Cohort = cohort_or_404(current_user, slug)
    require(current_user, Action.MANAGE, cohort)
    form = CohortCompanionForm()
    if request.method == "GET":
        form.mode.data = services.cohort_mode(cohort).value
    if form.validate_on_submit():
        services.set_cohort_mode(current_user, cohort, CompanionMode(form.mode.data))
        db.session.commit()
        flash(_("The companion setting is saved."), "success")
        return redirect(url_for("companion.organize", slug=cohort.slug))
    return render_template(
        "companion/organize.html", cohort=cohort, form=form, model=services.model_settings()
    )


# The inventory form without its script: its buttons post the whole form here, which answers
# with the same form, nothing saved and nothing lost, and the questions shown.
COMPANION_BUTTONS = ("companion_ask", "companion_pin", "companion_dismiss")


def is_companion_post(form_data) -> bool:
    return any(name in form_data for name in COMPANION_BUTTONS)


def answer_form_post(form, meeting: Meeting) -> dict:
    """Questions (or an error message) per section for the re-rendered form; a pinned
    question goes into its answer as a heading."""
    if "csrf_token" in form and not form.csrf_token.validate(form):
        return {}
    data = request.form
    if "companion_pin" in data:
        section, _sep, question = data["companion_pin"].partition("|")
        field = form._fields.get(f"answer_{section}")
        if field is not None and question.strip():
            field.data = services.pinned(field.data or "", question)
        return {}
    section = data.get("companion_ask", "")
    if not section:
        return {}
    try:
        return {section: ask_for(meeting, data, section)}
    except DomainError as error:
        return {section: str(error.message)}
