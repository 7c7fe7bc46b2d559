"""Forms of the live page: each change names the version of the state the page showed."""

from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..forms import Form, optional_db_int
from ..i18n import lazy_gettext as _l
from .models import OrderMode
from .room import LINE_MAX, NOTE_MAX
from .services import NOTES_MAX

MODE_LABELS = {
    OrderMode.SHARED: _l("In the order people shared"),
    OrderMode.SHUFFLED: _l("Shuffled"),
    OrderMode.ROTATION: _l("Rotation: nobody opens twice in a row"),
}


class VersionedForm(Form):
    """The version of the live state the page showed (a hidden field)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class StartForm(VersionedForm):
    mode = RadioField(
        _l("Speaking order"),
        choices=[SelectChoice(str(mode), label) for mode, label in MODE_LABELS.items()],
        default=str(OrderMode.SHARED),
    )
    opening_minutes = IntegerField(
        _l("Opening (minutes)"), validators=[InputRequired(), NumberRange(0, 120)]
    )
    break_minutes = IntegerField(
        _l("Break (minutes)"), validators=[InputRequired(), NumberRange(0, 120)]
    )
    closing_minutes = IntegerField(
        _l("Closing (minutes)"), validators=[InputRequired(), NumberRange(0, 120)]
    )


class ControlForm(VersionedForm):
    action = HiddenField(validators=[AnyOf(["pause", "resume", "next", "end"])])


class OrderForm(VersionedForm):
    action = HiddenField(validators=[AnyOf(["up", "down", "skip", "add"])])
    person = IntegerField(_l("Who"), validators=[InputRequired(), NumberRange(min=1)])


class LateForm(VersionedForm):
    action = HiddenField(default="add", validators=[AnyOf(["add"])])
    person = SelectField(_l("Add someone who shared late"), coerce=optional_db_int)


class NotesForm(VersionedForm):
    notes = TextAreaField(
        _l("Session notes"),
        validators=[Length(max=NOTES_MAX)],
        description=_l("Markdown. Decisions, announcements, the next session's date."),
        render_kw={"rows": 8},
    )


class CheckInForm(Form):
    person = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    present = HiddenField(validators=[AnyOf(["yes", "no"])])


class FacilitatorForm(Form):
    facilitator = SelectField(_l("Facilitator"), coerce=optional_db_int)


class ListenerNoteForm(Form):
    speaker = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    body = TextAreaField(
        _l("My notes"),
        validators=[Length(max=NOTE_MAX)],
        description=_l("Only you see them. Later they can start your feedback."),
        render_kw={"rows": 5},
    )


class CheckOutForm(Form):
    score = RadioField(
        _l("How useful was this session?"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validators=[InputRequired(_l("Choose 1 to 5."))],
    )
    line = StringField(
        _l("One line, if you like (optional)"),
        validators=[Optional(), Length(max=LINE_MAX)],
    )
