"""Autosave and preview for the page's script (JSON), and the organizer's short form."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import OperationalError

from ..database import database_busy
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..i18n import time_filter
from ..inventories import services as inventory_services
from ..inventories.models import RATING_AREAS
from ..inventories.organizing import template_sections
from ..inventories.sections import Kind, resolve_sections
from ..markdown import render_markdown
from ..meetings.models import Meeting
from ..permissions import Action, cohort_or_404, in_cohort_or_404, require
from ..ratelimits import per_member
from ..security import keeps_text_on_csrf_failure
from . import shortform
from .autosave import Outcome, autosave, parse
from .forms import short_form_form

bp = Blueprint("writing", __name__)

PREVIEW_LIMIT = 20000

MESSAGES = {
    Outcome.CONFLICT: _l(
        "Saved elsewhere meanwhile (another tab or device). Your text is kept here: press Save "
        "to see both versions."
    ),
    Outcome.SHARED: _l(
        "Shared: changes are kept in this tab and reach the cohort when you press Save changes."
    ),
    Outcome.BUSY: _l("Saving…"),
}


def answer_keys(raw_sections: list[dict]) -> set[str]:
    """The answers a form of this template can hold."""
    keys = set()
    for section in resolve_sections(raw_sections):
        if not section.hidden:
            keys.add(section.key)
            if section.kind == Kind.STATE:
                keys.update(f"state_{area}" for area in RATING_AREAS)
    return keys


@bp.post("/c/<slug>/sessions/<int:meeting_id>/inventory/autosave")
@login_required
@per_member("RATELIMIT_AUTOSAVE")
def autosave_draft(slug: str, meeting_id: int):
    """Save the draft as typed so far; the answer says what became of it."""
    cohort = cohort_or_404(current_user, slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    require(current_user, Action.POST_INVENTORY, meeting)
    inventory = inventory_services.find_inventory(current_user, meeting)
    raw = inventory.template.sections if inventory else template_sections(cohort)
    data = parse(request.form, answer_keys(raw))
    if data is None:
        return jsonify(state="invalid", message=_("This autosave could not be read.")), 400
    try:
        result = autosave(current_user, meeting, data)
    except DomainError as error:
        db.session.rollback()
        return jsonify(state="refused", message=str(error.message)), 409
    except OperationalError as error:
        db.session.rollback()
        if not database_busy(error):
            raise
        return jsonify(state=Outcome.BUSY.value, message=str(MESSAGES[Outcome.BUSY])), 503
    db.session.commit()
    body = {"state": result.outcome.value, "version": result.version}
    if result.saved_at is not None:
        body["saved_at"] = time_filter(result.saved_at)
        body["message"] = _("Saved %(time)s", time=body["saved_at"])
    if result.outcome in MESSAGES:
        body["message"] = str(MESSAGES[result.outcome])
    status = 409 if result.outcome in (Outcome.CONFLICT, Outcome.SHARED, Outcome.BUSY) else 200
    return jsonify(body), status


@bp.post("/c/<slug>/preview")
@login_required
@per_member("RATELIMIT_PREVIEW")
def preview(slug: str):
    """Markdown as the cohort will see it, through the same sanitizer as a saved answer."""
    cohort_or_404(current_user, slug)
    text = request.form.get("text", "")
    if len(text) > PREVIEW_LIMIT:
        return jsonify(message=_("This answer is too long to preview.")), 400
    return jsonify(html=render_markdown(text) if text.strip() else "")


@bp.route("/c/<slug>/organize/short-form", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def short_form(slug: str):
    cohort = cohort_or_404(current_user, slug)
    require(current_user, Action.MANAGE, cohort)
    choices = shortform.choosable(resolve_sections(template_sections(cohort)))
    form = short_form_form(choices)()
    if request.method == "GET":
        form.core.data = list(shortform.core_keys(cohort))
        chosen = shortform.setting(cohort)
        form.default_short.data = bool(chosen and chosen.default_short)
    elif form.validate_on_submit():
        try:
            shortform.save_setting(
                current_user, cohort, list(form.core.data or []), form.default_short.data
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The short form is saved."), "success")
            return redirect(url_for(".short_form", slug=slug))
    return render_template("writing/short_form.html", cohort=cohort, form=form)
