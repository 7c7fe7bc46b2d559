"""The quarter review (writing and reading it) and the organizer's practice settings: HTTP
only; the work is in the modules beside and in the inventories' services."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..inventories import services as inventory_services
from ..inventories.models import Inventory
from ..meetings.models import Meeting
from ..permissions import Action, can, cohort_or_404, in_cohort_or_404, require
from ..security import keeps_text_on_csrf_failure
from . import services
from .forms import PracticeForm, QuarterForm
from .review import quarter_review
from .schedule import QUARTER_QUESTIONS, is_quarter_session, quarter_months

bp = Blueprint("quarters", __name__, url_prefix="/c/<slug>")

bp.add_app_template_global(is_quarter_session, "is_quarter_session")


@bp.app_template_global()
def quarter_questions() -> list[tuple[str, str]]:
    """(answer key, question) of the quarter's questions, in the reader's language."""
    return [(key, str(title)) for key, title, _help in QUARTER_QUESTIONS]


def _questions(inventory: Inventory | None) -> list[tuple[str, str, str, str]]:
    """(key, question, help, answer HTML) of each question, for the reading pages."""
    answers = inventory.answers_html if inventory else {}
    return [
        (key, str(title), str(help), answers.get(key, "")) for key, title, help in QUARTER_QUESTIONS
    ]


@bp.route("/sessions/<int:meeting_id>/quarter", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def write(slug: str, meeting_id: int):
    """The member's quarter review for a session: the last three months side by side, then
    the quarter's questions, saved into their inventory for this session."""
    cohort = cohort_or_404(current_user, slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    require(current_user, Action.POST_INVENTORY, meeting)
    inventory = inventory_services.find_inventory(current_user, meeting)
    form = QuarterForm()
    status = 200
    if request.method == "GET" and inventory is not None:
        form.version.data = str(inventory.version)
        for key, _title, _help in QUARTER_QUESTIONS:
            form[key].data = inventory.answers.get(key, "")
    elif form.validate_on_submit():
        try:
            inventory = inventory_services.save_quarter_answers(
                current_user, meeting, form.answers(), int(form.version.data or 0)
            )
            if request.form.get("action") == "share":
                inventory_services.share_inventory(current_user, inventory)
        except inventory_services.VersionConflict as conflict:
            db.session.rollback()
            inventory = conflict.inventory
            form.version.data = str(inventory.version)
            form.form_errors.append(
                _(
                    "Your inventory for this session was saved elsewhere meanwhile. Your text "
                    "is still here: check the saved version, then save again."
                )
            )
            status = 409
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            if inventory.is_shared:
                flash(
                    _("Your quarter review is shared with %(cohort)s.", cohort=cohort.name),
                    "success",
                )
                return redirect(url_for(".show", slug=slug, inventory_id=inventory.id))
            flash(_("Draft saved. Only you can see it."), "success")
            return redirect(url_for(".write", slug=slug, meeting_id=meeting.id))
    review = quarter_review(current_user, cohort, current_user, meeting, utcnow())
    return render_template(
        "quarters/write.html",
        cohort=cohort,
        meeting=meeting,
        inventory=inventory,
        review=review,
        form=form,
        is_quarter_month=is_quarter_session(meeting),
    ), status


@bp.get("/inventories/<int:inventory_id>/quarter")
@login_required
def show(slug: str, inventory_id: int):
    """A quarter review as its readers see it; feedback and cheers stay on the inventory."""
    cohort = cohort_or_404(current_user, slug)
    inventory = in_cohort_or_404(Inventory, inventory_id, cohort)
    if not can(current_user, Action.VIEW, inventory) or not inventory.is_quarter:
        abort(404)
    review = quarter_review(current_user, cohort, inventory.user, inventory.meeting, utcnow())
    return render_template(
        "quarters/show.html",
        cohort=cohort,
        meeting=inventory.meeting,
        inventory=inventory,
        review=review,
        questions=_questions(inventory),
        is_author=inventory.user_id == current_user.id,
    )


@bp.route("/organize/practice", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def practice(slug: str):
    """Parts of life (in both languages) and the months of the quarter reviews."""
    cohort = cohort_or_404(current_user, slug)
    require(current_user, Action.MANAGE, cohort)
    form = PracticeForm().setup()
    if request.method == "GET":
        for number, item in enumerate(services.stored_areas(cohort)):
            form[f"area_{number}_key"].data = item["key"]
            form[f"area_{number}_en"].data = item.get("en", "")
            form[f"area_{number}_ja"].data = item.get("ja", "")
        form.quarter_months.data = quarter_months(cohort)
    elif form.validate_on_submit():
        try:
            services.save_practice(current_user, cohort, form.rows(), form.quarter_months.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The parts of life and quarter months are saved."), "success")
            return redirect(url_for(".practice", slug=slug))
    return render_template("quarters/practice.html", cohort=cohort, form=form)
