"""The notification settings form (local hours and the holiday pause; the per-kind email
switches are plain checkboxes read by the view) and the organizers' cohort chat form."""

from datetime import time

from wtforms import BooleanField, DateField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..delivery.channels.webhook import STYLES, url_problem
from ..forms import Form
from ..i18n import lazy_gettext as _l

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


class ChatWebhookForm(Form):
    url = StringField(
        _l("Incoming webhook address"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Create an incoming webhook in your chat tool (Slack, Mattermost, Discord…) and paste "
            "its address here."
        ),
    )
    style = SelectField(
        _l("Chat tool"), choices=[SelectChoice(key, label) for key, label in STYLES.items()]
    )
    post_sessions = BooleanField(_l("Post the day before each session"))
    post_shared = BooleanField(_l("Post how many members have shared, when inventories are due"))
    enabled = BooleanField(_l("Post to this chat"))

    def validate_url(self, field) -> None:
        if self.enabled.data and not field.data:
            raise ValidationError(_l("Paste the webhook address to post to the chat."))
        if field.data:
            problem = url_problem(field.data.strip())
            if problem:
                raise ValidationError(problem)
