"""Session forms. Times are typed on the cohort's clock and leave the form in UTC."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from wtforms import (
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.forms import strip
from ..cohorts.models import Cohort
from ..forms import Form, db_int
from ..i18n import lazy_gettext as _l
from ..labels import RSVP_LABELS, label
from .models import Meeting, Rsvp
from .services import MeetingDetails, default_due_times


def rsvp_label(rsvp: Rsvp | str) -> str:
    return label(Rsvp(rsvp))


def to_local(moment: datetime, zone: str) -> datetime:
    """A UTC datetime as the naive wall-clock time a datetime-local input shows."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def to_utc(wall_time: datetime, zone: str) -> datetime:
    return wall_time.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def is_real_wall_time(wall_time: datetime, zone: str) -> bool:
    """False for a time skipped when the clocks go forward (e.g. 02:30 on that night)."""
    return to_local(to_utc(wall_time, zone), zone) == wall_time


def https_link(form, field) -> None:
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(_l("Enter a link that starts with https:// or http://"))


def _moment(label):
    # The first format is the one shown; some browsers send seconds as well.
    formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
    return DateTimeLocalField(label, validators=[DataRequired()], format=formats)


class MeetingForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)], filters=[strip])
    starts_at = _moment(_l("Starts"))
    ends_at = _moment(_l("Ends"))
    place = StringField(
        _l("Place"),
        validators=[Length(max=200)],
        filters=[strip],
        description=_l("An address or a room. Leave empty for an online session."),
    )
    online_url = URLField(
        _l("Online link"),
        validators=[Optional(), Length(max=500), https_link],
        filters=[strip],
        description=_l("The video call link, shown to members only."),
    )
    agenda = TextAreaField(
        _l("Agenda"),
        validators=[Length(max=20000)],
        description=_l("What you will do together. Markdown works."),
        render_kw={"rows": 8},
    )
    inventory_due_at = _moment(_l("Inventories due"))
    feedback_due_at = _moment(_l("Feedback due"))

    def __init__(self, zone: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        moments = (self.starts_at, self.ends_at, self.inventory_due_at, self.feedback_due_at)
        skipped = [f for f in moments if not is_real_wall_time(f.data, self.zone)]
        for field in skipped:
            field.errors.append(
                _l("This time does not exist in %(zone)s: the clocks change.", zone=self.zone)
            )
        return not skipped

    def fill_new(self, cohort: Cohort, now: datetime) -> None:
        """Suggest a session a week from now at the cohort's usual time."""
        day = to_local(now, cohort.timezone).date() + timedelta(days=7)
        starts = to_utc(datetime.combine(day, cohort.rhythm_starts_at), cohort.timezone)
        ends = starts + timedelta(minutes=cohort.rhythm_minutes)
        inventory_due, feedback_due = default_due_times(cohort, starts, ends)
        self._fill_times(starts, ends, inventory_due, feedback_due)

    def fill_from(self, meeting: Meeting) -> None:
        for name in ("title", "place", "online_url", "agenda"):
            getattr(self, name).data = getattr(meeting, name)
        self._fill_times(
            meeting.starts_at, meeting.ends_at, meeting.inventory_due_at, meeting.feedback_due_at
        )

    def _fill_times(self, *moments: datetime) -> None:
        fields = (self.starts_at, self.ends_at, self.inventory_due_at, self.feedback_due_at)
        for field, moment in zip(fields, moments, strict=True):
            field.data = to_local(moment, self.zone)

    def details(self) -> MeetingDetails:
        return MeetingDetails(
            title=self.title.data,
            starts_at=to_utc(self.starts_at.data, self.zone),
            ends_at=to_utc(self.ends_at.data, self.zone),
            place=self.place.data or "",
            online_url=self.online_url.data or "",
            agenda=self.agenda.data or "",
            inventory_due_at=to_utc(self.inventory_due_at.data, self.zone),
            feedback_due_at=to_utc(self.feedback_due_at.data, self.zone),
        )


class RsvpForm(Form):
    """Three submit buttons named "rsvp"; the one pressed is the answer."""

    rsvp = SelectField(
        _l("Will you come?"),
        choices=[SelectChoice(rsvp.value, label) for rsvp, label in RSVP_LABELS.items()],
        validators=[DataRequired()],
    )


class AttendanceForm(Form):
    """Checkboxes for the cohort's active members; only they can be marked present."""

    attended = SelectMultipleField(
        _l("Who attended"),
        coerce=db_int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(self, members: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attended.choices = [SelectChoice(user_id, name) for user_id, name in members]
