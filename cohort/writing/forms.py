"""The organizer's short form setting."""

from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice

from ..feedback.forms import AtMost, MultiCheckboxField
from ..forms import Form
from ..i18n import lazy_gettext as _l
from ..inventories.sections import Section
from .shortform import CORE_SIZE


def short_form_form(sections: list[Section]):
    class ShortFormForm(Form):
        core = MultiCheckboxField(
            _l("Core questions of the short form"),
            choices=[SelectChoice(section.key, section.title) for section in sections],
            validators=[AtMost(CORE_SIZE, _l("Choose up to five core questions."))],
            description=_l(
                "Energy and “What I want feedback on” are always in the short form. "
                "Choose up to five questions besides them."
            ),
        )
        default_short = BooleanField(_l("Members start with the short form"))

    return ShortFormForm
