"""Security headers on every response, and keeping long texts when a CSRF token has expired."""

from collections.abc import Callable

from flask import Flask, current_app, flash, g, request, session
from flask_login import current_user

from .i18n import lazy_gettext as _l

KEPT = "kept_text"
EXPIRED_MESSAGE = _l(
    "This page was open for a long time, so for your safety it needs to be sent again. "
    "Everything you wrote is still here: please check it and press the button once more."
)
# A token that is missing or wrong has nothing to do with time: say so plainly.
UNCHECKED_MESSAGE = _l(
    "This form could not be checked, so it was not sent. "
    "Everything you wrote is still here: please press the button once more."
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.after_request(_forget_kept_text_once_shown)
    app.add_template_global(kept_text)
    app.add_template_global(csrf_failure_message)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # same-origin keeps the Referer on our own requests, which Flask-WTF checks over HTTPS.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["PRODUCTION"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # The live state's polls say themselves that they are private (and must not read the
    # signed-in user: a poll with a pass costs no SQL, see cohort/live/state.py).
    if request.endpoint not in ("static", "live.state_json") and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
        headers.add("Vary", "Cookie")
    return response


def keeps_text_on_csrf_failure(view: Callable) -> Callable:
    """Mark a form view to be re-rendered with the submitted text when its CSRF token fails.

    The view must validate a FlaskForm (which checks the token again and shows the error), so
    nothing is ever saved without a valid token; the member just presses Save once more.
    """
    view.keeps_text_on_csrf_failure = True
    return view


def keep_text(**fields: str) -> None:
    """Remember what was typed in a form that could not be saved (its token had expired) for
    the page the view redirects to, which puts it back in the same form (``kept_text``)."""
    session[KEPT] = {"action": request.path, "fields": fields}


def kept_text(action: str, name: str) -> str:
    """The text kept for field ``name`` of the form posting to ``action``, shown once."""
    kept = session.get(KEPT)
    if not kept or kept.get("action") != action:
        return ""
    g.kept_text_shown = True
    return kept["fields"].get(name, "")


def _forget_kept_text_once_shown(response):
    if g.get("kept_text_shown"):
        session.pop(KEPT, None)
    return response


def keep_unsent_text(form, **fields: str) -> None:
    """A form that redirects was refused for its token: keep what was typed for the page it
    lands on and tell why nothing was sent."""
    keep_text(**fields)
    flash(str(csrf_failure_message(form)), "error")


def csrf_failure_message(form):
    """What to tell the member whose form's token was refused: Flask-WTF's reason says
    whether it had expired (the page was open a long time) or was missing or wrong."""
    expired = any("expired" in str(error) for error in form.errors.get("csrf_token", []))
    return EXPIRED_MESSAGE if expired else UNCHECKED_MESSAGE
