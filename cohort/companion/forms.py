from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice

from ..forms import Form
from ..i18n import lazy_gettext as _l
from .models import CompanionMode


class PreferenceForm(Form):
    enabled = BooleanField(_l("Show “Ask me a question” beside my answers"))
    use_model = BooleanField(
        _l("Let the language model ask, where my cohort allows it (see below what is sent)")
    )


MODE_LABELS = {
    CompanionMode.OFF: _l("Off: no companion in this cohort"),
    CompanionMode.BUILTIN: _l("Built-in questions only: nothing leaves Cohort"),
    CompanionMode.MODEL: _l("Built-in questions, and the language model for members who opt in"),
}


class CohortCompanionForm(Form):
    mode = RadioField(
        _l("The companion in this cohort"),
        choices=[SelectChoice(mode.value, label) for mode, label in MODE_LABELS.items()],
    )
