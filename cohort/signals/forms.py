"""Forms of the signals page: an action on one signal, a personal note."""

from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import Form
from ..i18n import lazy_gettext as _l
from .notes import NOTE_TEMPLATES
from .services import NOTE_MAX


class SignalActionForm(Form):
    """Dismiss a signal, or put its member on the coming session's list."""

    user_id = IntegerField(validators=[InputRequired()])
    kind = HiddenField(validators=[DataRequired(), Length(max=30)])


class NoteForm(Form):
    template = SelectField(
        _l("Start from"),
        choices=[SelectChoice(key, label) for key, (label, _text) in NOTE_TEMPLATES.items()],
        validate_choice=False,  # only picks the starting text; the note itself is sent
    )
    body = TextAreaField(
        _l("Your note"),
        validators=[
            DataRequired(_l("Write the note first.")),
            Length(max=NOTE_MAX, message=_l("Keep the note under %(max)d characters.")),
        ],
        description=_l("Sent in the app and by email. Edit it so that it sounds like you."),
        render_kw={"rows": 8},
    )
    kind = HiddenField(validators=[Length(max=30)])
