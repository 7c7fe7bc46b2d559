"""Register, log in and out, reset a forgotten password."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_fresh, login_required, logout_user

from ..delivery.outbox import deliver_now, queue_message
from ..emails import external_url
from ..errors import DomainError
from ..extensions import db, limiter
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..i18n import select_locale
from ..ratelimits import email_key, hit, within
from ..security import keeps_text_on_csrf_failure
from ..urls import safe_next_url
from . import services
from .emails import queue_password_changed_notice
from .forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from .sessions import start_session

bp = Blueprint("auth", __name__)


def join_pending_invitation(user):
    """Someone who registered from an invitation link lands in that cohort."""
    from ..cohorts import services as cohort_services

    token = session.pop("invitation_token", None)
    invitation = cohort_services.find_invitation(token) if token else None
    if invitation is None:
        return None
    try:
        return cohort_services.redeem_invitation(user, invitation).cohort
    except DomainError:
        return None  # the join page explains the problem when they open the link again


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _reset_limit() -> str:
    return current_app.config["RATELIMIT_PASSWORD_RESET"]


@bp.route("/register", methods=["GET", "POST"])
@keeps_text_on_csrf_failure
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = select_locale()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.email.data,
                form.display_name.data,
                form.password.data,
                form.locale.data,
                form.timezone.data,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            cohort = join_pending_invitation(user)
            db.session.commit()
            start_session(user)
            flash(_("Welcome to Cohort, %(name)s!", name=user.display_name), "success")
            if cohort is not None:
                return redirect(url_for("cohorts.overview", slug=cohort.slug))
            return redirect(safe_next_url(request.args.get("next")))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated and request.method == "GET" and login_fresh():
        return redirect(safe_next_url(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        # Failed attempts count per email across every address: past the limit the account
        # waits (no password is even checked, so guessing stops), then works again. Unknown
        # emails are counted and answered alike, so the pause tells nobody who is registered.
        account = email_key(form.email.data)
        if not within("RATELIMIT_LOGIN_ACCOUNT", account):
            form.form_errors.append(
                _("Too many attempts for this account. Please wait a few minutes and try again.")
            )
            return render_template("auth/login.html", form=form), 429
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            hit("RATELIMIT_LOGIN_ACCOUNT", account)
            form.form_errors.append(_("The email or password is not correct."))
        else:
            db.session.commit()
            start_session(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log out everywhere: the session token rotates, so other devices are logged out too."""
    session["locale"] = current_user.locale  # the pages after logout keep the user's language
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # Counted per email whether or not it has an account, so the pause reveals nothing.
        if not hit("RATELIMIT_PASSWORD_RESET_EMAIL", email_key(form.email.data)):
            form.form_errors.append(
                _(
                    "Too many reset requests for this email address. Please check your inbox "
                    "and spam folder, or wait a while and try again."
                )
            )
            return render_template("auth/forgot_password.html", form=form), 429
        reset = services.request_password_reset(form.email.data)
        if reset is not None:
            queue_message(
                reset.user.email,
                "password_reset",
                locale=reset.user.locale,
                user_id=reset.user.id,
                user=reset.user,
                reset_url=external_url("auth.reset_password", token=reset.token),
                max_age_minutes=int(
                    current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60
                ),
            )
        db.session.commit()
        # Not sent here: the scheduler's delivery job (every 30 seconds) sends it from the
        # outbox. Talking to the mail server only for registered emails would make their
        # answer slower, telling anyone who measures it which emails have an account.
        # The same answer whether or not an account exists: nobody learns who is registered.
        flash(
            _(
                "If an account exists for %(email)s, we have sent it a link to choose a new "
                "password. Please check your inbox.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    if services.find_valid_reset_token(token) is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            notice = queue_password_changed_notice(user)
            db.session.commit()
            deliver_now(notice)
            logout_user()
            start_session(user)
            flash(
                _(
                    "Your new password is set and you are now logged in on this device. "
                    "Other devices have been logged out, and we emailed you a notice."
                ),
                "success",
            )
            return redirect(url_for("main.home"))
    return render_template("auth/reset_password.html", form=form)
