"""Account settings: profile, password, email."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import refresh
from flask_login import current_user, fresh_login_required, login_required, login_user

from ..auth import services
from ..auth.emails import queue_password_changed_notice
from ..cohorts.forms import ConfirmForm
from ..delivery.outbox import deliver_now, queue_message
from ..emails import external_url
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..security import keeps_text_on_csrf_failure
from .forms import EmailForm, PasswordForm, ProfileForm

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("/", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            form.display_name.data,
            form.locale.data,
            form.timezone.data,
            form.bio.data or "",
        )
        db.session.commit()
        refresh()  # the confirmation below already speaks the newly chosen language
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("settings.profile"))
    return render_template("settings/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            notice = queue_password_changed_notice(current_user)
            db.session.commit()
            deliver_now(notice)
            login_user(current_user._get_current_object())  # this session, with the new token
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("settings.profile"))
    return render_template("settings/password.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
@fresh_login_required
def email():
    """Ask for a new address; it takes effect only once confirmed from that mailbox."""
    form = EmailForm()
    if form.validate_on_submit():
        try:
            new_email, token = services.request_email_change(current_user, form.email.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            _commit_and_mail(
                new_email,
                "email_confirm",
                new_email=new_email,
                confirm_url=external_url("settings.confirm_email", token=token),
                max_age_hours=services.EMAIL_CHANGE_MAX_AGE // 3600,
            )
            flash(
                _("We sent a link to %(email)s. Your address changes once you open it.",
                  email=new_email),
                "info",
            )  # fmt: skip
            return redirect(url_for("settings.profile"))
    return render_template("settings/email.html", form=form)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@login_required
def confirm_email(token: str):
    """The link from the confirmation email: one button switches to the new address (a GET
    alone changes nothing, so mail scanners opening links cannot)."""
    new_email = services.pending_email_change(current_user, token)
    form = ConfirmForm()
    if new_email is None:
        return render_template("settings/email_confirm.html", new_email=None, form=form), 410
    if form.validate_on_submit():
        try:
            old_email = services.confirm_email_change(current_user, token)
        except DomainError as error:
            flash(str(error.message), "error")
            return redirect(url_for("settings.email"))
        _commit_and_mail(old_email, "email_changed", old_email=old_email)
        flash(_("Your email address is now %(email)s.", email=current_user.email), "success")
        return redirect(url_for("settings.profile"))
    return render_template("settings/email_confirm.html", new_email=new_email, form=form)


def _commit_and_mail(to_address: str, template: str, **context) -> None:
    """An email about the signed-in member's account, in their language: queued with the
    change, committed, then tried at once (the outbox retries it if the server fails)."""
    email = queue_message(
        to_address,
        template,
        locale=current_user.locale,
        user_id=current_user.id,
        user=current_user,
        **context,
    )
    db.session.commit()
    deliver_now(email)
