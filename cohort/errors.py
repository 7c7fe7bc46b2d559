"""Domain errors and the friendly error pages."""

from flask import Flask, current_app, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import (
    Forbidden,
    HTTPException,
    InternalServerError,
    NotFound,
    ServiceUnavailable,
)
from werkzeug.http import HTTP_STATUS_CODES

from .database import database_busy
from .extensions import db


class DomainError(Exception):
    """A use case refused, with a translatable message to show the person."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


ERROR_PAGES = (400, 403, 404, 405, 413, 429, 500, 503)


def init_app(app: Flask) -> None:
    from .permissions import NotAllowed

    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(NotAllowed, handle_not_allowed)
    for code in ERROR_PAGES:
        app.register_error_handler(code, render_error_page)


def render_error_page(error: HTTPException | Exception):
    code = error.code if isinstance(error, HTTPException) else 500
    if code >= 500:
        # A failed statement leaves PostgreSQL's transaction unusable, and the page itself
        # reads the signed-in user: start afresh so the error page cannot fail in turn.
        db.session.rollback()
    if request.path.startswith("/healthz"):
        return {"error": code}, code
    if request_ctx.url_adapter is None:  # an untrusted Host header: no page can link anywhere
        return f"{code} {HTTP_STATUS_CODES[code]}", code, {"Content-Type": "text/plain"}
    return render_template("errors/error.html", code=code), code


def handle_csrf_error(error: CSRFError):
    view = current_app.view_functions.get(request.endpoint)
    if (
        view is not None
        and getattr(view, "keeps_text_on_csrf_failure", False)
        and _token_problem(error)
    ):
        # The view validates its FlaskForm, which fails on the same token and shows the form
        # again with everything the member typed and a fresh token. Whatever the view answers
        # instead (a 404, a redirect to log in) is answered as it would be anywhere else.
        try:
            return view(**(request.view_args or {}))
        except HTTPException as http_error:
            return render_error_page(http_error)
    # No token at all is no page left open too long (a form from elsewhere, a lost cookie).
    missing = "missing" in (error.description or "") and _token_problem(error)
    return render_template(
        "errors/error.html", code=400, csrf_failed="missing" if missing else True
    ), 400


def _token_problem(error: CSRFError) -> bool:
    """The token is missing, expired or wrong, which the view's own form refuses again. A
    missing or foreign Referer over HTTPS is not: the token may be valid, so re-running the
    view would save the request, and it is refused like on every other form."""
    return "referrer" not in (error.description or "").lower()


def handle_operational_error(error: OperationalError):
    """SQLite's "database is locked" (another write held the file too long) is a moment's
    congestion, answered with a page asking to send again; any other database failure is a
    500 like every unexpected error."""
    if database_busy(error):
        return render_error_page(ServiceUnavailable())
    current_app.logger.error("Database error on %s", request.path, exc_info=error)
    return render_error_page(InternalServerError())


def handle_not_allowed(error):
    """A service refused: 404 when the user may not even see the object, else 403."""
    return render_error_page(Forbidden() if error.status_code == 403 else NotFound())
