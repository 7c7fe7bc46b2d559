"""The quarter review's questions, and the organizer's parts of life and quarter months."""

from datetime import date

from flask_babel import format_date
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Regexp

from ..feedback.forms import MultiCheckboxField
from ..forms import Form
from ..i18n import lazy_gettext as _l
from ..inventories.areas import KEY_LENGTH, LABEL_LENGTH, MAX_AREAS
from ..inventories.forms import TEXT_LIMIT, _version
from .schedule import QUARTER_QUESTIONS


class QuarterFormBase(Form):
    version = HiddenField(default="0", filters=[_version])

    def answers(self) -> dict[str, str]:
        return {key: self[key].data or "" for key, _title, _help in QUARTER_QUESTIONS}


QuarterForm = type(
    "QuarterForm",
    (QuarterFormBase,),
    {
        key: TextAreaField(title, description=help_text, validators=[TEXT_LIMIT])
        for key, title, help_text in QUARTER_QUESTIONS
    },
)


def _month_choices() -> list[tuple[int, str]]:
    return [(month, format_date(date(2026, month, 1), "MMMM")) for month in range(1, 13)]


class PracticeFormBase(Form):
    quarter_months = MultiCheckboxField(
        _l("Months whose session asks for a quarter review"), coerce=int, validate_choice=True
    )

    def setup(self) -> "PracticeFormBase":
        self.quarter_months.choices = _month_choices()
        return self

    def rows(self) -> list[tuple[str, str, str]]:
        """(key, English, Japanese) of each row, blank rows included."""
        return [
            (
                self[f"area_{n}_key"].data or "",
                (self[f"area_{n}_en"].data or "").strip(),
                (self[f"area_{n}_ja"].data or "").strip(),
            )
            for n in range(MAX_AREAS)
        ]


def _area_row(number: int) -> dict:
    return {
        f"area_{number}_key": HiddenField(
            validators=[Length(max=KEY_LENGTH), Regexp(r"^[a-z0-9_]*$")]
        ),
        f"area_{number}_en": StringField(
            _l("Part %(n)d in English", n=number + 1), validators=[Length(max=LABEL_LENGTH)]
        ),
        f"area_{number}_ja": StringField(
            _l("Part %(n)d in Japanese", n=number + 1), validators=[Length(max=LABEL_LENGTH)]
        ),
    }


PracticeForm = type(
    "PracticeForm",
    (PracticeFormBase,),
    {name: field for n in range(MAX_AREAS) for name, field in _area_row(n).items()},
)
