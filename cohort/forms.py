"""Form pieces shared by every feature, and ``Form``, the base of every form."""

import unicodedata
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from .errors import DomainError
from .i18n import LANGUAGE_NAMES
from .i18n import lazy_gettext as _l
from .inputs import MAX_DB_INTEGER, MIN_DB_INTEGER
from .timezones import TimezoneField

# Dates outside these years are typing slips or forged requests. The margin below Python's
# year 9999 keeps time-zone shifts and due-date arithmetic from overflowing.
FIRST_YEAR = 1900
LAST_YEAR = 2999


def db_int(value) -> int:
    """``int`` for a select's ``coerce``: values the database cannot hold are no choice."""
    number = int(value)
    if not MIN_DB_INTEGER <= number <= MAX_DB_INTEGER:
        raise ValueError("out of the database's integer range")
    return number


def optional_db_int(value) -> int | None:
    return db_int(value) if value not in (None, "") else None


def single_line(form, field) -> None:
    """No line breaks, tabs or other control characters: single-line values end up in
    email subjects and headers, where a line break would start a header of its own."""
    if isinstance(field.data, str) and any(
        unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in field.data
    ):
        raise ValidationError(_l("Use a single line, without tabs or control characters."))


def within_database_range(form, field) -> None:
    if isinstance(field.data, int) and not MIN_DB_INTEGER <= field.data <= MAX_DB_INTEGER:
        raise StopValidation(_l("This number is out of range."))


def within_sensible_years(form, field) -> None:
    value = field.data
    if isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise StopValidation(
            _l(
                "Enter a date between the years %(first)d and %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )


def shared_validators(field_class: type) -> tuple[list, list]:
    """The validators every field of this kind gets: (run first, run last)."""
    if issubclass(field_class, IntegerField):
        return [within_database_range], []
    if issubclass(field_class, DateField | DateTimeField):  # TimeField's data is no date
        return [within_sensible_years], []
    if issubclass(field_class, StringField) and not issubclass(
        field_class, TextAreaField | PasswordField
    ):
        return [], [single_line]
    return [], []


class Form(FlaskForm):
    """The base of every form: each field gets the checks its kind needs before its value
    may reach the database or an email header (see ``shared_validators``), so no form can
    forget them. Characters no field may hold are already gone (see ``cohort.inputs``)."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            first, last = shared_validators(unbound_field.field_class)
            if first or last:
                unbound_field = _with_validators(unbound_field, first, last)
            return super().bind_field(form, unbound_field, options)


def _with_validators(unbound: UnboundField, first: list, last: list) -> UnboundField:
    args, kwargs = unbound.args, dict(unbound.kwargs)
    if len(args) > 1:  # validators given by position, after the label
        args = (args[0], [*first, *(args[1] or ()), *last], *args[2:])
    else:
        kwargs["validators"] = [*first, *(kwargs.get("validators") or ()), *last]
    bound = UnboundField(unbound.field_class, *args, name=unbound.name, **kwargs)
    bound.creation_counter = unbound.creation_counter
    return bound


def language_field(label=None) -> SelectField:
    return SelectField(
        label or _l("Language"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGE_NAMES.items()
        ],
    )


def timezone_field(label=None, detect_from_browser: bool = False) -> TimezoneField:
    """A time zone picker; ``detect_from_browser`` lets app.js preselect the browser's zone
    while the field still holds the default."""
    render_kw = {
        "data-timezone-picker": "1",
        "data-search-label": _l("Search by city or country"),
        "data-search-placeholder": _l("City, country or UTC+9"),
        "data-search-one": _l("One time zone matches."),
        "data-search-count": _l("{count} time zones match."),
        "data-search-none": _l("No time zone matches. The current choice is kept."),
    }
    if detect_from_browser:
        render_kw["data-detect-timezone"] = "1"
    return TimezoneField(
        label or _l("Time zone"),
        default="UTC",
        description=_l("Times are shown in this zone."),
        render_kw=render_kw,
        invalid_choice_message=_l("Choose a time zone from the list."),
    )


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Attach a service's refusal to the field it concerns, or to the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
