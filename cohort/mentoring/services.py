"""Use cases of mentoring in a cohort: profiles, requests, suggested matches, pairing,
accepting and refusing, the agreement, and ending. The caller commits.

Who may do what is asked of ``cohort.permissions`` (the mentoring section); a refusal the
person can understand is a ``DomainError``."""

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..database import utcnow
from ..delivery.notices import Notice, notify, notify_many
from ..errors import DomainError
from ..extensions import db
from ..feedback.services import site_path
from ..i18n import lazy_gettext as _l
from ..inventories.models import Goal, GoalStatus
from ..permissions import (
    Action,
    active_membership,
    can_read_pairing,
    can_work_in_pairing,
    require,
    require_pairing,
)
from .models import (
    MentoringRequest,
    MentoringSettings,
    MentorProfile,
    Pairing,
    PairingStatus,
    RequestStatus,
    Side,
)

WISH_MAX = 1000
NOTE_MAX = 2000
TAKING = (PairingStatus.PROPOSED, PairingStatus.ACTIVE)  # pairings that use a mentor's place


def cohort_today(cohort: Cohort) -> date:
    return utcnow().astimezone(ZoneInfo(cohort.timezone)).date()


def _limited(text: str, limit: int, field: str, empty: str | None = None) -> str:
    text = (text or "").strip()
    if empty is not None and not text:
        raise DomainError(empty, field)
    if len(text) > limit:
        raise DomainError(_l("Keep it under %(num)d characters.", num=limit), field)
    return text


# Settings ------------------------------------------------------------------------------------


def direct_accept(cohort: Cohort) -> bool:
    row = db.session.get(MentoringSettings, cohort.id)
    return bool(row and row.mentors_accept_directly)


def set_direct_accept(actor: User, cohort: Cohort, allowed: bool) -> None:
    require(actor, Action.MANAGE, cohort)
    row = db.session.get(MentoringSettings, cohort.id)
    if row is None:
        row = MentoringSettings(cohort_id=cohort.id)
        db.session.add(row)
    row.mentors_accept_directly = allowed
    db.session.flush()


# Profiles -------------------------------------------------------------------------------------


def _mentor_membership(actor: User, cohort: Cohort) -> Membership:
    require(actor, Action.PARTICIPATE, cohort)
    membership = active_membership(actor, cohort)
    if membership.role != Role.MENTOR:
        raise DomainError(_l("Only the cohort's mentors keep a mentor profile."))
    return membership


def profile_of(membership: Membership) -> MentorProfile | None:
    return db.session.scalar(
        select(MentorProfile).where(MentorProfile.membership_id == membership.id)
    )


@dataclass
class ProfileInput:
    fields: str = ""
    roles_held: str = ""
    years: int = 0
    will_do: str = ""
    will_not_do: str = ""
    capacity: int = 2


def save_profile(actor: User, cohort: Cohort, data: ProfileInput) -> MentorProfile:
    membership = _mentor_membership(actor, cohort)
    if not 0 <= data.years <= 80 or not 0 <= data.capacity <= 20:
        raise DomainError(_l("This number is out of range."))
    profile = profile_of(membership)
    if profile is None:
        profile = MentorProfile(cohort_id=cohort.id, membership_id=membership.id)
        db.session.add(profile)
    profile.fields = _limited(data.fields, 300, "fields")
    profile.roles_held = _limited(data.roles_held, 300, "roles_held")
    profile.will_do = _limited(data.will_do, 500, "will_do")
    profile.will_not_do = _limited(data.will_not_do, 500, "will_not_do")
    profile.years = data.years
    profile.capacity = data.capacity
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def save_reflection(actor: User, cohort: Cohort, text: str) -> None:
    """The mentor's own notes on what mentoring taught them; nobody else reads them."""
    membership = _mentor_membership(actor, cohort)
    profile = profile_of(membership)
    if profile is None:
        profile = MentorProfile(cohort_id=cohort.id, membership_id=membership.id)
        db.session.add(profile)
    profile.reflection = _limited(text, NOTE_MAX, "reflection")
    db.session.flush()


# Requests -------------------------------------------------------------------------------------


def own_goals(user_id: int) -> list[Goal]:
    return list(
        db.session.scalars(
            select(Goal)
            .where(Goal.user_id == user_id, Goal.status == GoalStatus.ACTIVE)
            .order_by(Goal.created_at, Goal.id)
        )
    )


def _own_goal_ids(user_id: int, goal_ids: list[int]) -> list[int]:
    mine = {goal.id for goal in own_goals(user_id)}
    return [goal_id for goal_id in dict.fromkeys(goal_ids) if goal_id in mine]


def open_request_of(membership: Membership) -> MentoringRequest | None:
    return db.session.scalar(
        select(MentoringRequest).where(
            MentoringRequest.membership_id == membership.id,
            MentoringRequest.status == RequestStatus.OPEN,
        )
    )


def taking_pairing_of(membership: Membership) -> Pairing | None:
    """The member's pairing as mentee that is active or waiting for its mentor."""
    return db.session.scalar(
        select(Pairing).where(Pairing.mentee_id == membership.id, Pairing.status.in_(TAKING))
    )


def create_request(actor: User, cohort: Cohort, wish: str, goal_ids: list[int]) -> MentoringRequest:
    require(actor, Action.PARTICIPATE, cohort)
    membership = active_membership(actor, cohort)
    if membership.role != Role.MEMBER:
        raise DomainError(_l("Members ask for a mentor; organizers pair them."))
    if open_request_of(membership) is not None:
        raise DomainError(_l("Your request is already open; the organizers will answer it."))
    if taking_pairing_of(membership) is not None:
        raise DomainError(_l("You have a mentor already. End that mentoring first."))
    request = MentoringRequest(
        cohort_id=cohort.id,
        membership_id=membership.id,
        wish=_limited(wish, WISH_MAX, "wish", _l("Say what you would like help with.")),
        goal_ids=_own_goal_ids(actor.id, goal_ids),
    )
    db.session.add(request)
    db.session.flush()
    return request


def withdraw_request(actor: User, request: MentoringRequest) -> None:
    if request.membership.user_id != actor.id:
        require(actor, Action.MANAGE, request.membership.cohort)
    if request.status != RequestStatus.OPEN:
        raise DomainError(_l("This request is no longer open."))
    request.status = RequestStatus.WITHDRAWN
    request.closed_at = utcnow()
    db.session.flush()


# Matching -------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[,、，;；/\n]+")
_WORDS = re.compile(r"\w{3,}")


@dataclass
class Match:
    profile: MentorProfile
    score: int
    free: int  # places left
    shared: list[str]  # what the request and the profile have in common


def _terms(text: str) -> list[str]:
    return [term.strip().casefold() for term in _SPLIT.split(text or "") if term.strip()]


def match_score(profile: MentorProfile, wish_text: str) -> tuple[int, list[str]]:
    """Overlap of what the mentor offers with what the member asks: each field of the
    profile found in the request counts 3, each word of roles held and "will do" 1."""
    wish = wish_text.casefold()
    shared = [term for term in _terms(profile.fields) if term in wish]
    words = set(_WORDS.findall(f"{profile.roles_held} {profile.will_do}".casefold()))
    common = sorted(
        word
        for word in words
        if word in set(_WORDS.findall(wish)) and not any(word in term for term in shared)
    )
    return 3 * len(shared) + len(common), shared + common


def taken_places(cohort: Cohort) -> dict[int, int]:
    """Pairings that use each mentor's places (mentor membership id → count)."""
    rows = db.session.execute(
        select(Pairing.mentor_id, func.count())
        .where(Pairing.cohort_id == cohort.id, Pairing.status.in_(TAKING))
        .group_by(Pairing.mentor_id)
    )
    return dict(rows.all())


def mentor_profiles(cohort: Cohort) -> list[MentorProfile]:
    return list(
        db.session.scalars(
            select(MentorProfile)
            .join(Membership, Membership.id == MentorProfile.membership_id)
            .where(
                MentorProfile.cohort_id == cohort.id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role == Role.MENTOR,
            )
            .order_by(MentorProfile.id)
        )
    )


def request_text(request: MentoringRequest, goals: dict[int, Goal]) -> str:
    titles = " ".join(goals[i].title for i in request.goal_ids if i in goals)
    return f"{request.wish} {titles}"


def suggestions(
    request: MentoringRequest, profiles: list[MentorProfile], taken: dict[int, int], goals
) -> list[Match]:
    """Mentors with a place left, the best overlap first (a mentor never mentors
    themselves)."""
    text = request_text(request, goals)
    found = []
    for profile in profiles:
        free = profile.capacity - taken.get(profile.membership_id, 0)
        if free <= 0 or profile.membership_id == request.membership_id:
            continue
        score, shared = match_score(profile, text)
        found.append(Match(profile, score, free, shared))
    found.sort(key=lambda m: (-m.score, -m.free, m.profile.id))
    return found


@dataclass
class OpenRequest:
    request: MentoringRequest
    goals: list[Goal]
    matches: list[Match]


def open_requests(cohort: Cohort) -> list[OpenRequest]:
    """Open requests with their goals and suggested mentors (four queries)."""
    requests = list(
        db.session.scalars(
            select(MentoringRequest)
            .where(
                MentoringRequest.cohort_id == cohort.id,
                MentoringRequest.status == RequestStatus.OPEN,
            )
            .order_by(MentoringRequest.created_at, MentoringRequest.id)
        )
    )
    if not requests:
        return []
    goal_ids = {goal_id for r in requests for goal_id in r.goal_ids}
    goals = {g.id: g for g in db.session.scalars(select(Goal).where(Goal.id.in_(goal_ids)))}
    profiles = mentor_profiles(cohort)
    taken = taken_places(cohort)
    return [
        OpenRequest(
            r,
            [goals[i] for i in r.goal_ids if i in goals],
            suggestions(r, profiles, taken, goals),
        )
        for r in requests
    ]


# Pairing --------------------------------------------------------------------------------------


def _open_request_in(cohort: Cohort, request: MentoringRequest) -> None:
    if request.cohort_id != cohort.id or request.status != RequestStatus.OPEN:
        raise DomainError(_l("This request is no longer open."))
    if not request.membership.is_active:
        raise DomainError(_l("This person is not a member of the cohort."))


def _has_place(cohort: Cohort, mentor: Membership) -> MentorProfile:
    profile = profile_of(mentor)
    if profile is None:
        raise DomainError(_l("This mentor has not written a mentor profile yet."))
    if taken_places(cohort).get(mentor.id, 0) >= profile.capacity:
        raise DomainError(_l("This mentor has no place left."))
    return profile


def _start(request: MentoringRequest, mentor: Membership, status: PairingStatus) -> Pairing:
    pairing = Pairing(
        cohort_id=request.cohort_id,
        mentor_id=mentor.id,
        mentee_id=request.membership_id,
        request_id=request.id,
        status=status,
        goal_ids=list(request.goal_ids),
        goals_text=request.wish,
    )
    if status == PairingStatus.ACTIVE:
        pairing.started_on = cohort_today(request.membership.cohort)
    request.status = RequestStatus.PAIRED
    request.closed_at = utcnow()
    db.session.add(pairing)
    db.session.flush()
    return pairing


def pair(actor: User, cohort: Cohort, request: MentoringRequest, mentor_id: int) -> Pairing:
    """An organizer proposes a mentor for a request; the mentor accepts or refuses."""
    require(actor, Action.MANAGE, cohort)
    _open_request_in(cohort, request)
    mentor = db.session.get(Membership, mentor_id)
    if mentor is None or mentor.cohort_id != cohort.id or not mentor.is_active:
        raise DomainError(_l("Choose one of the suggested mentors."))
    if mentor.role != Role.MENTOR or mentor.id == request.membership_id:
        raise DomainError(_l("Choose one of the suggested mentors."))
    _has_place(cohort, mentor)
    pairing = _start(request, mentor, PairingStatus.PROPOSED)
    notify(
        mentor.user_id,
        "mentoring_proposed",
        url=site_path("mentoring.index", slug=cohort.slug),
        cohort_id=cohort.id,
        name=request.membership.user.display_name,
    )
    return pairing


def accept_request(actor: User, cohort: Cohort, request: MentoringRequest) -> Pairing:
    """A mentor takes an open request themselves, where the cohort allows it."""
    mentor = _mentor_membership(actor, cohort)
    if not direct_accept(cohort):
        raise DomainError(_l("In this cohort the organizers pair mentors and members."))
    _open_request_in(cohort, request)
    _has_place(cohort, mentor)
    pairing = _start(request, mentor, PairingStatus.ACTIVE)
    _tell_mentee(pairing, "mentoring_started")
    return pairing


def _tell_mentee(pairing: Pairing, kind: str) -> None:
    notify(
        pairing.mentee.user_id,
        kind,
        url=site_path("mentoring.pair", slug=pairing.mentee.cohort.slug, pairing_id=pairing.id),
        cohort_id=pairing.cohort_id,
        name=pairing.mentor.user.display_name,
    )


def _proposed_to(actor: User, pairing: Pairing) -> None:
    require_pairing(actor, pairing, work=False)
    if pairing.side_of(actor.id) != Side.MENTOR or pairing.status != PairingStatus.PROPOSED:
        raise DomainError(_l("This pairing is not waiting for your answer."))
    require(actor, Action.PARTICIPATE, pairing.cohort)


def accept_pairing(actor: User, pairing: Pairing) -> None:
    _proposed_to(actor, pairing)
    pairing.status = PairingStatus.ACTIVE
    pairing.started_on = cohort_today(pairing.cohort)
    db.session.flush()
    _tell_mentee(pairing, "mentoring_started")


def decline_pairing(actor: User, pairing: Pairing) -> None:
    """The mentor says no: the member's request is open again for another mentor."""
    _proposed_to(actor, pairing)
    pairing.status = PairingStatus.DECLINED
    pairing.ended_on = cohort_today(pairing.cohort)
    request = db.session.get(MentoringRequest, pairing.request_id) if pairing.request_id else None
    if request is not None and request.membership.is_active:
        request.status = RequestStatus.OPEN
        request.closed_at = None
    db.session.flush()
    _tell_declined(pairing)


def _organizer_ids(cohort: Cohort) -> list[int]:
    return list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.cohort_id == cohort.id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role == Role.ORGANIZER,
            )
        )
    )


def _tell_declined(pairing: Pairing) -> None:
    """The member learns their request is open again; the organizers, that it waits for
    another mentor."""
    cohort = pairing.cohort
    url = site_path("mentoring.index", slug=cohort.slug)
    mentor, mentee = pairing.mentor.user.display_name, pairing.mentee.user.display_name
    notices = [
        Notice(pairing.mentee.user_id, "mentoring_declined", url, cohort.id, {"name": mentor})
    ]
    notices += [
        Notice(user_id, "mentoring_declined_organizer", url, cohort.id, {"name": mentee})
        for user_id in _organizer_ids(cohort)
        if user_id != pairing.mentee.user_id
    ]
    notify_many(notices)


@dataclass
class AgreementInput:
    goals_text: str = ""
    goal_ids: list[int] | None = None
    meeting_frequency: str = ""
    contact_way: str = ""
    review_months: int = 3
    next_meeting_on: date | None = None


def update_agreement(actor: User, pairing: Pairing, data: AgreementInput) -> None:
    """Either side writes the agreement; it remembers who changed it last."""
    require_pairing(actor, pairing)
    if not 1 <= data.review_months <= 12:
        raise DomainError(_l("Review every 1 to 12 months."), "review_months")
    pairing.goals_text = _limited(data.goals_text, NOTE_MAX, "goals_text")
    pairing.goal_ids = _own_goal_ids(pairing.mentee.user_id, data.goal_ids or [])
    pairing.meeting_frequency = _limited(data.meeting_frequency, 120, "meeting_frequency")
    pairing.contact_way = _limited(data.contact_way, 120, "contact_way")
    pairing.review_months = data.review_months
    pairing.next_meeting_on = data.next_meeting_on
    pairing.agreement_by_id = actor.id
    pairing.agreement_at = utcnow()
    db.session.flush()


# Ending ---------------------------------------------------------------------------------------


def end_pairing(actor: User, pairing: Pairing, closing: str) -> None:
    """Either side ends the mentoring with a closing note; the history stays readable."""
    require_pairing(actor, pairing)
    _close(pairing)
    write_closing(actor, pairing, closing)


def write_closing(actor: User, pairing: Pairing, closing: str) -> None:
    """A side's closing note, also after the other side ended the mentoring."""
    if not can_read_pairing(actor, pairing) or pairing.status != PairingStatus.ENDED:
        raise DomainError(_l("This mentoring has not ended."))
    text = _limited(closing, NOTE_MAX, "closing")
    if pairing.side_of(actor.id) == Side.MENTOR:
        pairing.mentor_closing = text
    else:
        pairing.mentee_closing = text
    db.session.flush()


def _close(pairing: Pairing) -> None:
    pairing.status = PairingStatus.ENDED
    pairing.ended_on = cohort_today(pairing.cohort)
    pairing.next_meeting_on = None


def end_pairings_of(membership: Membership, *, as_mentor_only: bool = False) -> None:
    """A membership ends (left, removed): its pairings end, its open request closes. With
    ``as_mentor_only`` (a mentor's role taken away) only the pairings they mentor end."""
    sides = Pairing.mentor_id == membership.id
    if not as_mentor_only:
        sides = sides | (Pairing.mentee_id == membership.id)
    for pairing in db.session.scalars(select(Pairing).where(sides, Pairing.status.in_(TAKING))):
        if pairing.status == PairingStatus.PROPOSED:
            pairing.status = PairingStatus.DECLINED
            pairing.ended_on = cohort_today(membership.cohort)
        else:
            _close(pairing)
        if pairing.mentor_id == membership.id and pairing.request_id:
            request = db.session.get(MentoringRequest, pairing.request_id)
            if request is not None and pairing.status == PairingStatus.DECLINED:
                request.status = RequestStatus.OPEN
                request.closed_at = None
    if as_mentor_only:
        return
    request = open_request_of(membership)
    if request is not None:
        request.status = RequestStatus.WITHDRAWN
        request.closed_at = utcnow()


def can_work(actor: User, pairing: Pairing) -> bool:
    return can_work_in_pairing(actor, pairing)
