"""The demo's mentoring pair: one per cohort, from content/<locale>/mentoring.toml. The mentor
writes a profile, the mentee asks, the organizer pairs them, the mentor accepts, both write the
agreement, and a few months of one-to-ones, next steps, a plan and a completed review follow,
replayed through the app's own services at their moments."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..cohorts.models import Membership
from ..extensions import db
from ..inventories.models import Goal
from ..mentoring import services, space
from ..mentoring.models import Decision, NextStep, Side
from .content import CONTENT

if TYPE_CHECKING:
    from .builder import Replay


def _story(locale: str) -> dict | None:
    path = CONTENT / locale / "mentoring.toml"
    if not path.exists():
        return None
    with path.open("rb") as file:
        return tomllib.load(file)


def _local(moment: datetime, replay: Replay) -> date:
    return moment.astimezone(ZoneInfo(replay.cohort.timezone)).date()


def play_mentoring(replay: Replay, slots: list[datetime]) -> None:
    story = _story(replay.story.locale)
    if story is None or len(slots) < story["starts_after"]:
        return
    mentor, mentee = replay.users[story["mentor"]], replay.users[story["mentee"]]
    cohort = replay.cohort
    begin = slots[story["starts_after"] - 1] + timedelta(days=1)
    if not replay.happened(begin + timedelta(days=2)):
        return
    with replay.at(begin):
        services.save_profile(
            mentor,
            cohort,
            services.ProfileInput(
                **{k: v for k, v in story["profile"].items() if k != "reflection"}
            ),
        )
        goal_ids = _goal_ids(mentee)
        request = services.create_request(mentee, cohort, story["request"]["wish"], goal_ids)
    with replay.at(begin + timedelta(hours=20)):
        mentor_membership = db.session.scalar(
            select(Membership).where(
                Membership.cohort_id == cohort.id, Membership.user_id == mentor.id
            )
        )
        pairing = services.pair(replay.organizer, cohort, request, mentor_membership.id)
    with replay.at(begin + timedelta(days=1)):
        services.accept_pairing(mentor, pairing)
    agreement = services.AgreementInput(
        goals_text=story["agreement"]["goals"],
        goal_ids=goal_ids,
        meeting_frequency=story["agreement"]["meeting_frequency"],
        contact_way=story["agreement"]["contact_way"],
        review_months=story["review_months"],
    )
    with replay.at(begin + timedelta(days=2)):
        services.update_agreement(mentee, pairing, agreement)
        for phase in story["phases"]:
            space.add_phase(
                mentor,
                pairing,
                phase["name"],
                phase["first"],
                phase["last"],
                "\n".join(phase["tasks"]),
            )
    _one_to_ones(replay, story, pairing, slots, mentor, mentee)
    _comment_and_review(replay, story, pairing, mentor, mentee)
    with replay.at(replay.now):
        services.save_reflection(mentor, cohort, story["profile"]["reflection"])
        if pairing.next_meeting_on is None or pairing.next_meeting_on < _local(replay.now, replay):
            agreement.next_meeting_on = _local(replay.now + timedelta(days=5), replay)
            agreement.goal_ids = list(pairing.goal_ids)
            services.update_agreement(mentor, pairing, agreement)


def _goal_ids(user) -> list[int]:
    return [goal.id for goal in services.own_goals(user.id)][:2]


def _one_to_ones(replay, story, pairing, slots, mentor, mentee) -> None:
    """Each one-to-one the story has reached; the steps it marks done are ticked off at the
    next one."""
    pending: list[str] = []
    for index, entry in enumerate(story["one_to_ones"]):
        if entry["after"] > len(slots):
            continue
        moment = slots[entry["after"] - 1] + timedelta(days=entry["days"])
        if not replay.happened(moment):
            continue
        held_on = _local(moment, replay)
        steps = [
            space.StepInput(s["text"], Side(s["owner"]), held_on + timedelta(days=s["due_days"]))
            for s in entry["steps"]
        ]
        with replay.at(moment):
            _tick_off(pairing, mentee, pending)
            writer = mentor if index % 2 == 0 else mentee
            next_on = held_on + timedelta(days=21)
            space.log_one_to_one(writer, pairing, held_on, entry["notes"], steps, next_on)
        pending = [s["text"] for s in entry["steps"] if s.get("done")]


def _tick_off(pairing, user, texts: list[str]) -> None:
    for text in texts:
        step = db.session.scalar(
            select(NextStep).where(NextStep.pairing_id == pairing.id, NextStep.text == text)
        )
        if step is not None:
            space.set_step_done(user, pairing, step.id, True)


def _midnight(day: date, replay: Replay) -> datetime:
    return datetime.combine(day, datetime.min.time(), ZoneInfo(replay.cohort.timezone))


def _comment_and_review(replay, story, pairing, mentor, mentee) -> None:
    comment = story.get("goal_comment")
    goals = db.session.scalars(
        select(Goal).where(Goal.user_id == mentee.id).order_by(Goal.created_at, Goal.id)
    ).all()
    if comment and len(goals) >= comment["goal"]:
        with replay.at(_midnight(pairing.started_on, replay) + timedelta(days=10)):
            space.comment_on_goal(mentor, pairing, goals[comment["goal"] - 1].id, comment["text"])
    due = space.review_due_on(pairing, 1)
    moment = _midnight(due, replay)
    if not replay.happened(moment + timedelta(days=2)):
        return
    for offset, (user, side) in enumerate([(mentee, "mentee"), (mentor, "mentor")]):
        answer = story["review"][side]
        with replay.at(moment + timedelta(days=offset, hours=12)):
            space.answer_review(
                user, pairing, answer["helping"], answer["change"], Decision(answer["decision"])
            )
