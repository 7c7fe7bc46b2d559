"""Session pages: the list, the month page, RSVP, calendar files; organizer scheduling; the
personal calendar feed."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from ..actions import run_and_flash
from ..cohorts.forms import ConfirmForm
from ..cohorts.models import Cohort, Membership
from ..confirm import Confirmation, confirmation_page
from ..database import utcnow
from ..emails import external_url
from ..errors import DomainError
from ..extensions import db
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..inputs import page_number
from ..inventories.month import month_page_context, read_session_month
from ..live.session_page import session_page_context
from ..organizer.views import organizer_cohort
from ..permissions import (
    Action,
    can,
    cohort_or_404,
    in_cohort_or_404,
    require,
    visible_memberships,
)
from ..security import keeps_text_on_csrf_failure
from ..signals.rules import KIND_LABELS
from ..signals.services import talks_at
from ..urls import safe_next_url
from . import calendar, services
from .forms import AttendanceForm, MeetingForm, RsvpForm, rsvp_label
from .models import Meeting, Rsvp

bp = Blueprint("meetings", __name__)
bp.add_app_template_filter(rsvp_label, "rsvp_label")


def _members(cohort: Cohort) -> list[tuple[int, str]]:
    rows = db.session.scalars(
        visible_memberships(current_user)
        .where(Membership.cohort_id == cohort.id)
        .order_by(Membership.joined_at)
    )
    return [(membership.user_id, membership.user.display_name) for membership in rows]


# Members ----------------------------------------------------------------------------------


@bp.get("/c/<slug>/sessions/")
@login_required
def index(slug: str):
    cohort = cohort_or_404(current_user, slug)
    now = utcnow()
    upcoming = services.upcoming_meetings(cohort, now)
    past = services.past_meetings(cohort, now, request.args.get("page", 1, type=page_number))
    return render_template(
        "meetings/index.html",
        cohort=cohort,
        upcoming=upcoming,
        past=past,
        counts=services.attendance_counts([*upcoming, *past.items]),
    )


@bp.get("/c/<slug>/sessions/<int:meeting_id>")
@login_required
def show(slug: str, meeting_id: int):
    """The month page. Features that belong to a session add their part to ``context``."""
    cohort = cohort_or_404(current_user, slug)
    month = read_session_month(cohort, meeting_id)  # the session comes with its month
    if month is None:
        abort(404)
    meeting, attendances = month.meeting, month.attendances
    context = {
        "cohort": cohort,
        "meeting": meeting,
        "answered": services.by_answer(attendances),
        "my_rsvp": services.answer_of(current_user, attendances),
        "rsvp_form": RsvpForm(),
        "now": utcnow(),
    }
    context |= month_page_context(current_user, month)
    context |= session_page_context(current_user, meeting, month.has_live_run)
    if can(current_user, Action.MANAGE, meeting):
        form = AttendanceForm([(m.user_id, m.user.display_name) for m in month.members])
        form.attended.data = [a.user_id for a in attendances if a.attended]
        context |= {
            "attendance_form": form,
            "confirm_form": ConfirmForm(),
            "talks": talks_at(meeting),
            "talk_reasons": KIND_LABELS,
        }
    return render_template("meetings/show.html", **context)


@bp.post("/c/<slug>/sessions/<int:meeting_id>/rsvp")
@login_required
def rsvp(slug: str, meeting_id: int):
    cohort = cohort_or_404(current_user, slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    form = RsvpForm()
    if form.validate_on_submit():
        answer = Rsvp(form.rsvp.data)
        run_and_flash(
            lambda: services.set_rsvp(current_user, meeting, answer),
            _("Your answer is saved: %(answer)s.", answer=rsvp_label(answer)),
        )
    else:
        flash(_("Choose going, maybe or not going."), "error")
    target = request.form.get("next")
    return redirect(
        safe_next_url(target) if target else url_for(".show", slug=slug, meeting_id=meeting.id)
    )


def _ics_response(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The feed's address is a secret: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/c/<slug>/sessions/<int:meeting_id>.ics")
@login_required
def ics(slug: str, meeting_id: int):
    cohort = cohort_or_404(current_user, slug)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    return _ics_response(
        calendar.meeting_ics(meeting, current_user), f"session-{cohort.slug}-{meeting.id}.ics"
    )


# Organizers -------------------------------------------------------------------------------


@bp.get("/c/<slug>/organize/sessions/")
@login_required
def organize(slug: str):
    cohort = organizer_cohort(slug)
    now = utcnow()
    upcoming = services.upcoming_meetings(cohort, now)
    past = services.past_meetings(cohort, now, request.args.get("page", 1, type=page_number))
    return render_template(
        "meetings/organize.html",
        cohort=cohort,
        upcoming=upcoming,
        past=past,
        counts=services.attendance_counts([*upcoming, *past.items]),
    )


@bp.route("/c/<slug>/organize/sessions/new", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def new(slug: str):
    cohort = organizer_cohort(slug, Action.MANAGE)
    form = MeetingForm(cohort.timezone)
    if request.method == "GET":
        form.fill_new(cohort, utcnow())
    if form.validate_on_submit():
        try:
            meeting = services.schedule_meeting(current_user, cohort, form.details())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The session is scheduled."), "success")
            return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))
    return render_template("meetings/edit.html", cohort=cohort, form=form, meeting=None)


@bp.route("/c/<slug>/organize/sessions/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def edit(slug: str, meeting_id: int):
    cohort = organizer_cohort(slug, Action.MANAGE)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    require(current_user, Action.MANAGE, meeting)  # not in a closed season
    form = MeetingForm(cohort.timezone)
    if request.method == "GET":
        form.fill_from(meeting)
    if form.validate_on_submit():
        try:
            services.update_meeting(current_user, meeting, form.details())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The session is saved."), "success")
            return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))
    return render_template(
        "meetings/edit.html", cohort=cohort, form=form, meeting=meeting, confirm_form=ConfirmForm()
    )


@bp.route("/c/<slug>/organize/sessions/<int:meeting_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug: str, meeting_id: int):
    cohort = organizer_cohort(slug, Action.MANAGE)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    if request.method == "GET":
        if meeting.is_cancelled:
            return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))
        return confirmation_page(
            Confirmation(
                title=_("Cancel %(title)s?", title=meeting.title),
                consequences=[
                    _("Members are told that the session is cancelled, in the app and by email."),
                    _("Calendars that subscribed to the cohort remove the session."),
                    _("The rhythm does not schedule this month again; you can add a session."),
                    _("A cancelled session cannot be brought back."),
                ],
                button=_("Cancel %(title)s", title=meeting.title),
                action=request.path,
                back=url_for(".edit", slug=slug, meeting_id=meeting.id),
            ),
            cohort,
        )
    if ConfirmForm().validate_on_submit():
        run_and_flash(
            lambda: services.cancel_meeting(current_user, meeting), _("The session is cancelled.")
        )
    return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))


@bp.post("/c/<slug>/organize/sessions/<int:meeting_id>/attendance")
@login_required
def attendance(slug: str, meeting_id: int):
    cohort = organizer_cohort(slug, Action.MANAGE)
    meeting = in_cohort_or_404(Meeting, meeting_id, cohort)
    form = AttendanceForm(_members(cohort))
    if form.validate_on_submit():
        attended = set(form.attended.data or ())
        run_and_flash(
            lambda: services.mark_attendance(current_user, meeting, attended),
            _("Attendance is saved."),
        )
    else:
        flash(_("Only members of this cohort can be marked as present."), "error")
    return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))


# The personal calendar feed ---------------------------------------------------------------


@bp.route("/settings/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    form = ConfirmForm()
    if form.validate_on_submit():
        if request.form.get("action") == "stop":
            calendar.stop_calendar_feed(current_user)
            db.session.commit()
            flash(_("Your calendar feed is off. Its address no longer works."), "success")
        else:
            token = calendar.start_calendar_feed(current_user)
            db.session.commit()
            # Shown once on the next page; only the hash is kept in the database.
            session["new_calendar_url"] = external_url("meetings.calendar_feed", feed_token=token)
            flash(
                _("Your calendar address is ready. Copy it now: it is shown only once."), "success"
            )
        return redirect(url_for(".calendar_settings"))
    return render_template(
        "meetings/calendar_settings.html",
        form=form,
        new_url=session.pop("new_calendar_url", None),
        has_feed=current_user.calendar_token_hash is not None,
    )


@bp.get("/calendar/<feed_token>.ics")
def calendar_feed(feed_token: str):
    """No login: calendar apps fetch it by its secret address alone."""
    user = calendar.user_for_calendar_token(feed_token)
    if user is None:
        abort(404)
    return _ics_response(calendar.calendar_feed(user))
