"""Closing a season, and choosing which year to look back on."""

from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from ..forms import Form
from ..i18n import lazy_gettext as _l
from .seasons import MAX_NAME


def strip(value):
    return value.strip() if isinstance(value, str) else value


class SeasonForm(Form):
    name = StringField(
        _l("Season name"),
        validators=[InputRequired(), Length(max=MAX_NAME)],
        filters=[strip],
        description=_l("For example 2026 or Spring 2026."),
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(
        _l("Last day"),
        validators=[InputRequired()],
        description=_l("Sessions between these days, both included, become a read-only archive."),
    )


class YearRangeForm(Form):
    """Read from the page's address: choosing a year changes nothing, so no token."""

    class Meta(Form.Meta):
        csrf = False

    start = StringField(
        _l("Twelve months from"),
        description=_l("Year and month, for example 2026-01."),
        render_kw={"type": "month", "placeholder": "2026-01"},
    )
    season = SelectField(_l("Or a closed season"), choices=[])
