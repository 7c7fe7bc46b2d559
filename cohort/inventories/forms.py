"""The inventory form is built from the cohort's template, the member's open tasks and
active goals; the organizer forms edit the template and the prompt bank."""

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from ..feedback.forms import self_traits_field
from ..forms import Form, db_int, optional_db_int
from ..i18n import lazy_gettext as _l
from .areas import SPLIT_MAX, LifeArea
from .goals import NewGoal
from .models import RATING_AREAS, Goal, GoalStatus, Task, TaskOutcome
from .sections import AREA_LABELS, Kind, Section
from .services import InventoryInput

TEXT_LIMIT = Length(max=20000)


def _version(value) -> int:
    """The version the form was based on; anything else counts as none (a conflict)."""
    try:
        return db_int(value)
    except (TypeError, ValueError):
        return 0


def rating_field(label) -> RadioField:
    return RadioField(
        label,
        choices=[SelectChoice(n, str(n)) for n in range(1, 6)],
        coerce=optional_db_int,
        validators=[Optional(), NumberRange(1, 5)],
        validate_choice=False,
    )


OUTCOME_LABELS = {
    TaskOutcome.DONE: _l("Done"),
    TaskOutcome.CARRIED: _l("Carry over"),
    TaskOutcome.DROPPED: _l("Drop"),
}
GOAL_STATUS_LABELS = {
    GoalStatus.ACTIVE: _l("Active"),
    GoalStatus.ACHIEVED: _l("Achieved"),
    GoalStatus.DROPPED: _l("Dropped"),
}


class InventoryFormBase(Form):
    version = HiddenField(default="0", filters=[_version])

    def to_input(self) -> InventoryInput:
        """The typed values as a service input (only fields this form has)."""
        data = InventoryInput()
        for name, field in self._fields.items():
            if name.startswith("answer_"):
                data.answers[name.removeprefix("answer_")] = field.data or ""
            elif name == "energy":
                data.energy = field.data
            elif name == "self_traits":
                data.self_traits = list(field.data or [])
            elif name.startswith("rating_"):
                data.ratings[name.removeprefix("rating_")] = field.data
            elif name.startswith("task_") and field.data:
                data.task_outcomes[int(name.removeprefix("task_"))] = TaskOutcome(field.data)
        for goal_id in getattr(self, "goal_ids", ()):
            data.goal_progress[goal_id] = (
                self[f"goal_{goal_id}_percent"].data or 0,
                self[f"goal_{goal_id}_note"].data or "",
                self[f"goal_{goal_id}_status"].data,
            )
            if f"goal_{goal_id}_area" in self:
                data.goal_areas[goal_id] = self[f"goal_{goal_id}_area"].data or None
        if "new_goal_title" in self and (self.new_goal_title.data or "").strip():
            data.new_goals.append(
                NewGoal(
                    self.new_goal_title.data,
                    self.new_goal_why.data or "",
                    self.new_goal_target.data,
                    self.new_goal_area.data or None if "new_goal_area" in self else None,
                )
            )
        if "new_tasks" in self:
            data.new_tasks = [line for line in (self.new_tasks.data or "").splitlines() if line]
            data.new_tasks_goal_id = self.new_tasks_goal.data
            if "new_tasks_area" in self:
                data.new_tasks_area = self.new_tasks_area.data or None
        split_keys = getattr(self, "split_keys", ())
        if split_keys:
            data.life_split = {
                key: self[f"split_{key}"].data
                for key in split_keys
                if self[f"split_{key}"].data is not None
            }
        return data


def area_field(label, areas: list[LifeArea]) -> SelectField:
    """A part of life to tag a goal or tasks with; the cohort's list, or none."""
    return SelectField(
        label,
        choices=[
            SelectChoice("", _l("No part of life")),
            *(SelectChoice(area.key, area.label) for area in areas),
        ],
        validators=[Optional()],
    )


def _area_fields(sections: list[Section], goals: list[Goal], areas: list[LifeArea]) -> dict:
    """The tags on goals and new tasks, and the month's split of time and energy."""
    if not areas:
        return {}
    kinds = {section.kind for section in sections if not section.hidden}
    fields: dict = {}
    if Kind.GOALS in kinds:
        for goal in goals:
            fields[f"goal_{goal.id}_area"] = area_field(_l("Part of life"), areas)
        fields["new_goal_area"] = area_field(_l("Part of life"), areas)
    if Kind.TASKS in kinds:
        fields["new_tasks_area"] = area_field(_l("Part of life of these tasks"), areas)
    if Kind.ENERGY in kinds:
        for area in areas:
            fields[f"split_{area.key}"] = SelectField(
                area.label,
                choices=[SelectChoice("", "—")]
                + [SelectChoice(n, str(n)) for n in range(SPLIT_MAX + 1)],
                coerce=optional_db_int,
                validators=[Optional(), NumberRange(0, SPLIT_MAX)],
                validate_choice=False,
            )
    return fields


def build_inventory_form(
    sections: list[Section], tasks: list[Task], goals: list[Goal], areas: list[LifeArea] = ()
):
    """A form class with the fields of the visible sections (and, given the cohort's parts of
    life, their tags and the month's split)."""
    fields: dict = _area_fields(sections, goals, list(areas))
    for section in sections:
        if section.hidden:
            continue
        # The section shows its own help text above the field.
        fields[f"answer_{section.key}"] = TextAreaField(section.title, validators=[TEXT_LIMIT])
        if section.key == "can_must":
            fields["self_traits"] = self_traits_field()
        if section.kind == Kind.ENERGY:
            fields["energy"] = rating_field(_l("Energy (1 = drained, 5 = full of energy)"))
        elif section.kind == Kind.STATE:
            for area in RATING_AREAS:
                fields[f"rating_{area}"] = rating_field(AREA_LABELS[area])
                fields[f"answer_state_{area}"] = StringField(
                    _l("Note on %(area)s", area=AREA_LABELS[area]), validators=[Length(max=500)]
                )
        elif section.kind == Kind.TASKS:
            for task in tasks:
                fields[f"task_{task.id}"] = RadioField(
                    task.title,
                    choices=[SelectChoice(o.value, label) for o, label in OUTCOME_LABELS.items()],
                    validators=[Optional()],
                )
            fields["new_tasks"] = TextAreaField(
                _l("Tasks for next month"),
                description=_l("One per line."),
                validators=[Length(max=5000)],
            )
            fields["new_tasks_goal"] = SelectField(
                _l("Goal these tasks serve"),
                choices=[
                    SelectChoice("", _l("No particular goal")),
                    *(SelectChoice(str(goal.id), goal.title) for goal in goals),
                ],
                coerce=optional_db_int,
                validate_choice=False,
            )
        elif section.kind == Kind.GOALS:
            for goal in goals:
                fields[f"goal_{goal.id}_percent"] = IntegerField(
                    _l("Progress on “%(goal)s” (%%)", goal=goal.title),
                    validators=[Optional(), NumberRange(0, 100)],
                )
                fields[f"goal_{goal.id}_note"] = StringField(
                    _l("Note"), validators=[Length(max=1000)]
                )
                fields[f"goal_{goal.id}_status"] = SelectField(
                    _l("Status"),
                    choices=[
                        SelectChoice(s.value, label) for s, label in GOAL_STATUS_LABELS.items()
                    ],
                    default=GoalStatus.ACTIVE.value,
                )
            fields["new_goal_title"] = StringField(_l("A new goal"), validators=[Length(max=200)])
            fields["new_goal_why"] = TextAreaField(
                _l("Why it matters to you"), validators=[Length(max=2000)]
            )
            fields["new_goal_target"] = DateField(_l("Target date"), validators=[Optional()])
    form_class = type("InventoryForm", (InventoryFormBase,), fields)
    form_class.goal_ids = tuple(goal.id for goal in goals)
    form_class.split_keys = tuple(area.key for area in areas if f"split_{area.key}" in fields)
    return form_class


def fill_area_fields(form, context: dict) -> None:
    """The goals' tags and the month's split as saved (a new month's split starts empty)."""
    for goal in context["goals"]:
        if f"goal_{goal.id}_area" in form:
            form[f"goal_{goal.id}_area"].data = goal.area or ""
    split = (context["inventory"].life_split if context["inventory"] else None) or {}
    for key in getattr(form, "split_keys", ()):
        form[f"split_{key}"].data = split.get(key)
