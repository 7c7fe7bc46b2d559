"""Organizer pages: the overview, members and roles, settings, invitations, log, archive."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..actions import run_and_flash
from ..cohorts import services
from ..cohorts.emails import queue_invitation_email
from ..cohorts.forms import (
    CohortForm,
    ConfirmForm,
    EmailInvitationForm,
    InvitationLinkForm,
    RoleForm,
)
from ..cohorts.models import Cohort, Invitation, Membership, MembershipEvent, Role
from ..cohorts.slugs import suggestion_from_name
from ..cohorts.views import settings_from_form
from ..confirm import Confirmation, confirmation_page
from ..csv_export import csv_response
from ..database import utcnow
from ..delivery.outbox import deliver_now
from ..emails import external_url
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..inputs import page_number
from ..labels import role_label
from ..permissions import Action, cohort_or_404, require
from ..ratelimits import per_member
from ..security import keeps_text_on_csrf_failure
from ..urls import safe_next_url
from .dashboard import organizer_dashboard
from .report import cohort_report_rows

bp = Blueprint("organizer", __name__, url_prefix="/c/<slug>/organize")


def organizer_cohort(slug: str, action: Action = Action.VIEW_LOG) -> Cohort:
    """The cohort, if the current user organizes it (404 for outsiders, 403 for members)."""
    cohort = cohort_or_404(current_user, slug)
    require(current_user, action, cohort)
    return cohort


def membership_in(cohort: Cohort, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.cohort_id != cohort.id:
        abort(404)
    return membership


def invitation_in(cohort: Cohort, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.cohort_id != cohort.id:
        abort(404)
    return invitation


@bp.get("/")
@login_required
def dashboard(slug: str):
    """The coming session's inventories and answers, the open feedback, archiving."""
    cohort = organizer_cohort(slug)
    return render_template(
        "organizer/dashboard.html",
        cohort=cohort,
        dashboard=organizer_dashboard(cohort, utcnow()),
        confirm_form=ConfirmForm(),
    )


@bp.get("/members")
@login_required
def members(slug: str):
    cohort = organizer_cohort(slug)
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.cohort_id == cohort.id)
        .order_by(Membership.status, Membership.joined_at)
    ).all()
    return render_template(
        "organizer/members.html",
        cohort=cohort,
        memberships=memberships,
        role_form=RoleForm(),
        confirm_form=ConfirmForm(),
        roles=list(Role),
    )


@bp.post("/members/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int):
    cohort = organizer_cohort(slug, Action.MANAGE)
    membership = membership_in(cohort, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        role = Role(form.role.data)
        run_and_flash(
            lambda: services.change_role(current_user, membership, role),
            _(
                "%(name)s is now %(role)s.",
                name=membership.user.display_name,
                role=role_label(role),
            ),
        )
    return redirect(url_for("organizer.members", slug=slug))


@bp.route("/members/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def remove_member(slug: str, membership_id: int):
    cohort = organizer_cohort(slug, Action.MANAGE)
    membership = membership_in(cohort, membership_id)
    back = url_for("organizer.members", slug=slug)
    if request.method == "GET":
        if not membership.is_active:
            return redirect(back)
        name = membership.user.display_name
        return confirmation_page(
            Confirmation(
                title=_("Remove %(name)s from %(cohort)s?", name=name, cohort=cohort.name),
                consequences=[
                    _(
                        "%(name)s can no longer open the cohort's pages, sessions, inventories "
                        "or feedback, from their next click on.",
                        name=name,
                    ),
                    _("%(name)s gets no more reminders or emails from this cohort.", name=name),
                    _(
                        "To come back, %(name)s needs a new personal invitation: old links "
                        "will not let them in.",
                        name=name,
                    ),
                    _("The cohort's log records who removed whom, and when."),
                ],
                button=_("Remove %(name)s", name=name),
                action=request.path,
                back=back,
            ),
            cohort,
        )
    if ConfirmForm().validate_on_submit():
        run_and_flash(
            lambda: services.remove_member(current_user, membership),
            _("%(name)s was removed from the cohort.", name=membership.user.display_name),
        )
    return redirect(url_for("organizer.members", slug=slug))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def settings(slug: str):
    cohort = organizer_cohort(slug, Action.MANAGE)
    form = CohortForm(obj=cohort)
    if request.method == "GET":
        form.rhythm_kind.data = cohort.rhythm_kind.value
    if form.validate_on_submit():
        try:
            services.update_cohort_settings(
                current_user, cohort, settings_from_form(form), slug=form.slug.data or None
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The settings are saved."), "success")
            return redirect(url_for("organizer.settings", slug=cohort.slug))
    return render_template(
        "organizer/settings.html",
        cohort=cohort,
        form=form,
        confirm_form=ConfirmForm(),
        slug_suggestion=suggestion_from_name(cohort.name, cohort),
    )


@bp.get("/invitations")
@login_required
def invitations(slug: str):
    cohort = organizer_cohort(slug, Action.VIEW_LOG)
    return _render_invitations(cohort, InvitationLinkForm(), EmailInvitationForm())


def _render_invitations(cohort, link_form, email_form, status=200):
    rows = db.session.scalars(
        select(Invitation)
        .where(Invitation.cohort_id == cohort.id)
        .order_by(Invitation.created_at.desc())
    ).all()
    joined = db.session.execute(
        select(Membership.invitation_id, Membership).where(
            Membership.cohort_id == cohort.id, Membership.invitation_id.is_not(None)
        )
    ).all()
    joined_through: dict[int, list[Membership]] = {}
    for invitation_id, membership in joined:
        joined_through.setdefault(invitation_id, []).append(membership)
    new_link = session.pop("new_invitation_link", None)
    return render_template(
        "organizer/invitations.html",
        cohort=cohort,
        invitations=rows,
        joined_through=joined_through,
        link_form=link_form,
        email_form=email_form,
        confirm_form=ConfirmForm(),
        new_link=new_link,
        now=utcnow(),
    ), status


@bp.post("/invitations/link")
@login_required
def create_link(slug: str):
    cohort = organizer_cohort(slug, Action.MANAGE)
    form = InvitationLinkForm()
    if not form.validate_on_submit():
        return _render_invitations(cohort, form, EmailInvitationForm(), 400)
    issued = services.create_invitation(
        current_user,
        cohort,
        max_uses=form.max_uses.data,
        valid_days=form.valid_days.data,
        role=Role(form.role.data),
    )
    db.session.commit()
    # Shown once on the next page; only the hash is kept in the database.
    session["new_invitation_link"] = external_url("cohorts.join", token=issued.token)
    flash(_("The invitation link is ready. Copy it now: it is shown only once."), "success")
    return redirect(url_for("organizer.invitations", slug=slug))


@bp.post("/invitations/email")
@per_member("RATELIMIT_INVITATIONS")
@login_required
def invite_by_email(slug: str):
    cohort = organizer_cohort(slug, Action.MANAGE)
    form = EmailInvitationForm()
    if form.validate_on_submit():
        try:
            issued = services.create_invitation(
                current_user,
                cohort,
                max_uses=1,
                valid_days=form.valid_days.data,
                role=Role(form.role.data),
                email=form.email.data,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            email = queue_invitation_email(issued, inviter=current_user)
            db.session.commit()
            deliver_now(email)
            flash(
                _("The invitation was sent to %(email)s.", email=issued.invitation.email), "success"
            )
            return redirect(url_for("organizer.invitations", slug=slug))
    return _render_invitations(cohort, InvitationLinkForm(), form, 400)


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    cohort = organizer_cohort(slug, Action.MANAGE)
    invitation = invitation_in(cohort, invitation_id)
    if request.method == "GET":
        return confirmation_page(
            Confirmation(
                title=_("Withdraw this invitation?"),
                consequences=[
                    _("The link stops working at once, for everyone who has it."),
                    _("People who already joined through it stay members."),
                    _("A withdrawn invitation cannot be opened again; you can create a new one."),
                ],
                button=_("Withdraw the invitation"),
                action=request.path,
                back=url_for("organizer.invitations", slug=slug),
            ),
            cohort,
        )
    if ConfirmForm().validate_on_submit():
        run_and_flash(
            lambda: services.revoke_invitation(current_user, invitation),
            _("The invitation was withdrawn."),
        )
    return redirect(url_for("organizer.invitations", slug=slug))


@bp.get("/log")
@login_required
def log(slug: str):
    cohort = organizer_cohort(slug, Action.VIEW_LOG)
    page = request.args.get("page", 1, type=page_number)
    events = db.paginate(
        select(MembershipEvent)
        .where(MembershipEvent.cohort_id == cohort.id)
        .order_by(MembershipEvent.created_at.desc(), MembershipEvent.id.desc()),
        page=page,
        per_page=50,
    )
    return render_template("organizer/log.html", cohort=cohort, events=events)


@bp.route("/archive", methods=["GET", "POST"])
@login_required
def archive(slug: str):
    cohort = organizer_cohort(slug, Action.ARCHIVE)
    if request.method == "GET":
        if cohort.is_archived:
            return redirect(url_for("organizer.dashboard", slug=slug))
        return confirmation_page(
            Confirmation(
                title=_("Archive %(cohort)s?", cohort=cohort.name),
                consequences=[
                    _("Members can still read everything, but nothing can be written or changed."),
                    _("No reminders are sent for this cohort."),
                    _("You can bring the cohort back at any time from its organizer page."),
                ],
                button=_("Archive the cohort"),
                action=request.path,
                back=url_for("organizer.dashboard", slug=slug),
                hidden={"archived": "1"},
            ),
            cohort,
        )
    archived = request.form.get("archived") == "1"
    if ConfirmForm().validate_on_submit():
        message = (
            _("The cohort is archived: it is read-only and sends no reminders.")
            if archived
            else _("The cohort is active again.")
        )
        run_and_flash(lambda: services.set_archived(current_user, cohort, archived), message)
    if request.form.get("next"):  # e.g. back to the account deletion page that offered it
        return redirect(safe_next_url(request.form["next"]))
    return redirect(url_for("organizer.dashboard", slug=slug))


@bp.get("/export.csv")
@login_required
def export_csv(slug: str):
    """Sessions, attendance, who shared on time and the feedback around each, as CSV."""
    cohort = organizer_cohort(slug)
    rows = list(cohort_report_rows(current_user, cohort))
    return csv_response(rows, f"{cohort.slug}-{utcnow():%Y-%m-%d}.csv")
