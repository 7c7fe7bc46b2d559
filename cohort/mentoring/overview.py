"""What the cohort's pages show about mentoring without opening any pair's space: the
organizers' list of pairings (that each exists, its review dates, whether a review asked to
change or end) and each person's own pairings."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from ..cohorts.models import Cohort, Membership
from ..extensions import db
from .models import Decision, Pairing, PairingStatus, RelationshipReview
from .space import review_due_on


@dataclass
class PairingSummary:
    pairing: Pairing
    reviews_done: int  # rounds both sides answered
    next_review_on: date | None
    asked_change: bool
    asked_end: bool


def pairing_summaries(cohort: Cohort) -> list[PairingSummary]:
    """Every pairing of the cohort but refused ones, with what organizers may know (two
    queries: the review rows are read as (pairing, round, decision) only)."""
    pairings = list(
        db.session.scalars(
            select(Pairing)
            .where(Pairing.cohort_id == cohort.id, Pairing.status != PairingStatus.DECLINED)
            .order_by(Pairing.status, Pairing.created_at.desc(), Pairing.id.desc())
        )
    )
    ids = [p.id for p in pairings] or [-1]
    rows = db.session.execute(
        select(
            RelationshipReview.pairing_id, RelationshipReview.round, RelationshipReview.decision
        ).where(RelationshipReview.pairing_id.in_(ids))
    ).all()
    return [_summary(pairing, [row for row in rows if row.pairing_id == pairing.id])
            for pairing in pairings]  # fmt: skip


def _summary(pairing: Pairing, rows) -> PairingSummary:
    rounds: dict[int, list[Decision]] = {}
    for row in rows:
        rounds.setdefault(row.round, []).append(row.decision)
    done = [r for r, decisions in rounds.items() if len(decisions) == 2]
    decisions = [d for r in done for d in rounds[r]]
    active = pairing.status == PairingStatus.ACTIVE
    return PairingSummary(
        pairing=pairing,
        reviews_done=len(done),
        next_review_on=review_due_on(pairing, max(done, default=0) + 1) if active else None,
        asked_change=Decision.CHANGE_FOCUS in decisions,
        asked_end=Decision.END in decisions,
    )


def pairings_of(membership: Membership) -> list[Pairing]:
    """The person's own pairings in the cohort, as mentor or mentee, newest first."""
    return list(
        db.session.scalars(
            select(Pairing)
            .where(or_(Pairing.mentor_id == membership.id, Pairing.mentee_id == membership.id))
            .order_by(Pairing.created_at.desc(), Pairing.id.desc())
        )
    )
