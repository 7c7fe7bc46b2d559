"""Mentoring reminders and the mentor's monthly digest, claimed through the ledger so two
schedulers never send one twice.

- ``mentoring_one_to_one``: the day before and the day of the next one-to-one (both sides),
  once per date set in the agreement.
- ``mentoring_steps_due``: next steps due tomorrow or earlier and not done, to their owner,
  once per due date.
- ``mentoring_review_due``: the review round whose date has come, to a side that has not
  answered it, once per round.
- ``mentoring_digest``: on a mentor's first tick of a month (cohort-local), an email of their
  mentees' shared inventories and goal changes of the month before and their open next steps.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from ..cohorts.models import Cohort
from ..database import utcnow
from ..delivery.ledger import Key, claim_in_batches
from ..delivery.notices import Notice, notify_many
from ..delivery.outbox import queue_email
from ..emails import external_url
from ..extensions import db
from ..feedback.services import site_path
from ..inventories.models import Goal, Inventory, InventoryStatus
from ..year.review import add_months
from .models import NextStep, Pairing, PairingStatus, RelationshipReview, Side
from .space import review_due_on


@dataclass
class Due:
    user_id: int
    kind: str
    period_key: str
    pairing: Pairing
    data: dict = field(default_factory=dict)

    @property
    def key(self) -> Key:
        return (self.user_id, self.kind, self.period_key)


def _today(pairing: Pairing, now: datetime) -> date:
    return now.astimezone(ZoneInfo(pairing.cohort.timezone)).date()


def _user_of(pairing: Pairing, side: Side) -> int:
    return (pairing.mentor if side == Side.MENTOR else pairing.mentee).user_id


def _other_name(pairing: Pairing, side: Side) -> str:
    other = pairing.mentee if side == Side.MENTOR else pairing.mentor
    return other.user.display_name


def active_pairings() -> list[Pairing]:
    return list(
        db.session.scalars(
            select(Pairing).where(Pairing.status == PairingStatus.ACTIVE).order_by(Pairing.id)
        )
    )


def due_reminders(now: datetime, pairings: list[Pairing]) -> list[Due]:
    found: list[Due] = []
    ids = [p.id for p in pairings] or [-1]
    horizon = (now + timedelta(days=2)).date()
    steps = db.session.scalars(
        select(NextStep).where(
            NextStep.pairing_id.in_(ids), NextStep.done_at.is_(None), NextStep.due_on <= horizon
        )
    ).all()
    answered = {
        (row.pairing_id, row.round, row.side)
        for row in db.session.execute(
            select(RelationshipReview.pairing_id, RelationshipReview.round, RelationshipReview.side)
            .where(RelationshipReview.pairing_id.in_(ids))
        )
    }  # fmt: skip
    for pairing in pairings:
        today = _today(pairing, now)
        meeting = pairing.next_meeting_on
        for side in Side:
            name = _other_name(pairing, side)
            user_id = _user_of(pairing, side)
            if meeting is not None and today <= meeting <= today + timedelta(days=1):
                found.append(Due(user_id, "mentoring_one_to_one",
                                 f"pairing-{pairing.id}:{meeting.isoformat()}", pairing,
                                 {"name": name}))  # fmt: skip
            mine = [s for s in steps if s.pairing_id == pairing.id and s.owner == side
                    and s.due_on <= today + timedelta(days=1)]  # fmt: skip
            for due_on in sorted({s.due_on for s in mine}):
                count = sum(1 for s in mine if s.due_on == due_on)
                found.append(Due(user_id, "mentoring_steps_due",
                                 f"pairing-{pairing.id}:{due_on.isoformat()}", pairing,
                                 {"name": name, "count": count}))  # fmt: skip
            review_round = _open_round(pairing, answered)
            review_on = review_due_on(pairing, review_round)
            if (
                review_on
                and review_on <= today
                and (pairing.id, review_round, side) not in answered
            ):
                found.append(Due(user_id, "mentoring_review_due",
                                 f"pairing-{pairing.id}:round-{review_round}", pairing,
                                 {"name": name}))  # fmt: skip
    return found


def _open_round(pairing: Pairing, answered: set) -> int:
    done = 0
    while (pairing.id, done + 1, Side.MENTOR) in answered and (
        pairing.id,
        done + 1,
        Side.MENTEE,
    ) in answered:
        done += 1
    return done + 1


def _send(batch: list[Due]) -> None:
    notify_many(
        [
            Notice(
                due.user_id,
                due.kind,
                site_path(
                    "mentoring.pair", slug=due.pairing.cohort.slug, pairing_id=due.pairing.id
                ),
                due.pairing.cohort_id,
                due.data,
            )
            for due in batch
        ]
    )


def send_mentoring_reminders(now: datetime, *, commit: bool = True) -> int:
    """Claim and send what is due now; returns how many were sent (digests included)."""
    pairings = active_pairings()
    sent = claim_in_batches(due_reminders(now, pairings), lambda d: d.key, _send, commit=commit)
    return sent + send_digests(now, pairings, commit=commit)


# The monthly digest ---------------------------------------------------------------------------


@dataclass
class MenteeMonth:
    name: str
    pair_url: str
    inventories: list[str]
    new_goals: list[str]
    closed_goals: list[str]
    open_steps: list[str]


def _month_start(day: date) -> date:
    return day.replace(day=1)


def digest_candidates(now: datetime, pairings: list[Pairing]) -> list[Due]:
    """One digest per mentor and cohort per month, for the month just ended."""
    found: dict[Key, Due] = {}
    for pairing in pairings:
        this_month = _month_start(_today(pairing, now))
        if pairing.started_on is None or pairing.started_on >= this_month:
            continue  # nothing of a month before the mentoring to tell
        month = add_months(this_month, -1)
        period = f"cohort-{pairing.cohort_id}:{month:%Y-%m}"
        due = Due(pairing.mentor.user_id, "mentoring_digest", period, pairing, {"month": month})
        found.setdefault(due.key, due).data.setdefault("pairings", []).append(pairing)
    return list(found.values())


def mentee_month(pairing: Pairing, month: date) -> MenteeMonth:
    zone = ZoneInfo(pairing.cohort.timezone)
    start = datetime.combine(month, time(), zone)
    end = datetime.combine(add_months(month, 1), time(), zone)
    mentee_id = pairing.mentee.user_id
    inventories = db.session.scalars(
        select(Inventory).where(
            Inventory.cohort_id == pairing.cohort_id,
            Inventory.user_id == mentee_id,
            Inventory.status == InventoryStatus.SHARED,
            Inventory.shared_at >= start,
            Inventory.shared_at < end,
        )
    ).all()
    goals = db.session.scalars(
        select(Goal).where(
            Goal.user_id == mentee_id,
            or_(
                (Goal.created_at >= start) & (Goal.created_at < end),
                (Goal.closed_at >= start) & (Goal.closed_at < end),
            ),
        )
    ).all()
    steps = db.session.scalars(
        select(NextStep.text).where(NextStep.pairing_id == pairing.id, NextStep.done_at.is_(None))
    ).all()
    return MenteeMonth(
        name=pairing.mentee.user.display_name,
        pair_url=external_url("mentoring.pair", slug=pairing.cohort.slug, pairing_id=pairing.id),
        inventories=[inventory.meeting.title for inventory in inventories],
        new_goals=[g.title for g in goals if g.created_at >= start and g.created_at < end],
        closed_goals=[g.title for g in goals if g.closed_at and start <= g.closed_at < end],
        open_steps=list(steps),
    )


def _send_digests(batch: list[Due]) -> None:
    for due in batch:
        month = due.data["month"]
        mentees = [mentee_month(p, month) for p in due.data["pairings"]]
        cohort: Cohort = due.pairing.cohort
        queue_email(
            due.pairing.mentor.user,
            "mentoring_digest",
            "mentoring_digest",
            cohort=cohort,
            month=month,
            mentees=mentees,
            mentoring_url=external_url("mentoring.index", slug=cohort.slug),
        )


def send_digests(now: datetime, pairings: list[Pairing], *, commit: bool = True) -> int:
    return claim_in_batches(
        digest_candidates(now, pairings), lambda d: d.key, _send_digests, commit=commit
    )


def mentoring_job() -> None:
    """The scheduler's tick (every 15 minutes); commits batch by batch."""
    send_mentoring_reminders(utcnow())
