"""The pair's forms: the agreement, goal comments, one-to-ones and next steps, the plan's
phases, the review of the relationship, and ending. Only the mentor and the mentee reach
them (404 for everyone else, organizers included)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..actions import run_form_and_flash
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..security import keeps_text_on_csrf_failure
from . import services, space
from .forms import (
    AgreementForm,
    ClosingForm,
    CommentEditForm,
    CommentForm,
    IdForm,
    OneToOneForm,
    PhaseEditForm,
    PhaseForm,
    ReviewForm,
)
from .models import Decision, PairingStatus, Side
from .views import BAD_BUTTON, _pairing, _to_pair, bp


def _form_page(template: str, pairing, form, **context):
    status = 400 if request.method == "POST" else 200
    return render_template(
        template, cohort=pairing.cohort, pairing=pairing, form=form, **context
    ), status


def _saved(use_case, form, success: str) -> bool:
    try:
        use_case()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return False
    db.session.commit()
    flash(success, "success")
    return True


def _small_form(pairing, form, action, success: str, section: str, problem: str = ""):
    """A small form on the pair's page: run it and say how it went, then back to its section
    of the page."""
    run_form_and_flash(form, action, success, problem)
    return _to_pair(pairing, section)


@bp.route("/pairs/<int:pairing_id>/agreement", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def agreement(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=request.method == "POST")
    form = AgreementForm(obj=pairing)
    form.goals.choices = [
        SelectChoice(g.id, g.title) for g in services.own_goals(pairing.mentee.user_id)
    ]
    if request.method == "GET":
        form.goals.data = list(pairing.goal_ids or [])
    if form.validate_on_submit():
        data = services.AgreementInput(
            goals_text=form.goals_text.data or "",
            goal_ids=form.goals.data or [],
            meeting_frequency=form.meeting_frequency.data or "",
            contact_way=form.contact_way.data or "",
            review_months=form.review_months.data,
            next_meeting_on=form.next_meeting_on.data,
        )
        if _saved(
            lambda: services.update_agreement(current_user, pairing, data),
            form,
            _("The agreement is saved. The other side sees that you changed it."),
        ):
            return _to_pair(pairing, "agreement")
    return _form_page("mentoring/agreement.html", pairing, form)


@bp.post("/pairs/<int:pairing_id>/comments")
@login_required
def comment(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=True)
    form = CommentForm()
    return _small_form(
        pairing,
        form,
        lambda: space.comment_on_goal(current_user, pairing, form.goal_id.data, form.body.data),
        _("Your comment is added."),
        "goals",
        problem=_("Write the comment first."),
    )


@bp.post("/pairs/<int:pairing_id>/comments/edit")
@login_required
def edit_comment(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=True)
    form = CommentEditForm()
    return _small_form(
        pairing,
        form,
        lambda: space.edit_comment(current_user, pairing, form.item_id.data, form.body.data),
        _("Your comment is saved."),
        "goals",
    )


@bp.route("/pairs/<int:pairing_id>/log", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def log(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=True)
    form = OneToOneForm()
    if request.method == "GET":
        form.held_on.data = services.cohort_today(pairing.cohort)
    if form.validate_on_submit():
        steps = [
            space.StepInput(
                form[f"step_{n}"].data or "", Side(form[f"owner_{n}"].data), form[f"due_{n}"].data
            )
            for n in range(1, space.STEPS_PER_MEETING + 1)
            if (form[f"step_{n}"].data or "").strip()
        ]
        if _saved(
            lambda: space.log_one_to_one(
                current_user,
                pairing,
                form.held_on.data,
                form.notes.data or "",
                steps,
                form.next_meeting_on.data,
            ),
            form,
            _("The one-to-one is logged."),
        ):
            return _to_pair(pairing, "log")
    open_steps = space.pair_page(current_user, pairing).open_steps
    return _form_page("mentoring/log.html", pairing, form, open_steps=open_steps)


@bp.post("/pairs/<int:pairing_id>/steps")
@login_required
def step(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=True)
    form = IdForm()
    return _small_form(
        pairing,
        form,
        lambda: space.set_step_done(current_user, pairing, form.item_id.data, form.done.data),
        _("Saved."),
        "steps",
        problem=_(BAD_BUTTON),
    )


def _phase_fields(form) -> tuple:
    """A phase as its form gives it: name, first and last month, tasks."""
    name, tasks = form.name.data or "", form.tasks.data or ""
    return (name, form.first_month.data, form.last_month.data, tasks)


@bp.post("/pairs/<int:pairing_id>/phases")
@login_required
def phase(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=True)
    form = PhaseForm()
    return _small_form(
        pairing,
        form,
        lambda: space.add_phase(current_user, pairing, *_phase_fields(form)),
        _("The phase is added to the plan."),
        "plan",
    )


@bp.post("/pairs/<int:pairing_id>/phases/edit")
@login_required
def edit_phase(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=True)
    form = PhaseEditForm()
    return _small_form(
        pairing,
        form,
        lambda: space.edit_phase(current_user, pairing, form.item_id.data, *_phase_fields(form)),
        _("The phase is saved."),
        "plan",
    )


@bp.post("/pairs/<int:pairing_id>/phases/remove")
@login_required
def remove_phase(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=True)
    form = IdForm()
    return _small_form(
        pairing,
        form,
        lambda: space.remove_phase(current_user, pairing, form.item_id.data),
        _("The phase is removed."),
        "plan",
        problem=_(BAD_BUTTON),
    )


@bp.route("/pairs/<int:pairing_id>/review", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def review(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id, work=request.method == "POST")
    page = space.pair_page(current_user, pairing)
    form = ReviewForm()
    if page.review.mine is None and form.validate_on_submit():
        if _saved(
            lambda: space.answer_review(
                current_user,
                pairing,
                int(form.helping.data),
                form.change.data or "",
                Decision(form.decision.data),
            ),
            form,
            _("Thank you. Your answers show to the other side once both of you answered."),
        ):
            return redirect(url_for(".review", slug=slug, pairing_id=pairing.id))
    elif request.method == "POST" and page.review.mine is not None:
        form.form_errors.append(_("You answered this review already."))
    return _form_page(
        "mentoring/review.html",
        pairing,
        form,
        state=page.review,
        can_work=services.can_work(current_user, pairing),
        today=services.cohort_today(pairing.cohort),
    )


@bp.route("/pairs/<int:pairing_id>/end", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def end(slug: str, pairing_id: int):
    """End the mentoring with a closing note, or write one's note after the other ended it."""
    pairing = _pairing(slug, pairing_id, work=False)
    ended = pairing.status == PairingStatus.ENDED
    if not ended and not services.can_work(current_user, pairing):
        abort(403)
    form = ClosingForm()
    if form.validate_on_submit():
        use_case = services.write_closing if ended else services.end_pairing
        if _saved(
            lambda: use_case(current_user, pairing, form.closing.data or ""),
            form,
            _("Your closing note is saved.") if ended else _("The mentoring has ended."),
        ):
            return _to_pair(pairing)
    return _form_page("mentoring/end.html", pairing, form, ended=ended)
