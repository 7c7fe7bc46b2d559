"""Form pieces shared by every feature."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from .errors import DomainError
from .i18n import LANGUAGE_NAMES, timezone_names


def language_field(label=None) -> SelectField:
    return SelectField(
        label or _l("Language"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGE_NAMES.items()
        ],
    )


def timezone_field(label=None, detect_from_browser: bool = False) -> SelectField:
    """A time zone picker; ``detect_from_browser`` lets app.js preselect the browser's zone."""
    return SelectField(
        label or _l("Time zone"),
        choices=[SelectChoice(name) for name in timezone_names()],
        default="UTC",
        description=_l("Times are shown in this zone."),
        render_kw={"data-detect-timezone": "1"} if detect_from_browser else None,
    )


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Attach a service's refusal to the field it concerns, or to the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
