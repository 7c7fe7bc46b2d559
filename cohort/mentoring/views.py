"""Mentoring pages: the cohort's mentoring page (requests, suggestions, one's pairings),
the mentor's profile, and the pair's private space."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..actions import run_and_flash, run_form_and_flash
from ..cohorts.models import Role
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..permissions import Action, active_membership, can, cohort_or_404, require_pairing
from ..security import keeps_text_on_csrf_failure
from . import overview, services, space
from .forms import (
    CommentForm,
    IdForm,
    PairForm,
    PhaseForm,
    ProfileForm,
    ReflectionForm,
    RequestForm,
    SettingsForm,
)
from .models import MentoringRequest, Pairing, Side

bp = Blueprint("mentoring", __name__, url_prefix="/c/<slug>/mentoring")

BAD_BUTTON = "That did not work: please use the buttons on the page."


def _cohort(slug: str):
    return cohort_or_404(current_user, slug)


def _request_in(cohort, request_id: int) -> MentoringRequest:
    found = db.session.get(MentoringRequest, request_id)
    if found is None or found.cohort_id != cohort.id:
        abort(404)
    return found


def _pairing(slug: str, pairing_id: int, work: bool = False) -> Pairing:
    cohort = _cohort(slug)
    pairing = db.session.get(Pairing, pairing_id)
    if pairing is None or pairing.cohort_id != cohort.id:
        abort(404)
    require_pairing(current_user, pairing, work=work)
    return pairing


def _to_pair(pairing: Pairing, anchor: str = ""):
    url = url_for(".pair", slug=pairing.cohort.slug, pairing_id=pairing.id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


@bp.get("")
@login_required
def index(slug: str):
    cohort = _cohort(slug)
    membership = active_membership(current_user, cohort)
    organizer = can(current_user, Action.VIEW_LOG, cohort)
    is_mentor = membership.role == Role.MENTOR
    direct = services.direct_accept(cohort)
    show_requests = organizer or (is_mentor and direct)
    return render_template(
        "mentoring/index.html",
        cohort=cohort,
        membership=membership,
        is_mentor=is_mentor,
        organizer=organizer,
        direct=direct,
        mine=overview.pairings_of(membership),
        my_request=services.open_request_of(membership),
        profile=services.profile_of(membership) if is_mentor else None,
        requests=services.open_requests(cohort) if show_requests else [],
        summaries=overview.pairing_summaries(cohort) if organizer else [],
        settings_form=SettingsForm(mentors_accept_directly=direct),
        form=PairForm(),
    )


@bp.post("/settings")
@login_required
def settings(slug: str):
    cohort = _cohort(slug)
    form = SettingsForm()
    run_form_and_flash(
        form,
        lambda: services.set_direct_accept(current_user, cohort, form.mentors_accept_directly.data),
        _("Saved."),
        problem=_(BAD_BUTTON),
    )
    return redirect(url_for(".index", slug=slug))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def profile(slug: str):
    cohort = _cohort(slug)
    membership = active_membership(current_user, cohort)
    if membership.role != Role.MENTOR:
        abort(403)
    existing = services.profile_of(membership)
    form = ProfileForm(obj=existing)
    reflection = ReflectionForm(obj=existing, formdata=None)
    if form.validate_on_submit():
        data = services.ProfileInput(**{name: form[name].data for name in (
            "fields", "roles_held", "years", "will_do", "will_not_do", "capacity")})  # fmt: skip
        try:
            services.save_profile(current_user, cohort, data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your mentor profile is saved."), "success")
            return redirect(url_for(".index", slug=slug))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "mentoring/profile.html", cohort=cohort, form=form, reflection=reflection
    ), status


@bp.post("/reflection")
@login_required
@keeps_text_on_csrf_failure
def reflection(slug: str):
    cohort = _cohort(slug)
    form = ReflectionForm()
    run_form_and_flash(
        form,
        lambda: services.save_reflection(current_user, cohort, form.reflection.data),
        _("Your reflection is saved."),
        problem=_(BAD_BUTTON),
    )
    return redirect(url_for(".profile", slug=slug))


@bp.route("/request", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def ask(slug: str):
    cohort = _cohort(slug)
    membership = active_membership(current_user, cohort)
    if membership.role != Role.MEMBER or not can(current_user, Action.PARTICIPATE, cohort):
        abort(403)
    form = RequestForm()
    form.goals.choices = [SelectChoice(g.id, g.title) for g in services.own_goals(current_user.id)]
    if form.validate_on_submit():
        try:
            services.create_request(current_user, cohort, form.wish.data, form.goals.data or [])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your request is sent to the organizers."), "success")
            return redirect(url_for(".index", slug=slug))
    status = 400 if request.method == "POST" else 200
    return render_template("mentoring/request.html", cohort=cohort, form=form), status


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(slug: str, request_id: int):
    cohort = _cohort(slug)
    found = _request_in(cohort, request_id)
    if found.membership.user_id != current_user.id and not can(current_user, Action.MANAGE, cohort):
        abort(403)
    run_and_flash(
        lambda: services.withdraw_request(current_user, found), _("The request is withdrawn.")
    )
    return redirect(url_for(".index", slug=slug))


@bp.post("/requests/<int:request_id>/pair")
@login_required
def propose(slug: str, request_id: int):
    cohort = _cohort(slug)
    if not can(current_user, Action.MANAGE, cohort):
        abort(403)
    found = _request_in(cohort, request_id)
    form = PairForm()
    run_form_and_flash(
        form,
        lambda: services.pair(current_user, cohort, found, form.mentor_id.data),
        _("Proposed. The mentor accepts or declines."),
        problem=_(BAD_BUTTON),
    )
    return redirect(url_for(".index", slug=slug))


@bp.post("/requests/<int:request_id>/accept")
@login_required
def take(slug: str, request_id: int):
    cohort = _cohort(slug)
    found = _request_in(cohort, request_id)
    if run_and_flash(
        lambda: services.accept_request(current_user, cohort, found),
        _("You are now this member's mentor. Write your agreement together."),
    ):
        pairing = db.session.scalar(
            db.select(Pairing).where(Pairing.request_id == found.id).order_by(Pairing.id.desc())
        )
        return redirect(url_for(".agreement", slug=slug, pairing_id=pairing.id))
    return redirect(url_for(".index", slug=slug))


@bp.post("/pairs/<int:pairing_id>/accept")
@login_required
def accept(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id)
    if run_and_flash(
        lambda: services.accept_pairing(current_user, pairing),
        _("You are now this member's mentor. Write your agreement together."),
    ):
        return redirect(url_for(".agreement", slug=slug, pairing_id=pairing.id))
    return redirect(url_for(".index", slug=slug))


@bp.post("/pairs/<int:pairing_id>/decline")
@login_required
def decline(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id)
    run_and_flash(
        lambda: services.decline_pairing(current_user, pairing),
        _("Declined. The organizers look for another mentor."),
    )
    return redirect(url_for(".index", slug=slug))


@bp.get("/pairs/<int:pairing_id>")
@login_required
def pair(slug: str, pairing_id: int):
    pairing = _pairing(slug, pairing_id)
    page = space.pair_page(current_user, pairing)
    return render_template(
        "mentoring/pair.html",
        cohort=pairing.cohort,
        page=page,
        pairing=pairing,
        can_work=services.can_work(current_user, pairing),
        comment_form=CommentForm(),
        step_form=IdForm(),
        phase_form=PhaseForm(),
        Side=Side,
    )


from . import pair_views  # noqa: E402,F401  (the pair's forms, on this blueprint)
