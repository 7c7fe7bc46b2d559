"""The bell: unread count in the navigation, the notifications page, marking read."""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..delivery import notices as services
from ..delivery.hours import QUIET_END, QUIET_START, REMINDER_TIME, settings_for
from ..delivery.models import ChatWebhook, DeliverySettings
from ..extensions import csrf, db
from ..inputs import page_number
from ..permissions import Action, cohort_or_404, require
from ..timezones import zone_label
from ..urls import safe_next_url
from . import audience
from .forms import ChatWebhookForm, LocalHoursForm, parse_time

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    page = services.notifications_page(current_user, request.args.get("page", 1, type=page_number))
    return render_template("notifications/index.html", page=page, message_of=services.message_of)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    """Mark one read and follow its link (only to pages of this site)."""
    services.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(safe_next_url(request.form.get("next"), "notifications.index"))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    services.mark_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


def init_app(app: Flask) -> None:
    audience.register()  # the delivery core asks who is still a member of a cohort

    @app.context_processor
    def inject_unread_count():
        if current_user and current_user.is_authenticated:
            count = current_user.unread_notifications  # read with the user (auth.models)
            if count is None:  # a user signed in during this request
                count = services.unread_count(current_user)
            return {"unread_notifications": count}
        return {"unread_notifications": 0}


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    """Email on or off per kind, local hours and the holiday pause; the bell shows all."""
    from ..delivery.outbox import opted_out

    settings = db.session.get(DeliverySettings, current_user.id)
    form = LocalHoursForm(data=local_hours_data(settings))
    if form.validate_on_submit():
        services.set_email_preferences(
            current_user, {kind: request.form.get(kind) == "1" for kind in services.EMAIL_KINDS}
        )
        settings = settings_for(current_user)
        settings.quiet_start = parse_time(form.quiet_start.data)
        settings.quiet_end = parse_time(form.quiet_end.data)
        settings.reminder_time = parse_time(form.reminder_time.data)
        settings.email_paused_until = form.email_paused_until.data
        db.session.commit()
        flash(_("Your notification choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    off = opted_out([current_user.id], services.EMAIL_KINDS)  # one query for every kind
    choices = {kind: (current_user.id, kind) not in off for kind in services.EMAIL_KINDS}
    return render_template(
        "notifications/preferences.html",
        form=form,
        kinds=services.EMAIL_KINDS,
        choices=choices,
        zone=zone_label(current_user.timezone, str(get_locale())),
    )


def local_hours_data(settings: DeliverySettings | None) -> dict:
    """The form's values: the member's own hours, or the defaults."""
    return {
        "quiet_start": f"{(settings.quiet_start if settings else QUIET_START):%H:%M}",
        "quiet_end": f"{(settings.quiet_end if settings else QUIET_END):%H:%M}",
        "reminder_time": f"{(settings.reminder_time if settings else REMINDER_TIME):%H:%M}",
        "email_paused_until": settings.email_paused_until if settings else None,
    }


@bp.route("/c/<slug>/organize/chat", methods=["GET", "POST"])
@login_required
def chat(slug: str):
    """The cohort's chat webhook: organizers only; off until they switch it on."""
    cohort = cohort_or_404(current_user, slug)
    require(current_user, Action.MANAGE, cohort)
    hook = db.session.get(ChatWebhook, cohort.id)
    form = (
        ChatWebhookForm(obj=hook) if hook else ChatWebhookForm(post_sessions=True, post_shared=True)
    )
    if form.validate_on_submit():
        if hook is None:
            hook = ChatWebhook(cohort_id=cohort.id, failures=0)
            db.session.add(hook)
        form.populate_obj(hook)
        hook.url = (form.url.data or "").strip()
        hook.set_by_id, hook.failures, hook.switched_off_at = current_user.id, 0, None
        db.session.commit()
        flash(_("The chat setting is saved."), "success")
        return redirect(url_for("notifications.chat", slug=cohort.slug))
    return render_template("notifications/chat.html", cohort=cohort, form=form, hook=hook)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients post here for one-click unsubscribe (RFC 8058); the token is signed
def unsubscribe(token: str):
    from ..delivery.outbox import read_unsubscribe_token

    decoded = read_unsubscribe_token(token)
    if decoded is None or decoded[1] not in services.EMAIL_KINDS:
        abort(404)
    user_id, kind = decoded
    if request.method == "POST":
        if not services.unsubscribe(user_id, kind):
            abort(404)
        db.session.commit()
        return render_template("notifications/unsubscribed.html", kind=services.EMAIL_KINDS[kind])
    return render_template(
        "notifications/unsubscribe.html", token=token, kind=services.EMAIL_KINDS[kind]
    )
