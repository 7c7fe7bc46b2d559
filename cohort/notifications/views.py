"""The bell: unread count in the navigation, the notifications page, marking read; the
notification settings with this account's devices, and the service worker and manifest."""

from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required

from ..delivery import devices
from ..delivery import notices as services
from ..delivery.channels import push
from ..delivery.hours import QUIET_END, QUIET_START, REMINDER_TIME, settings_for
from ..delivery.models import ChatWebhook, DeliverySettings
from ..extensions import csrf, db
from ..i18n import gettext as _
from ..inputs import page_number
from ..permissions import Action, cohort_or_404, require
from ..ratelimits import per_member
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
    """Email and push on or off per kind, this account's devices, local hours and the
    holiday pause; the bell shows all."""
    from ..delivery.outbox import opted_out

    settings = db.session.get(DeliverySettings, current_user.id)
    form = LocalHoursForm(data=local_hours_data(settings))
    if form.validate_on_submit():
        services.set_email_preferences(
            current_user, {kind: request.form.get(kind) == "1" for kind in services.EMAIL_KINDS}
        )
        devices.set_push_preferences(
            current_user,
            {kind: request.form.get(f"push-{kind}") == "1" for kind in devices.PUSH_KINDS},
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
        push_choices=devices.push_preferences(current_user),
        devices=devices.devices(current_user),
        vapid_public_key=push.keys().public_key,
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


# Web Push: this account's devices, the service worker and the web app manifest ------------


@bp.post("/settings/notifications/devices")
@login_required
@per_member("RATELIMIT_PUSH_DEVICES")
def subscribe():
    """Keep the browser's push subscription (JSON, with the CSRF header): 201, or 400 with
    a sentence saying why not."""
    try:
        device = devices.subscribe(
            current_user, request.get_json(silent=True), request.user_agent.string
        )
    except devices.Refused as error:
        db.session.rollback()
        return jsonify(error=str(error.message)), 400
    db.session.commit()
    return jsonify(id=device.id, label=device.label), 201


@bp.post("/service-worker/renew")
@csrf.exempt  # the service worker holds no CSRF token: the old subscription's secret stands in
@per_member("RATELIMIT_PUSH_DEVICES")
def renew_device():
    """The service worker's report that the browser replaced a device's subscription
    (``{"old": …, "new": …}`` as JSON): 204, or 400 with a sentence saying why not."""
    if not request.is_json:  # a form posted from another site is never JSON
        return jsonify(error="JSON expected"), 415
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    try:
        devices.renew(body.get("old"), body.get("new"))
    except devices.Refused as error:
        db.session.rollback()
        return jsonify(error=str(error.message)), 400
    db.session.commit()
    return "", 204


@bp.post("/settings/notifications/devices/<int:device_id>/remove")
@login_required
def remove_device(device_id: int):
    device = devices.device_of(current_user, device_id) or abort(404)
    db.session.delete(device)
    db.session.commit()
    flash(_("Notifications are off for %(device)s.", device=device.label), "success")
    return redirect(url_for("notifications.preferences", _anchor="devices"))


@bp.post("/settings/notifications/devices/<int:device_id>/test")
@login_required
@per_member("RATELIMIT_PUSH_DEVICES")
def test_device(device_id: int):
    """Send a test notification to one of the member's devices now."""
    outcome, label = devices.send_test(current_user, device_id) or abort(404)
    if outcome == "sent":
        flash(_("A test notification is on its way to %(device)s.", device=label), "success")
    elif outcome == "gone":
        message = _("%(device)s no longer accepts notifications: it was removed.")
        flash(message % {"device": label}, "error")
    else:
        flash(_("The test notification could not be sent. Please try again later."), "error")
    db.session.commit()
    return redirect(url_for("notifications.preferences", _anchor="devices"))


@bp.get("/service-worker.js")
def service_worker():
    """Served from the root so that its scope is the whole site (a small file, read whole)."""
    script = Path(current_app.static_folder or "", "js", "service-worker.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: Cohort can be installed on a phone's home screen."""
    icon = lambda name: url_for("static", filename=f"icons/{name}")  # noqa: E731
    body = {
        "name": "Cohort",
        "short_name": "Cohort",
        "description": _("Monthly career inventories and kind feedback, together."),
        "lang": str(get_locale()),
        "start_url": url_for("main.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f8f7f4",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": icon("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": icon("icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": icon("maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


THEME_COLOUR = "#0172ad"  # the stylesheet's primary (Pico's azure), as in the favicon
