"""A member's mentoring in "Download my data": their mentor profile and reflection, their
requests, and each pairing they were part of with what the two kept together. Of the
relationship reviews only their own answers go (the other side's are the other's). A fixed
number of statements, however many pairings."""

from sqlalchemy import or_, select

from ..auth.models import User
from ..cohorts.models import Membership
from ..extensions import db
from .models import (
    GoalComment,
    MentoringRequest,
    MentorProfile,
    NextStep,
    OneToOne,
    Pairing,
    PlanPhase,
    RelationshipReview,
    Side,
)


def _when(value):
    return value.isoformat() if value is not None else None


def _by_pairing(model, ids: list[int], *order) -> dict[int, list]:
    found: dict[int, list] = {}
    for row in db.session.scalars(select(model).where(model.pairing_id.in_(ids)).order_by(*order)):
        found.setdefault(row.pairing_id, []).append(row)
    return found


def mentoring(user: User) -> dict:
    mine = select(Membership.id).where(Membership.user_id == user.id)
    profiles = db.session.scalars(
        select(MentorProfile).where(MentorProfile.membership_id.in_(mine))
    ).all()
    requests = db.session.scalars(
        select(MentoringRequest)
        .where(MentoringRequest.membership_id.in_(mine))
        .order_by(MentoringRequest.created_at)
    ).all()
    pairings = db.session.scalars(
        select(Pairing)
        .where(or_(Pairing.mentor_id.in_(mine), Pairing.mentee_id.in_(mine)))
        .order_by(Pairing.created_at)
    ).all()
    ids = [p.id for p in pairings] or [-1]
    meetings = _by_pairing(OneToOne, ids, OneToOne.held_on)
    steps = _by_pairing(NextStep, ids, NextStep.id)
    phases = _by_pairing(PlanPhase, ids, PlanPhase.first_month)
    comments = _by_pairing(GoalComment, ids, GoalComment.created_at)
    reviews = _by_pairing(RelationshipReview, ids, RelationshipReview.round)
    return {
        "mentor_profiles": [_profile(p) for p in profiles],
        "requests": [
            {
                "cohort": r.membership.cohort.slug,
                "wish": r.wish,
                "goal_ids": r.goal_ids,
                "status": r.status.value,
                "created_at": _when(r.created_at),
            }
            for r in requests
        ],
        "pairings": [
            _pairing(p, user, meetings, steps, phases, comments, reviews) for p in pairings
        ],
    }


def _profile(profile: MentorProfile) -> dict:
    return {
        "cohort": profile.membership.cohort.slug,
        "fields": profile.fields,
        "roles_held": profile.roles_held,
        "years": profile.years,
        "will_do": profile.will_do,
        "will_not_do": profile.will_not_do,
        "capacity": profile.capacity,
        "reflection": profile.reflection,
    }


def _pairing(pairing: Pairing, user: User, meetings, steps, phases, comments, reviews) -> dict:
    side = pairing.side_of(user.id)
    other = pairing.mentee if side == Side.MENTOR else pairing.mentor
    other_name = other.user.display_name if other is not None else "a former member"
    return {
        "cohort": pairing.cohort.slug,
        "as": side.value,
        "with": other_name,
        "status": pairing.status.value,
        "started_on": _when(pairing.started_on),
        "ended_on": _when(pairing.ended_on),
        "agreement": {
            "goals": pairing.goals_text,
            "goal_ids": pairing.goal_ids,
            "meeting_frequency": pairing.meeting_frequency,
            "contact_way": pairing.contact_way,
            "review_months": pairing.review_months,
            "next_meeting_on": _when(pairing.next_meeting_on),
        },
        "goal_comments": [
            {"goal_id": c.goal_id, "comment": c.body, "created_at": _when(c.created_at)}
            for c in comments.get(pairing.id, [])
        ],
        "one_to_ones": [
            {"held_on": _when(m.held_on), "notes": m.notes} for m in meetings.get(pairing.id, [])
        ],
        "next_steps": [
            {
                "text": s.text,
                "owner": s.owner.value,
                "due_on": _when(s.due_on),
                "done_at": _when(s.done_at),
            }
            for s in steps.get(pairing.id, [])
        ],
        "plan": [
            {"phase": p.name, "months": [p.first_month, p.last_month], "tasks": p.task_list}
            for p in phases.get(pairing.id, [])
        ],
        "my_reviews": [
            {
                "round": r.round,
                "helping": r.helping,
                "what_should_change": r.change,
                "decision": r.decision.value,
                "answered_at": _when(r.answered_at),
            }
            for r in reviews.get(pairing.id, [])
            if r.side == side
        ],
        "closing_notes": {"mentor": pairing.mentor_closing, "mentee": pairing.mentee_closing},
    }
