"""Organizer pages: who might need a hand (signals and what to do about them), and the
cohort's health over the sessions."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..actions import run_and_flash
from ..database import utcnow
from ..delivery.outbox import deliver_now
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..live.room import checkout_trend
from ..organizer.views import organizer_cohort
from ..permissions import Action, in_cohort_or_404
from ..ratelimits import per_member
from ..security import keeps_text_on_csrf_failure
from . import report, services
from .forms import NoteForm, SignalActionForm
from .models import SessionTalk
from .notes import NOTE_TEMPLATES, SUGGESTED, note_text
from .rules import KIND_LABELS
from .trends import cohort_health, compare_seasons

bp = Blueprint("signals", __name__, url_prefix="/c/<slug>/organize")


@bp.get("/signals")
@login_required
def index(slug: str):
    cohort = organizer_cohort(slug)
    return render_template(
        "signals/index.html",
        cohort=cohort,
        page=services.signals_page(current_user, cohort, utcnow()),
        form=SignalActionForm(),
        talk_reasons=KIND_LABELS,
    )


def _signal_action(slug: str, use_case, success: str):
    cohort = organizer_cohort(slug, Action.MANAGE)
    form = SignalActionForm()
    if form.validate_on_submit():
        run_and_flash(lambda: use_case(cohort, form.user_id.data, form.kind.data), success)
    else:
        flash(_("That did not work: please use the buttons on the page."), "error")
    return redirect(url_for(".index", slug=slug))


@bp.post("/signals/dismiss")
@login_required
def dismiss(slug: str):
    return _signal_action(
        slug,
        lambda cohort, user_id, kind: services.dismiss_signal(
            current_user, cohort, user_id, kind, utcnow()
        ),
        _("Dismissed. It comes back if new data changes it."),
    )


@bp.post("/signals/talk")
@login_required
def talk(slug: str):
    return _signal_action(
        slug,
        lambda cohort, user_id, kind: services.talk_at_session(
            current_user, cohort, user_id, kind, utcnow()
        ),
        _("Added to the list of people to talk with at the coming session."),
    )


@bp.post("/signals/talks/remove")
@login_required
def remove_talk(slug: str):
    cohort = organizer_cohort(slug, Action.MANAGE)
    talk_id = request.form.get("talk_id", type=int)
    if talk_id is None:
        flash(_("That did not work: please use the buttons on the page."), "error")
    else:
        talk = in_cohort_or_404(SessionTalk, talk_id, cohort)
        run_and_flash(lambda: services.remove_talk(current_user, talk), _("Taken off the list."))
    return redirect(url_for(".index", slug=slug))


@bp.route("/signals/members/<int:user_id>/note", methods=["GET", "POST"])
@per_member("RATELIMIT_PERSONAL_NOTES")
@login_required
@keeps_text_on_csrf_failure
def note(slug: str, user_id: int):
    """Write a personal note from a template in the member's language, and send it."""
    cohort = organizer_cohort(slug, Action.MANAGE)
    try:
        membership = services.note_recipient(current_user, cohort, user_id)
    except DomainError:
        abort(404)
    member = membership.user
    form = NoteForm()
    if request.method == "GET":
        kind = request.args.get("kind", "")
        chosen = request.args.get("template") or SUGGESTED.get(kind, "checking_in")
        form.template.data = chosen if chosen in NOTE_TEMPLATES else "checking_in"
        form.kind.data = kind
        form.body.data = note_text(form.template.data, member, current_user)
    elif form.validate_on_submit():
        try:
            email = services.send_note(
                current_user, cohort, user_id, form.kind.data or "", form.body.data
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            if email is not None:
                deliver_now(email)
            flash(_("Your note to %(name)s is sent.", name=member.display_name), "success")
            return redirect(url_for(".index", slug=slug))
    status = 400 if request.method == "POST" else 200
    return render_template("signals/note.html", cohort=cohort, member=member, form=form), status


def _k(cohort) -> int:
    """Pieces of feedback an inventory needs to count as covered: the cohort's number of
    reviewers unless the page asks for another (1–5)."""
    k = request.args.get("k", type=int)
    return k if k is not None and 1 <= k <= 5 else cohort.feedback_reviewers


@bp.get("/health")
@login_required
def trends(slug: str):
    cohort = organizer_cohort(slug)
    k = _k(cohort)
    rows = cohort_health(cohort, utcnow(), k)
    return render_template(
        "signals/trends.html",
        cohort=cohort,
        rows=rows,
        k=k,
        panels=report.panels(rows),
        comparison=compare_seasons(cohort, rows),
        measures=report.MEASURES,
        checkouts=checkout_trend(cohort),
    )


@bp.get("/health.csv")
@login_required
def trends_csv(slug: str):
    cohort = organizer_cohort(slug)
    k = _k(cohort)
    body = report.health_csv(cohort_health(cohort, utcnow(), k), k)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{cohort.slug}-health.csv"'},
    )
