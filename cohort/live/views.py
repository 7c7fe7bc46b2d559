"""The live page of a session (facilitator's controls, the room's view, the projector), its
polled state, listeners' notes and the check-out."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..cohorts.forms import ConfirmForm
from ..cohorts.models import Membership, MembershipStatus, Role
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..inventories.sections import AREA_LABELS
from ..meetings.models import Attendance, Meeting
from ..permissions import Action, can, cohort_or_404, in_cohort_or_404, require
from . import facilitation, room, services, state
from .forms import (
    MODE_LABELS,
    CheckInForm,
    ControlForm,
    FacilitatorForm,
    LateForm,
    ListenerNoteForm,
    NotesForm,
    OrderForm,
    StartForm,
)
from .minutes import names_of
from .models import OrderMode
from .panel import speaker_panel

bp = Blueprint("live", __name__, url_prefix="/c/<slug>/sessions/<int:meeting_id>")


@bp.app_template_filter("clock")
def clock(seconds: int) -> str:
    """Seconds as m:ss (h:mm:ss from an hour), the way a timer shows them."""
    seconds = abs(int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _session(slug: str, meeting_id: int):
    cohort = cohort_or_404(current_user, slug)
    return cohort, in_cohort_or_404(Meeting, meeting_id, cohort)


def _facilitator_choices(people: list[tuple[int, str]], organizers: str) -> list[SelectChoice]:
    return [SelectChoice("", organizers), *(SelectChoice(uid, name) for uid, name in people)]


def _facilitated(slug: str, meeting_id: int) -> Meeting:
    """The session, if the user may change its live state (403 for its other members)."""
    meeting = _session(slug, meeting_id)[1]
    if not services.can_facilitate(current_user, meeting, services.run_of(meeting)):
        abort(403)
    return meeting


def _back(slug: str, meeting_id: int):
    return redirect(url_for(".page", slug=slug, meeting_id=meeting_id))


def _apply(meeting: Meeting, use_case, success: str | None = None) -> bool:
    """Run a change of the live state: commit it and let this process's pollers see it at
    once; a stale version or a refusal is explained on the page."""
    try:
        use_case()
    except services.StaleState as error:
        db.session.rollback()
        flash(str(error.message), "info")
        return False
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return False
    db.session.commit()
    state.forget(meeting.id)
    if success:
        flash(success, "success")
    return True


def _names(ids) -> dict[int, str]:
    return names_of(ids)


def _room(meeting: Meeting) -> list[tuple[int, str, bool | None, Role]]:
    """Everyone in the cohort with whether they are checked in, and their role (one query)."""
    rows = db.session.execute(
        db.select(Membership, Attendance.attended)
        .outerjoin(
            Attendance,
            (Attendance.user_id == Membership.user_id) & (Attendance.meeting_id == meeting.id),
        )
        .where(
            Membership.cohort_id == meeting.cohort_id,
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    return [(m.user_id, m.user.display_name, attended, m.role) for m, attended in rows]


def _may_facilitate(people) -> list[tuple[int, str]]:
    return [(uid, name) for uid, name, _, role in people if role in (Role.MEMBER, Role.ORGANIZER)]


@bp.get("/live")
@login_required
def page(slug: str, meeting_id: int):
    return _render_page(slug, meeting_id)


def _render_page(slug: str, meeting_id: int, kept_notes: str | None = None):
    cohort, meeting = _session(slug, meeting_id)
    run = services.run_of(meeting)
    facilitating = services.can_facilitate(current_user, meeting, run)
    projector = request.args.get("view") == "projector"
    item = services.current_item(run) if run is not None and run.is_live else None
    names = _names([*(run.agenda if run else []), *(run.skipped if run else [])])
    context = {
        "cohort": cohort,
        "meeting": meeting,
        "run": run,
        "item": item,
        "names": names,
        "slot_labels": services.slot_labels(),
        "area_labels": AREA_LABELS,
        "facilitating": facilitating,
        "projector": projector,
        "remaining": services.remaining(run, utcnow()) if run else 0,
        "panel": speaker_panel(meeting, item) if isinstance(item, int) else None,
        "live_pass": state.issue_pass(current_user.id, meeting.id),
        "state_url": url_for(".state_json", slug=slug, meeting_id=meeting.id),
    }
    if projector:
        return render_template("live/projector.html", **context)
    version = run.version if run else 0
    managing = can(current_user, Action.MANAGE, meeting)
    people = _room(meeting) if facilitating or managing else []
    if facilitating:
        context |= _facilitator_context(meeting, run, version, people)
        if kept_notes is not None:
            context["notes_form"].notes.data = kept_notes
    if managing:
        candidates = _may_facilitate(people)
        form = FacilitatorForm()
        form.facilitator.choices = _facilitator_choices(candidates, _("The organizers"))
        form.facilitator.data = run.facilitator_id if run else None
        suggested = facilitation.suggest_facilitator(meeting, [uid for uid, _ in candidates])
        context |= {"facilitator_form": form, "suggested": suggested}
    context |= _listener_context(meeting, run, item)
    return render_template("live/page.html", **context)


def _facilitator_context(meeting: Meeting, run, version: int, people) -> dict:
    start_form = StartForm(version=version)
    if run is not None:
        start_form.opening_minutes.data = run.opening_minutes
        start_form.break_minutes.data = run.break_minutes
        start_form.closing_minutes.data = run.closing_minutes
    else:
        start_form.opening_minutes.data = start_form.closing_minutes.data = 10
        start_form.break_minutes.data = 0
    notes_form = NotesForm(version=version)
    notes_form.notes.data = run.notes if run else ""
    late_form = LateForm(version=version)
    late_form.person.choices = [
        SelectChoice(uid, name)
        for uid, name in (services.late_candidates(run, _may_facilitate(people)) if run else [])
    ]
    return {
        "start_form": start_form,
        "mode_labels": MODE_LABELS,
        "control_form": ControlForm(version=version),
        "order_form": OrderForm(version=version),
        "late_form": late_form,
        "notes_form": notes_form,
        "checkin_form": CheckInForm(),
        "people": [(uid, name, attended) for uid, name, attended, _ in people],
    }


def _listener_context(meeting: Meeting, run, item) -> dict:
    notes = room.my_notes(current_user, meeting)
    form = None
    if (
        isinstance(item, int)
        and item != current_user.id
        and can(current_user, Action.PARTICIPATE, meeting)
    ):
        form = ListenerNoteForm(speaker=item)
        form.body.data = notes[item].body if item in notes else ""
    return {"note_form": form, "my_notes": notes, "draft_form": ConfirmForm()}


# The facilitator's changes -------------------------------------------------------------


def _version(form) -> int | None:
    return form.version.data if form.validate_on_submit() else None


@bp.post("/live/start")
@login_required
def start(slug: str, meeting_id: int):
    meeting = _facilitated(slug, meeting_id)
    form = StartForm()
    if not form.validate_on_submit():
        flash(_("Choose an order and minutes from 0 to 120 for each slot."), "error")
        return _back(slug, meeting_id)
    slots = (form.opening_minutes.data, form.break_minutes.data, form.closing_minutes.data)
    _apply(
        meeting,
        lambda: services.start(
            current_user,
            meeting,
            form.version.data,
            utcnow(),
            mode=OrderMode(form.mode.data),
            slots=slots,
        ),
    )
    return _back(slug, meeting_id)


@bp.post("/live/control")
@login_required
def control(slug: str, meeting_id: int):
    meeting = _facilitated(slug, meeting_id)
    form = ControlForm()
    if not form.validate_on_submit():
        flash(_("That did not work: please use the buttons on the page."), "error")
        return _back(slug, meeting_id)
    seen, now, action = form.version.data, utcnow(), form.action.data
    if action == "end":
        ended = _apply(meeting, lambda: _end(meeting, seen, now))
        if ended:
            return redirect(url_for("meetings.show", slug=slug, meeting_id=meeting_id) + "#minutes")
        return _back(slug, meeting_id)
    use_case = {"pause": services.pause, "resume": services.resume, "next": services.advance}
    _apply(meeting, lambda: use_case[action](current_user, meeting, seen, now))
    return _back(slug, meeting_id)


def _end(meeting: Meeting, seen: int, now) -> None:
    run, ended_now = services.end(current_user, meeting, seen, now)
    if ended_now:
        room.send_recap(meeting, run)
        flash(
            _("The session has ended. Its minutes are below, and the recap is on its way."),
            "success",
        )


@bp.post("/live/order")
@login_required
def reorder(slug: str, meeting_id: int):
    meeting = _facilitated(slug, meeting_id)
    form = OrderForm()
    if not form.validate_on_submit():
        flash(_("That did not work: please use the buttons on the page."), "error")
        return _back(slug, meeting_id)
    seen, person, now = form.version.data, form.person.data, utcnow()
    use_case = {
        "up": lambda: services.move(current_user, meeting, seen, person, -1),
        "down": lambda: services.move(current_user, meeting, seen, person, 1),
        "skip": lambda: services.skip(current_user, meeting, seen, person, now),
        "add": lambda: services.add_late(current_user, meeting, seen, person),
    }[form.action.data]
    _apply(meeting, use_case)
    return _back(slug, meeting_id)


@bp.post("/live/notes")
@login_required
def notes(slug: str, meeting_id: int):
    meeting = _facilitated(slug, meeting_id)
    form = NotesForm()
    if not form.validate_on_submit():
        flash(_("The notes could not be saved: they may be too long."), "error")
        return _back(slug, meeting_id)
    try:
        services.save_notes(current_user, meeting, form.version.data, form.notes.data or "")
    except services.StaleState:
        # Another tab moved the session on: the typed notes come back to be saved again.
        db.session.rollback()
        flash(
            _("The session moved on while you wrote. Your notes are kept: save them again."), "info"
        )
        return _render_page(slug, meeting_id, kept_notes=form.notes.data or ""), 409
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(slug, meeting_id)
    db.session.commit()
    state.forget(meeting.id)
    flash(_("The notes are saved."), "success")
    return _back(slug, meeting_id)


@bp.post("/live/check-in")
@login_required
def check_in(slug: str, meeting_id: int):
    meeting = _facilitated(slug, meeting_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        flash(_("That did not work: please use the buttons on the page."), "error")
        return _back(slug, meeting_id)
    present = form.present.data == "yes"
    _apply(meeting, lambda: services.check_in(current_user, meeting, form.person.data, present))
    return _back(slug, meeting_id)


@bp.post("/live/facilitator")
@login_required
def facilitator(slug: str, meeting_id: int):
    meeting = _session(slug, meeting_id)[1]
    require(current_user, Action.MANAGE, meeting)
    form = FacilitatorForm()
    form.facilitator.choices = _facilitator_choices(facilitation.facilitator_choices(meeting), "")
    if not form.validate_on_submit():
        flash(_("Choose an active member of this cohort."), "error")
        return _back(slug, meeting_id)
    _apply(
        meeting,
        lambda: facilitation.set_facilitator(current_user, meeting, form.facilitator.data),
        _("The facilitator is saved."),
    )
    return _back(slug, meeting_id)


# The room's own routes (the polled state, listeners' notes, the check-out) join this
# blueprint from their module.
from . import room_views  # noqa: E402, F401
