"""The live page's routes for everyone in the room: the polled state, listeners' private
notes (and the feedback they start), and the check-out. They join the ``live`` blueprint."""

import time

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required

from ..cohorts.forms import ConfirmForm
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from . import room, services, state
from .forms import CheckOutForm, ListenerNoteForm
from .models import ListenerNote
from .views import _apply, _back, _session, bp


@bp.get("/live/state")
def state_json(slug: str, meeting_id: int):
    """The live state as JSON, for pages that follow the facilitator (see ``state``)."""
    viewer = state.read_pass(request.args.get("pass"), meeting_id)
    new_pass = None
    current = state.kept(meeting_id) if viewer is not None else None
    if viewer is not None and current is None:
        current = state.state_of(meeting_id, state.read_run(meeting_id))
    if viewer is None:
        if not current_user.is_authenticated:
            abort(404)
        visible, run = state.read_for_viewer(slug, meeting_id, current_user.id)
        if not visible:
            abort(404)
        current = state.state_of(meeting_id, run)
        new_pass = state.issue_pass(current_user.id, meeting_id)
    tag = state.etag(current)
    # No shared or stored copy: the page's script keeps the ETag and asks with it.
    headers = {"ETag": tag, "Cache-Control": "no-store", "Vary": "Cookie"}
    if new_pass is None and request.headers.get("If-None-Match") == tag:
        return "", 304, headers
    body = {**current, "now": time.time()}
    if new_pass is not None:
        body["pass"] = new_pass
    response = jsonify(body)
    response.headers.update(headers)
    return response


# Listeners -------------------------------------------------------------------------------


@bp.post("/live/my-note")
@login_required
def my_note(slug: str, meeting_id: int):
    meeting = _session(slug, meeting_id)[1]
    form = ListenerNoteForm()
    if not form.validate_on_submit():
        flash(_("The note could not be saved: it may be too long."), "error")
        return _back(slug, meeting_id)
    run = services.run_of(meeting)
    _apply(
        meeting,
        lambda: room.save_note(current_user, meeting, run, form.speaker.data, form.body.data or ""),
        _("Your note is saved. Only you see it."),
    )
    return _back(slug, meeting_id)


@bp.post("/live/my-notes/<int:note_id>/draft")
@login_required
def draft(slug: str, meeting_id: int, note_id: int):
    """Open one's feedback on the speaker's inventory, starting from the note."""
    meeting = _session(slug, meeting_id)[1]
    note = db.session.get(ListenerNote, note_id)
    if note is None or note.meeting_id != meeting.id or note.author_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("That did not work: please use the buttons on the page."), "error")
        return _back(slug, meeting_id)
    try:
        inventory = room.start_draft(current_user, meeting, note, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(slug, meeting_id)
    db.session.commit()
    return redirect(url_for("feedback.give", slug=slug, inventory_id=inventory.id))


@bp.post("/checkout")
@login_required
def checkout(slug: str, meeting_id: int):
    meeting = _session(slug, meeting_id)[1]
    form = CheckOutForm()
    target = url_for("meetings.show", slug=slug, meeting_id=meeting_id) + "#checkout"
    if not form.validate_on_submit():
        flash(_("Choose 1 to 5; the line is optional and at most 200 characters."), "error")
        return redirect(target)
    run = services.run_of(meeting)
    _apply(
        meeting,
        lambda: room.check_out(
            current_user, meeting, run, int(form.score.data), form.line.data or ""
        ),
        _("Thank you: your check-out is saved."),
    )
    return redirect(target)
