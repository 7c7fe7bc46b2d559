"""Forms of mentoring: the mentor's profile and reflection, a request, pairing, the
agreement, the pair's log, plan and review, and ending."""

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form, db_int
from ..i18n import lazy_gettext as _l
from .models import Decision, Side
from .services import NOTE_MAX, WISH_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(label, limit: int, rows: int = 3, required=None, description=None):
    validators = [DataRequired(required)] if required else []
    validators.append(Length(max=limit, message=_l("Keep it under %(max)d characters.")))
    return TextAreaField(
        label,
        validators=validators,
        filters=[_strip],
        description=description,
        render_kw={"rows": rows},
    )


def _line(label, limit: int, description=None):
    return StringField(
        label,
        validators=[Length(max=limit, message=_l("Keep it under %(max)d characters."))],
        filters=[_strip],
        description=description,
    )


class GoalsField(SelectMultipleField):
    """The member's own goals as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        pass  # the service keeps only the member's own goals


class ProfileForm(Form):
    fields = _line(
        _l("Fields you can help with"), 300, _l("Separate them with commas, e.g. data, product.")
    )
    roles_held = _line(_l("Roles you have held"), 300)
    years = IntegerField(
        _l("Years of experience"), default=0, validators=[InputRequired(), NumberRange(0, 80)]
    )
    will_do = _line(_l("What you will do"), 500, _l("E.g. CV reviews, mock interviews."))
    will_not_do = _line(_l("What you will not do"), 500, _l("E.g. job referrals."))
    capacity = IntegerField(
        _l("How many mentees you can take"),
        default=2,
        validators=[InputRequired(), NumberRange(0, 20)],
    )


class ReflectionForm(Form):
    reflection = _text(
        _l("Your reflection"),
        NOTE_MAX,
        rows=5,
        description=_l("What mentoring teaches you. Only you read it."),
    )


class RequestForm(Form):
    wish = _text(
        _l("What would you like help with?"),
        WISH_MAX,
        rows=4,
        required=_l("Say what you would like help with."),
        description=_l("E.g. I want to move into data analysis within a year."),
    )
    goals = GoalsField(_l("Your goals it is about"), coerce=db_int, validate_choice=False)


class SettingsForm(Form):
    mentors_accept_directly = BooleanField(_l("Mentors may take open requests themselves"))


class PairForm(Form):
    mentor_id = IntegerField(validators=[InputRequired()])


class IdForm(Form):
    """A button about one row of the page (a next step, a phase)."""

    item_id = IntegerField(validators=[InputRequired()])
    done = BooleanField()


class AgreementForm(Form):
    goals_text = _text(_l("Goals of the mentoring"), NOTE_MAX, rows=4)
    goals = GoalsField(_l("Linked to these goals"), coerce=db_int, validate_choice=False)
    meeting_frequency = _line(
        _l("How often you meet"), 120, _l("E.g. every two weeks, 45 minutes.")
    )
    contact_way = _line(_l("How you contact each other"), 120, _l("E.g. chat, video call."))
    review_months = IntegerField(
        _l("Review the mentoring every … months"),
        default=3,
        validators=[InputRequired(), NumberRange(1, 12)],
    )
    next_meeting_on = DateField(_l("Next one-to-one"), validators=[Optional()])


SIDE_CHOICES = [
    SelectChoice(Side.MENTEE.value, _l("Mentee")),
    SelectChoice(Side.MENTOR.value, _l("Mentor")),
]


class CommentForm(Form):
    goal_id = IntegerField(validators=[InputRequired()])
    body = _text(_l("Your comment"), NOTE_MAX, rows=2, required=_l("Write the comment first."))


class CommentEditForm(Form):
    item_id = IntegerField(validators=[InputRequired()])
    body = _text(_l("Your comment"), NOTE_MAX, rows=2, required=_l("Write the comment first."))


class OneToOneForm(Form):
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    notes = _text(_l("Notes"), NOTE_MAX * 2, rows=5)
    next_meeting_on = DateField(_l("Next one-to-one"), validators=[Optional()])
    step_1 = _line(_l("Next step"), 300)
    owner_1 = SelectField(_l("Who"), choices=SIDE_CHOICES)
    due_1 = DateField(_l("Due"), validators=[Optional()])
    step_2 = _line(_l("Next step"), 300)
    owner_2 = SelectField(_l("Who"), choices=SIDE_CHOICES)
    due_2 = DateField(_l("Due"), validators=[Optional()])
    step_3 = _line(_l("Next step"), 300)
    owner_3 = SelectField(_l("Who"), choices=SIDE_CHOICES)
    due_3 = DateField(_l("Due"), validators=[Optional()])


class PhaseForm(Form):
    name = _line(_l("Phase"), 120, _l("E.g. Learn, Build evidence, Apply."))
    first_month = IntegerField(
        _l("From month"), default=1, validators=[InputRequired(), NumberRange(1, 60)]
    )
    last_month = IntegerField(
        _l("To month"), default=3, validators=[InputRequired(), NumberRange(1, 60)]
    )
    tasks = _text(_l("Tasks, one a line"), NOTE_MAX, rows=3)


class ReviewForm(Form):
    helping = RadioField(
        _l("Is the mentoring helping? (1 = not at all, 5 = very much)"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validators=[InputRequired(_l("Choose from 1 to 5."))],
    )
    change = _text(_l("What should change?"), NOTE_MAX, rows=3)
    decision = RadioField(
        _l("How should it go on?"),
        choices=[
            SelectChoice(Decision.CONTINUE.value, _l("Continue as we are")),
            SelectChoice(Decision.CHANGE_FOCUS.value, _l("Change the focus")),
            SelectChoice(Decision.END.value, _l("End the mentoring")),
        ],
        validators=[InputRequired(_l("Choose how it should go on."))],
    )


class ClosingForm(Form):
    closing = _text(
        _l("Your closing note"),
        NOTE_MAX,
        rows=4,
        description=_l("What you take with you, and a word of thanks. Both of you read it."),
    )


class PhaseEditForm(PhaseForm):
    item_id = IntegerField(validators=[InputRequired()])
