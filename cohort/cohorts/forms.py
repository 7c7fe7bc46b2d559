from babel.dates import get_day_names
from flask_babel import get_locale
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from ..auth.forms import strip
from ..forms import Form, db_int, language_field, timezone_field
from ..i18n import lazy_gettext as _l
from ..labels import ROLE_LABELS
from .models import RhythmKind, Role
from .slugs import MAX_LENGTH as SLUG_MAX_LENGTH
from .slugs import slug_problem

WEEK_CHOICES = [
    (1, _l("1st")),
    (2, _l("2nd")),
    (3, _l("3rd")),
    (4, _l("4th")),
    (-1, _l("last")),
]


def lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def valid_slug(form, field) -> None:
    problem = slug_problem(field.data) if field.data else None
    if problem:
        raise ValidationError(problem)


class CohortForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=[strip])
    slug = StringField(
        _l("Web address"),
        validators=[Optional(), Length(max=SLUG_MAX_LENGTH), valid_slug],
        filters=[strip, lower],
        description=_l(
            "The end of the cohort's address, /c/…/: 3–40 lowercase letters a–z, digits and "
            "hyphens. Links to the old address keep working after a change."
        ),
        render_kw={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"},
    )
    description = StringField(
        _l("Short description"),
        validators=[Length(max=500)],
        description=_l("One or two lines: who you are and what brings you together."),
    )
    guide = TextAreaField(
        _l("Guide"),
        validators=[Length(max=20000)],
        description=_l(
            "How this cohort reflects together: the page new members read first. Markdown works."
        ),
        render_kw={"rows": 14},
    )
    locale = language_field(_l("Cohort language"))
    timezone = timezone_field(_l("Cohort time zone"))
    rhythm_kind = RadioField(
        _l("Sessions"),
        choices=[
            SelectChoice(
                RhythmKind.MONTHLY_WEEKDAY.value, _l("Every month, on a set week and weekday")
            ),
            SelectChoice(RhythmKind.MANUAL.value, _l("Scheduled by hand")),
        ],
        default=RhythmKind.MONTHLY_WEEKDAY.value,
    )
    rhythm_week = SelectField(_l("Week of the month"), coerce=db_int, default=2)
    rhythm_weekday = SelectField(_l("Day"), coerce=db_int, default=5)
    rhythm_starts_at = TimeField(_l("Starts at"), default=None)
    rhythm_minutes = IntegerField(
        _l("Length in minutes"), validators=[NumberRange(15, 720)], default=120
    )
    inventory_due_days = IntegerField(
        _l("Inventories due (days before the session)"),
        validators=[NumberRange(0, 28)],
        default=2,
    )
    feedback_due_days = IntegerField(
        _l("Feedback due (days after the session)"),
        validators=[NumberRange(0, 28)],
        default=7,
    )
    first_reminder_days = IntegerField(
        _l("First inventory reminder (days before it is due)"),
        validators=[NumberRange(1, 28)],
        default=7,
    )
    last_reminder_days = IntegerField(
        _l("Last inventory reminder (days before it is due)"),
        validators=[NumberRange(1, 28)],
        default=1,
    )
    feedback_reviewers = IntegerField(
        _l("Reviewers per inventory"),
        validators=[NumberRange(1, 5)],
        default=2,
        description=_l("How many peers the rotation asks to give feedback on each inventory."),
    )
    keep_start_stop = BooleanField(
        _l("Ask for Keep / Start / Stop in feedback"),
        default=False,
        description=_l("Adds three optional boxes to the feedback form."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rhythm_week.choices = [SelectChoice(value, label) for value, label in WEEK_CHOICES]
        day_names = get_day_names("wide", locale=get_locale())
        self.rhythm_weekday.choices = [SelectChoice(day, day_names[day]) for day in range(7)]


def role_choices(include_organizer: bool) -> list[SelectChoice]:
    roles = [Role.MEMBER, Role.MENTOR] + ([Role.ORGANIZER] if include_organizer else [])
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in roles]


class InvitationLinkForm(Form):
    max_uses = IntegerField(
        _l("How many people can join with it"), validators=[NumberRange(1, 100)], default=30
    )
    valid_days = IntegerField(_l("Valid for (days)"), validators=[NumberRange(1, 90)], default=14)
    role = SelectField(_l("Joins as"), choices=role_choices(False), default=Role.MEMBER.value)


class EmailInvitationForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[strip],
    )
    valid_days = IntegerField(_l("Valid for (days)"), validators=[NumberRange(1, 90)], default=14)
    role = SelectField(_l("Joins as"), choices=role_choices(False), default=Role.MEMBER.value)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=role_choices(True))


class ConfirmForm(Form):
    """A button that changes something: only the CSRF token travels."""
