"""The feedback form, the recipient's reply, the organizer's assignment forms, and the trait
picker that the inventory form borrows for its CAN section."""

from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form, db_int
from ..i18n import lazy_gettext as _l
from .traits import MAX_FEEDBACK_TRAITS, MAX_SELF_TRAITS, trait_choices

PART_LIMIT = 5000


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; templates render each option with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AtMost:
    """At most ``count`` options may be ticked."""

    def __init__(self, count: int, message):
        self.count = count
        self.message = message

    def __call__(self, form, field):
        if len(field.data or []) > self.count:
            raise ValidationError(str(self.message))


def self_traits_field() -> MultiCheckboxField:
    """The inventory's picker for the traits a member sees in themselves."""
    return MultiCheckboxField(
        _l("Traits you see in yourself"),
        choices=trait_choices(),
        validators=[AtMost(MAX_SELF_TRAITS, _l("Pick up to five traits."))],
        description=_l(
            "Pick up to five. Peers pick traits in their feedback too; your blind-spot map on "
            "your member page sets the two side by side."
        ),
    )


def _part(label, example, rows: int = 3) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=PART_LIMIT)],
        description=example,
        render_kw={"rows": rows},
    )


class FeedbackForm(Form):
    # Each part's description is one short example of good feedback, shown under its label.
    ask_answer = _part(
        _l("Your answer to what they asked"),
        _l(
            "Example: “You asked how to show impact without numbers. In your workshop story, "
            "the client's own words did exactly that: lead with them.”"
        ),
        rows=4,
    )
    situation = _part(
        _l("Situation: when did you see this strength?"),
        _l("Example: “In last month's client workshop, when the schedule fell apart…”"),
        rows=2,
    )
    behaviour = _part(
        _l("Behaviour: what did they do?"),
        _l("Example: “…you calmly re-ordered the agenda and let the group choose…”"),
        rows=2,
    )
    impact = _part(
        _l("Impact: what did it lead to?"),
        _l("Example: “…so everyone left with a decision, and the client booked again.”"),
        rows=2,
    )
    keep = _part(_l("Keep"), _l("Example: “Keep writing down one lesson every Friday.”"), 2)
    start = _part(_l("Start"), _l("Example: “Start sharing drafts a day earlier.”"), 2)
    stop = _part(_l("Stop"), _l("Example: “Stop apologising before you present.”"), 2)
    traits = MultiCheckboxField(
        _l("Traits you saw in them"),
        choices=trait_choices(),
        validators=[AtMost(MAX_FEEDBACK_TRAITS, _l("Pick one to three traits."))],
        description=_l("Pick one to three that showed in what they wrote or did."),
    )
    question = _part(
        _l("One question to think with"),
        _l("Example: “What would change if you treated that workshop as your portfolio?”"),
        rows=2,
    )


class ReplyForm(Form):
    reply = TextAreaField(
        _l("Your reply"),
        validators=[Length(max=2000)],
        description=_l("One reply per piece: a thank-you, or what you will do with it."),
        render_kw={"rows": 2},
    )


class ToggleForm(Form):
    """A button that switches something on or off: ``value`` is "1" or "0"."""

    value = HiddenField(default="1")

    @property
    def is_on(self) -> bool:
        return self.value.data == "1"


class GenerateForm(Form):
    include_mentors = BooleanField(_l("Ask mentors to give feedback too"), default=True)


class AddAssignmentForm(Form):
    giver_id = SelectField(_l("Add a reviewer"), coerce=db_int, validate_choice=False)
