"""Organizer pages for inventories: the template, the prompt bank, a session's overview."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..cohorts.forms import ConfirmForm
from ..csv_export import csv_response
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import ngettext
from ..meetings.forms import to_local
from ..meetings.models import Meeting
from ..notifications.reminders import nudge_non_sharers
from ..permissions import Action, cohort_or_404, in_cohort_or_404, require
from ..ratelimits import per_member
from ..security import keep_unsent_text, keeps_text_on_csrf_failure
from . import organizing
from .sections import resolve_sections

bp = Blueprint("inventory_organizer", __name__, url_prefix="/c/<slug>/organize")


def _organizer_cohort(slug: str, action: Action = Action.MANAGE):
    cohort = cohort_or_404(current_user, slug)
    require(current_user, action, cohort)
    return cohort


@bp.get("/sessions/<int:meeting_id>/inventories")
@login_required
def month(slug: str, meeting_id: int):
    """Per session: shared / draft / not started / paused."""
    cohort = _organizer_cohort(slug, Action.VIEW_LOG)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    return render_template(
        "inventories/organizer_month.html",
        cohort=cohort,
        meeting=meeting,
        overview=organizing.month_overview(meeting),
        form=ConfirmForm(),
        now=utcnow(),
    )


@bp.post("/sessions/<int:meeting_id>/nudge")
@per_member("RATELIMIT_NUDGES")
@login_required
@keeps_text_on_csrf_failure
def nudge(slug: str, meeting_id: int):
    """Remind, right away, only the members who have not shared, with an optional message."""
    cohort = _organizer_cohort(slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    form = ConfirmForm()
    if not form.validate_on_submit():
        keep_unsent_text(form, message=request.form.get("message", ""))
    else:
        count = nudge_non_sharers(
            current_user, meeting, request.form.get("message", "")[:1000], utcnow()
        )
        db.session.commit()
        flash(
            ngettext("%(num)d member was reminded.", "%(num)d members were reminded.", count),
            "success",
        )
    return redirect(url_for(".month", slug=slug, meeting_id=meeting.id))


@bp.get("/sessions/<int:meeting_id>/inventories.csv")
@login_required
def month_csv(slug: str, meeting_id: int):
    cohort = _organizer_cohort(slug, Action.VIEW_LOG)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    rows = organizing.month_csv(current_user, meeting, current_user.timezone)
    month = to_local(meeting.starts_at, cohort.timezone)
    return csv_response(rows, f"{cohort.slug}-{month:%Y-%m}.csv")


@bp.route("/template", methods=["GET", "POST"])
@login_required
def template(slug: str):
    """Reorder, rename, hide sections and add questions; applies to inventories started
    after the change."""
    cohort = _organizer_cohort(slug)
    raw = organizing.template_sections(cohort)
    form = ConfirmForm()
    if form.validate_on_submit():
        edits = [
            organizing.SectionEdit(
                key=item["key"],
                title=request.form.get(f"title-{item['key']}", "")[:120],
                help=request.form.get(f"help-{item['key']}", "")[:300],
                position=_position(request.form.get(f"position-{item['key']}"), index),
                hidden=request.form.get(f"hidden-{item['key']}") == "1",
            )
            for index, item in enumerate(raw, start=1)
        ]
        question = (
            request.form.get("new-title", "")[:120],
            request.form.get("new-help", "")[:300],
        )
        try:
            organizing.update_template(current_user, cohort, edits, question)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The template is saved. Inventories started from now on use it."), "success")
            return redirect(url_for(".template", slug=slug))
    return render_template(
        "inventories/organizer_template.html",
        cohort=cohort,
        form=form,
        sections=resolve_sections(raw),
    )


def _position(value: str | None, default: int) -> int:
    try:
        return max(1, min(99, int(value or default)))
    except ValueError:
        return default


@bp.route("/prompts", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def prompts(slug: str):
    """The cohort's own deepening questions, one per line for each section."""
    cohort = _organizer_cohort(slug)
    sections = resolve_sections(organizing.template_sections(cohort))
    form = ConfirmForm()
    if form.validate_on_submit():
        organizing.update_prompts(
            current_user,
            cohort,
            {s.key: request.form.get(f"prompts-{s.key}", "").splitlines() for s in sections},
        )
        db.session.commit()
        flash(_("The questions are saved."), "success")
        return redirect(url_for(".prompts", slug=slug))
    return render_template(
        "inventories/organizer_prompts.html",
        cohort=cohort,
        form=form,
        sections=sections,
        prompts=(
            {s.key: request.form.get(f"prompts-{s.key}", "").splitlines() for s in sections}
            if request.method == "POST"  # not saved (an expired token): what was typed
            else organizing.prompts_for(cohort)
        ),
    )
