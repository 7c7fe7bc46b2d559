"""The pair's private space: the mentee's goals with the mentor's comments, the log of
one-to-ones with next steps carried forward until done, the plan's phases, the mentee's
shared inventories, and the reviews of the relationship. Only the two read or write it."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import date_filter
from ..i18n import lazy_gettext as _l
from ..inventories.models import Goal, GoalStatus, Inventory, InventoryStatus
from ..permissions import require_pairing
from ..year.review import add_months
from .models import (
    Decision,
    GoalComment,
    NextStep,
    OneToOne,
    Pairing,
    PlanPhase,
    RelationshipReview,
    Side,
)
from .services import NOTE_MAX, _limited, cohort_today

RECENT_INVENTORIES = 6
STEPS_PER_MEETING = 3
REVIEW_OPENS_DAYS = 14


@dataclass
class ReviewState:
    round: int
    due_on: date | None
    mine: RelationshipReview | None  # the other side's answers show only once both answered
    waiting_for_other: bool
    past: list[tuple[RelationshipReview, RelationshipReview]] = field(default_factory=list)

    @property
    def opens_on(self) -> date | None:
        """The first check may be taken any time; later ones open two weeks before their date."""
        if self.round == 1 or self.due_on is None:
            return None
        return self.due_on - timedelta(days=REVIEW_OPENS_DAYS)

    def is_open(self, today: date) -> bool:
        return self.opens_on is None or self.opens_on <= today


@dataclass
class PairPage:
    pairing: Pairing
    side: Side
    goals: list[Goal]
    agreed_goal_ids: set[int]
    comments: dict[int, list[GoalComment]]
    meetings: list[OneToOne]
    steps_by_meeting: dict[int | None, list[NextStep]]
    open_steps: list[NextStep]
    phases: list[PlanPhase]
    inventories: list[Inventory]
    review: ReviewState


def review_due_on(pairing: Pairing, round_number: int) -> date | None:
    if pairing.started_on is None:
        return None
    start = pairing.started_on
    due = add_months(start, pairing.review_months * round_number)
    return due.replace(day=min(start.day, 28))


def review_state(pairing: Pairing, side: Side, reviews: list[RelationshipReview]) -> ReviewState:
    """The round to answer now is the first that not both answered; earlier rounds show both
    sides' answers."""
    by_round: dict[int, dict[Side, RelationshipReview]] = {}
    for review in reviews:
        by_round.setdefault(review.round, {})[review.side] = review
    complete = sorted(r for r, sides in by_round.items() if len(sides) == 2)
    current = max(complete, default=0) + 1
    answers = by_round.get(current, {})
    other = Side.MENTEE if side == Side.MENTOR else Side.MENTOR
    return ReviewState(
        round=current,
        due_on=review_due_on(pairing, current),
        mine=answers.get(side),
        waiting_for_other=side in answers and other not in answers,
        past=[(by_round[r][side], by_round[r][other]) for r in reversed(complete)],
    )


def pair_page(actor: User, pairing: Pairing) -> PairPage:
    require_pairing(actor, pairing, work=False)
    mentee_id = pairing.mentee.user_id
    goals = list(
        db.session.scalars(
            select(Goal)
            .where(
                Goal.user_id == mentee_id,
                (Goal.status == GoalStatus.ACTIVE) | Goal.id.in_(pairing.goal_ids or [-1]),
            )
            .order_by(Goal.created_at, Goal.id)
        )
    )
    comments: dict[int, list[GoalComment]] = {}
    for comment in db.session.scalars(
        select(GoalComment)
        .where(GoalComment.pairing_id == pairing.id)
        .order_by(GoalComment.created_at, GoalComment.id)
    ):
        comments.setdefault(comment.goal_id, []).append(comment)
    meetings = list(
        db.session.scalars(
            select(OneToOne)
            .where(OneToOne.pairing_id == pairing.id)
            .order_by(OneToOne.held_on.desc(), OneToOne.id.desc())
        )
    )
    steps = list(
        db.session.scalars(
            select(NextStep)
            .where(NextStep.pairing_id == pairing.id)
            .order_by(NextStep.due_on.is_(None), NextStep.due_on, NextStep.id)
        )
    )
    by_meeting: dict[int | None, list[NextStep]] = {}
    for step in steps:
        by_meeting.setdefault(step.one_to_one_id, []).append(step)
    phases = list(
        db.session.scalars(
            select(PlanPhase)
            .where(PlanPhase.pairing_id == pairing.id)
            .order_by(PlanPhase.first_month, PlanPhase.id)
        )
    )
    inventories = list(
        db.session.scalars(
            select(Inventory)
            .where(
                Inventory.cohort_id == pairing.cohort_id,
                Inventory.user_id == mentee_id,
                Inventory.status == InventoryStatus.SHARED,
            )
            .order_by(Inventory.shared_at.desc(), Inventory.id.desc())
            .limit(RECENT_INVENTORIES)
        )
    )
    reviews = list(
        db.session.scalars(
            select(RelationshipReview).where(RelationshipReview.pairing_id == pairing.id)
        )
    )
    side = pairing.side_of(actor.id)
    return PairPage(
        pairing=pairing,
        side=side,
        goals=goals,
        agreed_goal_ids=set(pairing.goal_ids or []),
        comments=comments,
        meetings=meetings,
        steps_by_meeting=by_meeting,
        open_steps=[step for step in steps if step.done_at is None],
        phases=phases,
        inventories=inventories,
        review=review_state(pairing, side, reviews),
    )


def comment_on_goal(actor: User, pairing: Pairing, goal_id: int, body: str) -> GoalComment:
    require_pairing(actor, pairing)
    if pairing.side_of(actor.id) != Side.MENTOR:
        raise DomainError(_l("Only the mentor comments on the goals."))
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.user_id != pairing.mentee.user_id:
        raise DomainError(_l("Choose one of the goals on the page."))
    comment = GoalComment(
        pairing_id=pairing.id,
        goal_id=goal.id,
        body=_limited(body, NOTE_MAX, "body", _l("Write the comment first.")),
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def edit_comment(actor: User, pairing: Pairing, comment_id: int, body: str) -> GoalComment:
    """The mentor rewords one of their comments; the date stays the day it was written."""
    require_pairing(actor, pairing)
    if pairing.side_of(actor.id) != Side.MENTOR:
        raise DomainError(_l("Only the mentor comments on the goals."))
    comment = db.session.get(GoalComment, comment_id)
    if comment is None or comment.pairing_id != pairing.id:
        raise DomainError(_l("Choose one of the comments on the page."))
    comment.body = _limited(body, NOTE_MAX, "body", _l("Write the comment first."))
    db.session.flush()
    return comment


@dataclass
class StepInput:
    text: str
    owner: Side
    due_on: date | None = None


def log_one_to_one(
    actor: User,
    pairing: Pairing,
    held_on: date,
    notes: str,
    steps: list[StepInput],
    next_meeting_on: date | None = None,
) -> OneToOne:
    """Log a one-to-one with the next steps agreed at it. Open steps of earlier meetings stay
    open: they are carried forward until someone marks them done."""
    require_pairing(actor, pairing)
    if pairing.started_on and held_on < pairing.started_on:
        raise DomainError(_l("The mentoring started later than that."), "held_on")
    if next_meeting_on is not None and next_meeting_on < held_on:
        raise DomainError(_l("The next one-to-one comes after this one."), "next_meeting_on")
    meeting = OneToOne(
        pairing_id=pairing.id, held_on=held_on, notes=_limited(notes, NOTE_MAX * 2, "notes")
    )
    db.session.add(meeting)
    db.session.flush()
    for step in steps:
        text = _limited(step.text, 300, "steps")
        if text:
            db.session.add(
                NextStep(
                    pairing_id=pairing.id,
                    one_to_one_id=meeting.id,
                    text=text,
                    owner=step.owner,
                    due_on=step.due_on,
                )
            )
    if next_meeting_on is not None:
        pairing.next_meeting_on = next_meeting_on
    elif pairing.next_meeting_on is not None and pairing.next_meeting_on <= held_on:
        pairing.next_meeting_on = None
    db.session.flush()
    return meeting


def set_step_done(actor: User, pairing: Pairing, step_id: int, done: bool) -> None:
    require_pairing(actor, pairing)
    step = db.session.get(NextStep, step_id)
    if step is None or step.pairing_id != pairing.id:
        raise DomainError(_l("Choose one of the next steps on the page."))
    step.done_at = utcnow() if done else None
    db.session.flush()


def _fill_phase(
    phase: PlanPhase, name: str, first_month: int, last_month: int, tasks: str
) -> PlanPhase:
    if not 1 <= first_month <= last_month <= 60:
        raise DomainError(_l("Give the months from the start, 1 to 60, in order."), "last_month")
    phase.name = _limited(name, 120, "name", _l("Name the phase."))
    phase.first_month = first_month
    phase.last_month = last_month
    phase.tasks = _limited(tasks, NOTE_MAX, "tasks")
    return phase


def add_phase(
    actor: User, pairing: Pairing, name: str, first_month: int, last_month: int, tasks: str
) -> PlanPhase:
    require_pairing(actor, pairing)
    phase = _fill_phase(PlanPhase(pairing_id=pairing.id), name, first_month, last_month, tasks)
    db.session.add(phase)
    db.session.flush()
    return phase


def _phase_of(pairing: Pairing, phase_id: int) -> PlanPhase:
    phase = db.session.get(PlanPhase, phase_id)
    if phase is None or phase.pairing_id != pairing.id:
        raise DomainError(_l("Choose one of the phases on the page."))
    return phase


def edit_phase(
    actor: User,
    pairing: Pairing,
    phase_id: int,
    name: str,
    first_month: int,
    last_month: int,
    tasks: str,
) -> PlanPhase:
    """Either side changes a phase of the plan as the mentoring learns what it needs."""
    require_pairing(actor, pairing)
    phase = _fill_phase(_phase_of(pairing, phase_id), name, first_month, last_month, tasks)
    db.session.flush()
    return phase


def remove_phase(actor: User, pairing: Pairing, phase_id: int) -> None:
    require_pairing(actor, pairing)
    db.session.delete(_phase_of(pairing, phase_id))
    db.session.flush()


def answer_review(
    actor: User, pairing: Pairing, helping: int, change: str, decision: Decision
) -> RelationshipReview:
    """One side's answer to the current review round; the other side's answers show only
    once both answered. An answer is final."""
    require_pairing(actor, pairing)
    if not 1 <= helping <= 5:
        raise DomainError(_l("Choose from 1 to 5."), "helping")
    side = pairing.side_of(actor.id)
    reviews = list(
        db.session.scalars(
            select(RelationshipReview).where(RelationshipReview.pairing_id == pairing.id)
        )
    )
    state = review_state(pairing, side, reviews)
    if state.mine is not None:
        raise DomainError(_l("You answered this review already."))
    if not state.is_open(cohort_today(pairing.cohort)):
        raise DomainError(
            _l("The next review opens on %(date)s.", date=date_filter(state.opens_on))
        )
    review = RelationshipReview(
        pairing_id=pairing.id,
        round=state.round,
        side=side,
        helping=helping,
        change=_limited(change, NOTE_MAX, "change"),
        decision=Decision(decision),
    )
    db.session.add(review)
    db.session.flush()
    return review
