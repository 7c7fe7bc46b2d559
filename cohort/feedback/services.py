"""Feedback use cases: give it (and edit it until the due time), reply, mark helpful, share;
and the organizers' assignments. Each checks permissions, flushes, and leaves the commit to
the caller. Notifications are rows written in the same transaction."""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..cohorts.models import Membership, MembershipStatus, Role
from ..database import utcnow
from ..delivery import ledger
from ..delivery.notices import notify
from ..emails import external_url
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..inventories.models import Inventory, InventoryStatus
from ..markdown import render_markdown
from ..meetings.models import Meeting
from ..permissions import Action, require
from .models import PARTS, Feedback, FeedbackAssignment
from .rotation import rotate
from .traits import MAX_FEEDBACK_TRAITS, known_traits

KEEP_START_STOP = ("keep", "start", "stop")
# Gentle minimums, in characters: enough for a real sentence in English or Japanese.
MIN_LENGTHS = {"ask_answer": 20, "situation": 10, "behaviour": 10, "impact": 10, "question": 10}
MISSING = {
    "ask_answer": _l("They asked for feedback on this: please answer it first."),
    "situation": _l("Describe the situation in which you saw the strength."),
    "behaviour": _l("Describe what they did."),
    "impact": _l("Describe what it led to."),
    "question": _l("Ask one question that helps them think further."),
}
REPLY_LIMIT = 2000
HISTORY_MONTHS = 12  # the season the rotation looks back on


@dataclass
class FeedbackInput:
    """What the giver typed, already checked for length limits by the form."""

    ask_answer: str = ""
    situation: str = ""
    behaviour: str = ""
    impact: str = ""
    keep: str = ""
    start: str = ""
    stop: str = ""
    question: str = ""
    traits: list[str] = field(default_factory=list)


class InvalidFeedback(DomainError):
    """Not ready to send: ``problems`` says what each part still needs, all at once."""

    def __init__(self, problems: dict[str, object]):
        super().__init__(_l("Almost there: please look at the parts marked below."))
        self.problems = problems


def site_path(endpoint: str, **values) -> str:
    """A link to a page of this site as a path, in requests and scheduler jobs alike."""
    return urlsplit(external_url(endpoint, **values)).path


def is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """Feedback for a session can be given and edited until its feedback due time."""
    return (now or utcnow()) < meeting.feedback_due_at


def asks_for_feedback(inventory: Inventory) -> bool:
    return bool((inventory.answers or {}).get("feedback_ask", "").strip())


def feedback_problems(inventory: Inventory, data: FeedbackInput) -> dict[str, object]:
    """What each part still needs (empty when the feedback is ready to send)."""
    required = ["situation", "behaviour", "impact", "question"]
    if asks_for_feedback(inventory):
        required.insert(0, "ask_answer")
    problems: dict[str, object] = {}
    for part in required:
        text = getattr(data, part).strip()
        if not text:
            problems[part] = MISSING[part]
        elif len(text) < MIN_LENGTHS[part]:
            problems[part] = _l(
                "A little more, please: at least %(num)d characters.", num=MIN_LENGTHS[part]
            )
    question = data.question.strip()
    if "question" not in problems and "?" not in question and "？" not in question:
        problems["question"] = _l(
            "Phrase it as a question, with a question mark: the answer stays theirs."
        )
    traits = known_traits(data.traits)
    if not 1 <= len(traits) <= MAX_FEEDBACK_TRAITS or len(traits) != len(set(data.traits)):
        problems["traits"] = _l("Pick one to three traits.")
    return problems


def find_feedback(giver: User, inventory: Inventory) -> Feedback | None:
    return db.session.scalar(
        select(Feedback).where(Feedback.inventory_id == inventory.id, Feedback.giver_id == giver.id)
    )


def _get_or_create(giver: User, inventory: Inventory) -> tuple[Feedback, bool]:
    """The giver's feedback on the inventory and whether it is new; two simultaneous first
    submits make one row (the unique key refuses the second, which then updates it)."""
    feedback = find_feedback(giver, inventory)
    if feedback is not None:
        return feedback, False
    try:
        with db.session.begin_nested():
            feedback = Feedback(
                cohort_id=inventory.cohort_id,
                meeting_id=inventory.meeting_id,
                inventory_id=inventory.id,
                giver_id=giver.id,
                recipient_id=inventory.user_id,
                traits=[],
            )
            db.session.add(feedback)
            db.session.flush()
    except IntegrityError:
        return find_feedback(giver, inventory), False
    return feedback, True


def give_feedback(giver: User, inventory: Inventory, data: FeedbackInput) -> Feedback:
    """Send feedback on someone's shared inventory, or edit one's own until the due time."""
    require(giver, Action.GIVE_FEEDBACK, inventory)
    if not is_open(inventory.meeting):
        raise DomainError(_l("Feedback for this session is closed: its due time has passed."))
    problems = feedback_problems(inventory, data)
    if problems:
        raise InvalidFeedback(problems)
    feedback, created = _get_or_create(giver, inventory)
    require(giver, Action.PARTICIPATE, feedback)
    for part in PARTS:
        if part in KEEP_START_STOP and not inventory.cohort.keep_start_stop:
            continue  # the cohort does not ask for it: keep what may have been written before
        text = getattr(data, part).strip()
        setattr(feedback, part, text)
        setattr(feedback, f"{part}_html", render_markdown(text))
    feedback.traits = known_traits(data.traits)
    feedback.updated_at = utcnow()
    db.session.flush()
    if created:
        notify(
            inventory.user_id,
            "feedback_received",
            url=site_path("inventories.show", slug=inventory.cohort.slug, inventory_id=inventory.id)
            + "#feedback",
            cohort_id=inventory.cohort_id,
            giver=giver.display_name,
        )
    return feedback


def _inventory_path(feedback: Feedback) -> str:
    slug = feedback.cohort.slug
    return site_path("inventories.show", slug=slug, inventory_id=feedback.inventory_id) + (
        f"#feedback-{feedback.id}"
    )


def reply_to_feedback(recipient: User, feedback: Feedback, text: str) -> None:
    """The recipient's one reply to a piece of feedback."""
    require(recipient, Action.RESPOND, feedback)
    text = (text or "").strip()
    if feedback.has_reply:
        raise DomainError(_l("You have already replied to this feedback."))
    if not text:
        raise DomainError(_l("Write a few words to reply."), "reply")
    if len(text) > REPLY_LIMIT:
        raise DomainError(_l("Keep the reply under 2000 characters."), "reply")
    # Conditional, so two tabs replying at once leave exactly one reply.
    replied = db.session.execute(
        update(Feedback)
        .where(Feedback.id == feedback.id, Feedback.replied_at.is_(None))
        .values(reply=text, reply_html=render_markdown(text), replied_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if replied.rowcount != 1:
        raise DomainError(_l("You have already replied to this feedback."))
    db.session.refresh(feedback)
    if feedback.giver_id is None:
        return  # the giver deleted their account: nobody to tell
    notify(
        feedback.giver_id,
        "feedback_replied",
        url=_inventory_path(feedback),
        cohort_id=feedback.cohort_id,
        recipient=recipient.display_name,
    )


def mark_helpful(recipient: User, feedback: Feedback, helpful: bool = True) -> None:
    """Mark a piece "helpful" (or take it back); the giver hears of it once."""
    require(recipient, Action.RESPOND, feedback)
    if feedback.is_helpful == helpful:
        return
    feedback.is_helpful = helpful
    db.session.flush()
    if feedback.giver_id is None:
        return  # the giver deleted their account: nobody to tell
    if helpful and ledger.claim(feedback.giver_id, "feedback_helpful", f"feedback-{feedback.id}"):
        notify(
            feedback.giver_id,
            "feedback_helpful",
            url=_inventory_path(feedback),
            cohort_id=feedback.cohort_id,
            recipient=recipient.display_name,
        )


def share_feedback(recipient: User, feedback: Feedback, shared: bool = True) -> None:
    """Show a piece to the whole cohort, or keep it between the two and the organizers."""
    require(recipient, Action.RESPOND, feedback)
    feedback.is_shared = shared
    db.session.flush()


# Assignments -------------------------------------------------------------------------------


def _require_assignable(actor: User, meeting: Meeting) -> None:
    require(actor, Action.MANAGE, meeting)
    if meeting.is_cancelled:
        raise DomainError(_l("This session was cancelled."))
    if not is_open(meeting):
        raise DomainError(_l("Feedback for this session is closed: its due time has passed."))


def _add_assignment(
    inventory: Inventory, giver_id: int, actor: User, is_manual: bool
) -> FeedbackAssignment | None:
    """A new assignment, or None when the giver already has this inventory."""
    try:
        with db.session.begin_nested():
            assignment = FeedbackAssignment(
                cohort_id=inventory.cohort_id,
                meeting_id=inventory.meeting_id,
                inventory_id=inventory.id,
                giver_id=giver_id,
                recipient_id=inventory.user_id,
                is_manual=is_manual,
                created_by_id=actor.id,
            )
            db.session.add(assignment)
            db.session.flush()
    except IntegrityError:
        return None
    notify(
        giver_id,
        "feedback_assigned",
        url=site_path("feedback.give", slug=inventory.cohort.slug, inventory_id=inventory.id),
        cohort_id=inventory.cohort_id,
        recipient=inventory.user.display_name,
    )
    return assignment


def assign_feedback_rotation(
    actor: User, meeting: Meeting, include_mentors: bool = True
) -> list[FeedbackAssignment]:
    """Give each shared inventory of the session its reviewers (the cohort's setting).

    Paused members neither give nor receive; mentors give when included. Assignments already
    made, and feedback already given, stay as they are and count: generating again only adds
    reviewers for inventories shared since.
    """
    _require_assignable(actor, meeting)
    inventories = db.session.scalars(
        select(Inventory).where(Inventory.meeting_id == meeting.id)
    ).all()
    shared = {i.user_id: i for i in inventories if i.status == InventoryStatus.SHARED}
    paused = {i.user_id for i in inventories if i.status == InventoryStatus.PAUSED}
    members = db.session.execute(
        select(Membership.user_id, Membership.role)
        .where(
            Membership.cohort_id == meeting.cohort_id,
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    givers = [
        user_id
        for user_id, role in members
        if user_id not in paused and (include_mentors or role != Role.MENTOR)
    ]
    pairs = rotate(
        givers=givers,
        recipients=[user_id for user_id, _role in members if user_id in shared],
        k=meeting.cohort.feedback_reviewers,
        history=_past_pairs(meeting),
        existing=_pairs([meeting.id])[meeting.id],
    )
    created = [_add_assignment(shared[r], g, actor, is_manual=False) for g, r in pairs]
    return [assignment for assignment in created if assignment is not None]


def _pairs(meeting_ids: list[int]) -> dict[int, set[tuple[int, int]]]:
    """Per session, who was asked to give feedback to whom, or gave it anyway."""
    found: dict[int, set[tuple[int, int]]] = {meeting_id: set() for meeting_id in meeting_ids}
    for model in (FeedbackAssignment, Feedback):
        rows = db.session.execute(
            select(model.meeting_id, model.giver_id, model.recipient_id).where(
                model.meeting_id.in_(meeting_ids)
            )
        )
        for meeting_id, giver_id, recipient_id in rows:
            found[meeting_id].add((giver_id, recipient_id))
    return found


def _past_pairs(meeting: Meeting) -> list[set[tuple[int, int]]]:
    """The pairs of the cohort's previous sessions in the season, oldest first."""
    previous = db.session.scalars(
        select(Meeting.id)
        .where(Meeting.cohort_id == meeting.cohort_id, Meeting.starts_at < meeting.starts_at)
        .order_by(Meeting.starts_at.desc())
        .limit(HISTORY_MONTHS)
    ).all()
    by_meeting = _pairs(list(previous))
    return [by_meeting[meeting_id] for meeting_id in reversed(previous)]


def add_assignment(actor: User, inventory: Inventory, giver_id: int) -> FeedbackAssignment:
    """An organizer asks one more person, by hand, to give feedback on an inventory."""
    _require_assignable(actor, inventory.meeting)
    if not inventory.is_shared:
        raise DomainError(_l("Only shared inventories get feedback."))
    if giver_id == inventory.user_id:
        raise DomainError(_l("Nobody gives feedback on their own inventory."), "giver_id")
    giver = db.session.scalar(
        select(Membership).where(
            Membership.cohort_id == inventory.cohort_id,
            Membership.user_id == giver_id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    if giver is None:
        raise DomainError(_l("Choose an active member or mentor of the cohort."), "giver_id")
    assignment = _add_assignment(inventory, giver_id, actor, is_manual=True)
    if assignment is None:
        raise DomainError(
            _l("%(name)s is already asked to give this feedback.", name=giver.user.display_name)
        )
    return assignment


def remove_assignment(actor: User, assignment: FeedbackAssignment) -> None:
    """Take an assignment back; feedback already given stays."""
    require(actor, Action.MANAGE, db.session.get(Meeting, assignment.meeting_id))
    db.session.delete(assignment)
    db.session.flush()
