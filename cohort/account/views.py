"""Settings → "Download my data" and "Delete my account"."""

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required, logout_user

from ..auth.models import User
from ..database import utcnow
from ..delivery.outbox import deliver_now, queue_message
from ..emails import external_url
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..ratelimits import per_member
from .archive import archive_chunks
from .deletion import delete_account, last_organizer_of
from .forms import DeleteAccountForm, ExportForm

bp = Blueprint("account", __name__, url_prefix="/settings")


@bp.get("/data")
@login_required
def data():
    return render_template("settings/data.html", form=ExportForm())


@bp.post("/data")
@login_required
@per_member("RATELIMIT_EXPORT")
def download():
    """The member's archive, streamed as it is written."""
    form = ExportForm()
    if not form.validate_on_submit():
        flash(_("The download did not start. Please try again."), "error")
        return redirect(url_for(".data"))
    get_locale()  # decided now, while the signed-in user is at hand, for the README
    filename = f"cohort-data-{utcnow():%Y-%m-%d}.zip"
    return Response(
        stream_with_context(_archive_of(current_user.id)),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _archive_of(user_id: int):
    """The archive, read once the response starts: by then the request's own session work
    (sign-in bookkeeping) is committed, so the user is read afresh."""
    user = db.session.get(User, user_id)
    if user is not None:
        yield from archive_chunks(user)


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    blocking = last_organizer_of(current_user)
    if not blocking and form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            gone = delete_account(user, form.password.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            email = queue_message(
                gone.email,
                "account_deleted",
                locale=gone.locale,
                register_url=external_url("auth.register"),
            )
            db.session.commit()
            logout_user()
            deliver_now(email)
            flash(_("Your account is deleted. A confirmation is on its way to your email."), "info")
            return redirect(url_for("main.home"))
    return render_template("settings/delete.html", form=form, blocking=blocking)
