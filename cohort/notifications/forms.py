"""The notification settings form: local hours and the holiday pause (the per-kind email
switches are plain checkboxes read by the view, one per kind)."""

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..forms import Form

# Every half hour of the day: a select cannot send a time that does not exist.
TIMES = [f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in (0, 30)]


def parse_time(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def _time_field(label, description=None) -> SelectField:
    return SelectField(
        label, choices=[SelectChoice(value, value) for value in TIMES], description=description
    )


class LocalHoursForm(Form):
    quiet_start = _time_field(_l("Quiet from"))
    quiet_end = _time_field(_l("Quiet until"))
    reminder_time = _time_field(
        _l("Reminder time"),
        _l("Reminders that fall in your quiet hours wait until this time, in your own zone."),
    )
    email_paused_until = DateField(
        _l("Pause all email until"),
        validators=[Optional()],
        description=_l(
            "For holidays: no email until this day; the bell keeps everything. Leave empty to "
            "get email as usual."
        ),
    )
