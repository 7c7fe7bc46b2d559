"""Cohort pages for members: my cohorts, create, overview, members, guide, join, leave."""

from datetime import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db, limiter
from ..feedback.reading import blind_spot_context
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..i18n import select_locale
from ..inventories.month import MonthMember, month_page_context, read_next_month, working_on
from ..inventories.organizing import MonthOverview
from ..meetings import services as meeting_services
from ..meetings.forms import RsvpForm
from ..permissions import (
    Action,
    active_membership,
    can,
    cohort_or_404,
    cohort_row_or_404,
    visible_cohorts,
    visible_memberships,
)
from ..security import keeps_text_on_csrf_failure
from ..timeline.statements import member_statement
from ..timeline.views import member_page_context, members_page_context
from . import services
from .forms import CohortForm, ConfirmForm
from .models import Cohort, Membership, RhythmKind

bp = Blueprint("cohorts", __name__)


def settings_from_form(form: CohortForm) -> services.CohortSettings:
    return services.CohortSettings(
        name=form.name.data,
        description=form.description.data or "",
        guide=form.guide.data or "",
        timezone=form.timezone.data,
        locale=form.locale.data,
        rhythm_kind=RhythmKind(form.rhythm_kind.data),
        rhythm_week=form.rhythm_week.data,
        rhythm_weekday=form.rhythm_weekday.data,
        rhythm_starts_at=form.rhythm_starts_at.data or time(10, 0),
        rhythm_minutes=form.rhythm_minutes.data,
        inventory_due_days=form.inventory_due_days.data,
        feedback_due_days=form.feedback_due_days.data,
        feedback_reviewers=form.feedback_reviewers.data,
        keep_start_stop=form.keep_start_stop.data,
        first_reminder_days=form.first_reminder_days.data,
        last_reminder_days=form.last_reminder_days.data,
    )


def my_cohorts() -> list[tuple[Cohort, Membership]]:
    """The signed-in user's cohorts with their membership, in one query."""
    rows = db.session.execute(
        select(Cohort, Membership)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(
            Membership.user_id == current_user.id,
            Cohort.id.in_(visible_cohorts(current_user).with_only_columns(Cohort.id)),
        )
        .order_by(Cohort.is_archived, Cohort.name)
    )
    return [(cohort, membership) for cohort, membership in rows]


@bp.get("/c/")
@login_required
def index():
    rows = my_cohorts()
    upcoming = meeting_services.next_meetings([cohort for cohort, _membership in rows], utcnow())
    cohorts = [(cohort, membership, upcoming.get(cohort.id)) for cohort, membership in rows]
    return render_template("cohorts/index.html", cohorts=cohorts)


@bp.route("/c/new", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def create():
    form = CohortForm()
    if request.method == "GET":
        form.locale.data = select_locale()
        form.timezone.data = current_user.timezone
        form.timezone.render_kw["data-detect-timezone"] = "1"  # while it is still UTC
        form.guide.data = services.default_guide(form.locale.data)
        form.rhythm_starts_at.data = time(10, 0)
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(
                current_user, settings_from_form(form), slug=form.slug.data or None
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your cohort is ready. Invite its first members."), "success")
            return redirect(url_for("organizer.invitations", slug=cohort.slug))
    return render_template("cohorts/new.html", form=form)


@bp.get("/c/<slug>/")
@login_required
def overview(slug: str):
    cohort = cohort_or_404(current_user, slug)
    now = utcnow()
    # The next session comes with the members and their month: one statement.
    rows = read_next_month(cohort, now)
    month = month_page_context(current_user, rows) if rows else {}
    members = rows.members if rows else _active_members(cohort)
    return render_template(
        "cohorts/overview.html",
        cohort=cohort,
        members=members,
        next_meeting=rows.meeting if rows else None,
        my_rsvp=meeting_services.answer_of(current_user, rows.attendances) if rows else None,
        rsvp_form=RsvpForm(),
        now=now,
        membership=active_membership(current_user, cohort),
        **month,
        **_overview_keys(members, month.get("month")),
    )


def _overview_keys(
    members: list[MonthMember] | list[Membership], month: MonthOverview | None
) -> dict:
    """What the overview's kept lists show (cohort/fragments.py): who is a member, under
    which name and role; whose inventory is shared, under which name and Try line."""
    shared = month.shared if month else []
    return {
        "members_key": tuple((m.user_id, m.user.display_name, m.role) for m in members),
        "shared_key": tuple((i.id, i.user.display_name, i.answers.get("try")) for i in shared),
    }


def _active_members(cohort: Cohort) -> list[Membership]:
    return list(
        db.session.scalars(
            visible_memberships(current_user)
            .where(Membership.cohort_id == cohort.id)
            .order_by(Membership.joined_at)
        )
    )


@bp.get("/c/<slug>/members/")
@login_required
def members(slug: str):
    cohort = cohort_or_404(current_user, slug)
    return render_template(
        "cohorts/members.html",
        cohort=cohort,
        members=_active_members(cohort),
        working_on=working_on(cohort),
        leave_form=ConfirmForm(),
        membership=active_membership(current_user, cohort),
        **members_page_context(),
    )


@bp.get("/c/<slug>/members/<int:user_id>")
@login_required
def member(slug: str, user_id: int):
    row = cohort_row_or_404(current_user, slug, member_statement(), member_id=user_id)
    cohort, membership = row.Cohort, row.member
    if membership is None:
        abort(404)
    timeline_context = member_page_context(cohort, membership, row.is_following)
    shared, peers = timeline_context.pop("traits")
    return render_template(
        "cohorts/member.html",
        cohort=cohort,
        member=membership,
        **timeline_context,
        **blind_spot_context(current_user, cohort, membership, shared, peers),
        year_shared=row.shared_year or membership.user_id == current_user.id,
    )


@bp.get("/c/<slug>/guide")
@login_required
def guide(slug: str):
    cohort = cohort_or_404(current_user, slug)
    return render_template(
        "cohorts/guide.html", cohort=cohort, can_edit=can(current_user, Action.MANAGE, cohort)
    )


@bp.post("/c/<slug>/leave")
@login_required
def leave(slug: str):
    cohort = cohort_or_404(current_user, slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.leave_cohort(current_user, cohort)
        except DomainError as error:
            flash(str(error.message), "error")
            return redirect(url_for("cohorts.members", slug=slug))
        db.session.commit()
        flash(_("You have left %(name)s.", name=cohort.name), "info")
    return redirect(url_for("main.home"))


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_JOIN"])
def join(token: str):
    """An invitation link: explains a dead one, lets visitors register or log in first."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("cohorts/join_invalid.html", reason=None), 404
    user = current_user if current_user.is_authenticated else None
    if user is not None and active_membership(user, invitation.cohort) is not None:
        return redirect(url_for("cohorts.overview", slug=invitation.cohort.slug))
    problem = services.invitation_problem(invitation, user, utcnow())
    if problem:
        reason = services.INVITATION_PROBLEMS[problem]
        return render_template("cohorts/join_invalid.html", reason=reason, invitation=invitation)
    form = ConfirmForm()
    if user is not None and form.validate_on_submit():
        try:
            services.redeem_invitation(user, invitation)
        except DomainError as error:
            db.session.rollback()
            return render_template("cohorts/join_invalid.html", reason=error.message), 409
        db.session.commit()
        flash(_("Welcome to %(name)s!", name=invitation.cohort.name), "success")
        return redirect(url_for("cohorts.overview", slug=invitation.cohort.slug))
    if user is None:
        session["invitation_token"] = token  # registering next joins this cohort
    return render_template("cohorts/join.html", invitation=invitation, form=form, token=token)
