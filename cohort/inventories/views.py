"""Writing, sharing and reading inventories."""

from functools import cache

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import defaultload, lazyload

from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..companion import services as companion_services
from ..companion import views as companion_views
from ..database import database_busy, utcnow
from ..errors import DomainError
from ..extensions import db
from ..feedback.reading import assigned_to_viewer, inventory_feedback_context
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..i18n import local_today
from ..meetings.models import Meeting
from ..permissions import (
    Action,
    can,
    cohort_or_404,
    in_cohort_or_404,
    remember_memberships,
    require,
)
from ..quarters.schedule import QUARTER_QUESTIONS
from ..security import keeps_text_on_csrf_failure
from ..timeline.inventory_page import cheer_columns, inventory_cheers
from ..timeline.milestones import ordinal_column
from ..writing import shortform
from . import goals as goal_services
from . import services
from .areas import area_labels, life_areas, split_parts
from .diff import changes_between
from .forms import build_inventory_form, fill_area_fields
from .models import Inventory, InventoryStatus
from .organizing import prompts_for, template_sections
from .sections import AREA_LABELS, resolve_sections

bp = Blueprint("inventories", __name__)

BUSY_MESSAGE = _l(
    "Cohort was busy saving something else and could not save this just now. Nothing is "
    "lost: your text is still here. Please press the button again."
)


def _writing_context(meeting: Meeting, inventory: Inventory | None) -> dict:
    """Everything the long form needs, shared by GET, POST and the conflict page."""
    cohort = meeting.cohort
    raw = inventory.template.sections if inventory else template_sections(cohort)
    sections = [section for section in resolve_sections(raw) if not section.hidden]
    every_section = sections
    short_form = shortform.uses_short_form(current_user, cohort)
    if short_form:
        sections = shortform.short_sections(sections, cohort)
    tasks = goal_services.tasks_to_review(current_user, cohort.id, inventory)
    progress = goal_services.goal_progress(inventory)
    goals = goal_services.active_goals(current_user)
    goals += [row.goal for goal_id, row in progress.items() if row.goal not in goals]
    return {
        "cohort": cohort,
        "meeting": meeting,
        "inventory": inventory,
        "sections": sections,
        "tasks": tasks,
        "goals": goals,
        "progress": progress,
        "last_progress": goal_services.last_progress(current_user, goals, inventory),
        "today": local_today(),
        "outcomes": goal_services.review_outcomes(inventory),
        "new_tasks": goal_services.new_tasks_since(current_user, inventory),
        "previous": services.previous_inventory(current_user, meeting),
        "prompts": prompts_for(cohort),
        "area_labels": AREA_LABELS,
        "companion": companion_services.availability(current_user, cohort),
        "companion_replies": {},
        "areas": life_areas(cohort),
        "short_form": short_form,
        "more_sections": len(every_section) - len(sections),
        # The answers the short form does not show travel with it, so no save or switch
        # can leave them behind (values from the page posted, else as saved).
        "carried": shortform.carried_answers(
            every_section, sections, inventory, request.form if request.method == "POST" else {}
        ),
    }


def _fill_form(form, context: dict) -> None:
    inventory = context["inventory"]
    fill_area_fields(form, context)
    if inventory is None:
        for key, text in services.prefilled_answers(current_user, context["meeting"]).items():
            if f"answer_{key}" in form:
                form[f"answer_{key}"].data = text
        if "self_traits" in form and context["previous"]:
            form.self_traits.data = list(context["previous"].self_traits or [])
        for goal in context["goals"]:  # this month's progress starts where the last one ended
            if f"goal_{goal.id}_percent" in form:
                form[f"goal_{goal.id}_percent"].data = context["last_progress"].get(goal.id)
        return
    form.version.data = str(inventory.version)
    for key, text in inventory.answers.items():
        if f"answer_{key}" in form:
            form[f"answer_{key}"].data = text
    for name in ("energy", *(f"rating_{area}" for area in AREA_LABELS)):
        if name in form:
            form[name].data = getattr(inventory, name)
    if "self_traits" in form:
        form.self_traits.data = list(inventory.self_traits or [])
    for task_id, outcome in context["outcomes"].items():
        if f"task_{task_id}" in form:
            form[f"task_{task_id}"].data = outcome.value
    for goal in context["goals"]:
        row = context["progress"].get(goal.id)
        if f"goal_{goal.id}_percent" in form:
            form[f"goal_{goal.id}_percent"].data = (
                row.percent if row else context["last_progress"].get(goal.id)
            )
            form[f"goal_{goal.id}_note"].data = row.note if row else ""
            form[f"goal_{goal.id}_status"].data = goal.status.value


@bp.route("/c/<slug>/sessions/<int:meeting_id>/inventory", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def write(slug: str, meeting_id: int):
    """The member's own inventory for a session: save as draft any number of times, share."""
    cohort = cohort_or_404(current_user, slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    require(current_user, Action.POST_INVENTORY, meeting)
    inventory = services.find_inventory(current_user, meeting)
    if request.method == "POST" and request.form.get("form_mode") in ("short", "full"):
        return _switch_form(meeting, inventory)
    context = _writing_context(meeting, inventory)
    form = build_inventory_form(
        context["sections"], context["tasks"], context["goals"], context["areas"]
    )()
    if request.method == "GET":
        _fill_form(form, context)
    elif companion_views.is_companion_post(request.form):
        context["companion_replies"] = companion_views.answer_form_post(form, meeting)
    elif form.validate_on_submit():
        try:
            typed = form.to_input()
            typed.partial = context["short_form"]
            typed.answers.update(context["carried"])
            inventory = services.save_inventory(
                current_user, meeting, typed, int(form.version.data or 0)
            )
            if request.form.get("action") == "share":
                services.share_inventory(current_user, inventory)
        except services.VersionConflict as conflict:
            db.session.rollback()
            return _conflict(form, meeting, conflict.inventory)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        except OperationalError as error:
            db.session.rollback()
            if not database_busy(error):
                raise
            form.form_errors.append(BUSY_MESSAGE)
            return render_template("inventories/write.html", form=form, **context), 503
        else:
            db.session.commit()
            if inventory.is_shared:
                flash(_("Your inventory is shared with %(cohort)s.", cohort=cohort.name), "success")
                return redirect(url_for(".show", slug=slug, inventory_id=inventory.id))
            flash(_("Draft saved. Only you can see it."), "success")
            return redirect(url_for(".write", slug=slug, meeting_id=meeting.id))
    return render_template("inventories/write.html", form=form, **context)


def _switch_form(meeting: Meeting, inventory: Inventory | None):
    """The short or the full form, as the member chose, holding everything this page had
    typed (and the saved text of what it did not show). Nothing is saved: nothing is lost."""
    shortform.choose_form(current_user, request.form["form_mode"] == "short")
    db.session.commit()
    context = _writing_context(meeting, inventory)
    form_class = build_inventory_form(context["sections"], context["tasks"], context["goals"])
    form = form_class(formdata=None)
    _fill_form(form, context)
    typed = form_class()
    for name, field in form._fields.items():
        if name in request.form and name != "csrf_token":
            field.data = typed[name].data
    return render_template("inventories/write.html", form=form, switched=True, **context)


def _conflict(form, meeting: Meeting, saved: Inventory):
    """Both versions side by side; the form keeps what this tab typed, now based on the
    saved version, so saving again is a deliberate choice."""
    db.session.refresh(saved)
    context = _writing_context(meeting, saved)
    form.version.data = str(saved.version)
    mine = {
        name.removeprefix("answer_"): field.data
        for name, field in form._fields.items()
        if name.startswith("answer_")
    }
    return render_template(
        "inventories/conflict.html", form=form, mine=mine, saved=saved, **context
    ), 409


@bp.post("/c/<slug>/sessions/<int:meeting_id>/inventory/pause")
@login_required
def pause(slug: str, meeting_id: int):
    cohort = cohort_or_404(current_user, slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    resume = request.form.get("resume") == "1"
    try:
        if resume:
            services.resume_month(current_user, meeting)
        else:
            services.pause_month(current_user, meeting)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(
            _("Welcome back. Your inventory is waiting.")
            if resume
            else _("This month is paused. Take care; no reminders will come."),
            "info",
        )
    return redirect(url_for(".write", slug=slug, meeting_id=meeting.id))


# The cohort is loaded already and the membership's person is the inventory's author: the
# identity map hands both over, so only the author, the session and the template join.
AUTHOR_PAGE_LOADING = (
    lazyload(Inventory.cohort),
    defaultload(Inventory.meeting).lazyload(Meeting.cohort),
    lazyload(Membership.cohort),
    lazyload(Membership.user),
)


def _inventory_with_author_or_404(inventory_id: int, cohort: Cohort) -> Row:
    """The inventory with its place among its author's shared months (for its milestones),
    whether its author is still a member here (the page links to their timeline only then),
    whether the viewer is asked to give feedback on it, how many revisions it has (the page
    reads them only when it shows them, from two on), its goal progress and its tasks: one
    statement instead of six."""
    row = db.session.execute(
        _author_page_statement(),
        {"inventory_id": inventory_id, "cohort_id": cohort.id, "viewer_id": current_user.id},
    ).one_or_none()
    if row is None:
        abort(404)
    remember_memberships(row.Inventory.user_id, cohort.id, row.Membership)
    return row


@cache  # built once: building its subqueries and cache key costs more than running it
def _author_page_statement() -> Select:
    return (
        select(
            Inventory,
            Membership,
            ordinal_column().label("ordinal"),
            assigned_to_viewer().label("assigned"),
            services.revision_count().label("revisions"),
            *cheer_columns(),
            *goal_services.page_columns(),
        )
        .outerjoin(
            Membership,
            (Membership.cohort_id == Inventory.cohort_id)
            & (Membership.user_id == Inventory.user_id)
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .where(
            Inventory.id == bindparam("inventory_id"),
            Inventory.cohort_id == bindparam("cohort_id"),
        )
        .options(*AUTHOR_PAGE_LOADING)
    )


@bp.get("/c/<slug>/inventories/<int:inventory_id>")
@login_required
def show(slug: str, inventory_id: int):
    cohort = cohort_or_404(current_user, slug)
    row = _inventory_with_author_or_404(inventory_id, cohort)
    inventory = row.Inventory
    if not can(current_user, Action.VIEW, inventory):
        abort(404)
    # The page shows the history and the last edit's changes from two revisions on.
    history = services.revisions(inventory) if row.revisions > 1 else []
    tasks = goal_services.page_tasks(row.task_lines)
    sections = [s for s in resolve_sections(inventory.template.sections) if not s.hidden]
    section_titles = {s.key: s.title for s in sections}
    section_titles.update({f"state_{area}": str(label) for area, label in AREA_LABELS.items()})
    section_titles.update({key: str(title) for key, title, _help in QUARTER_QUESTIONS})
    return render_template(
        "inventories/show.html",
        cohort=cohort,
        inventory=inventory,
        meeting=inventory.meeting,
        sections=sections,
        section_titles=section_titles,
        state_notes={
            area: inventory.answers_html[f"state_{area}"]
            for area in AREA_LABELS
            if inventory.answers_html.get(f"state_{area}")
        },
        progress=goal_services.page_progress(row.progress_lines),
        outcomes=tasks.outcomes,
        reviewed_tasks=tasks.reviewed,
        planned_tasks=tasks.planned,
        history=history,
        changes=changes_between(history[-2], history[-1]) if len(history) > 1 else [],
        area_labels=AREA_LABELS,
        is_author=inventory.user_id == current_user.id,
        now=utcnow(),
        statuses=InventoryStatus,
        box=inventory_cheers(
            current_user, inventory, row.ordinal, row.cheer_lines, row.achieved_goals
        ),
        life_split=split_parts(cohort, inventory.life_split),
        part_labels=area_labels(cohort),
        **inventory_feedback_context(current_user, inventory, row.assigned),
    )
