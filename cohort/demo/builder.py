"""Build the demo by replaying six months of each cohort's life through the app's services.

Every action runs with the clock set to the moment it would have happened (``replaying_at``),
so the history obeys the same rules as real use: inventories shared late are marked late,
feedback is given only while it is open, assignments follow the rotation, cheers and replies
notify people. Actions whose moment is still in the future are left undone, which is what
the coming session looks like in real life.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random

from sqlalchemy import select, update

from ..auth.models import User
from ..auth.services import register_user, update_profile
from ..cohorts.models import Cohort, RhythmKind, Role
from ..cohorts.rhythm import Rhythm, upcoming_slots
from ..cohorts.services import (
    CohortSettings,
    change_role,
    create_cohort,
    create_invitation,
    default_guide,
    redeem_invitation,
)
from ..cohorts.slugs import is_taken
from ..companion.models import CompanionMode
from ..companion.services import set_cohort_mode, update_preference
from ..database import replaying_at
from ..delivery.devices import PUSH_KINDS, set_push_preferences
from ..delivery.hours import settings_for
from ..delivery.models import Notification
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.services import MeetingDetails, sync_meetings_from_rhythm, update_meeting
from ..timeline.services import follow
from .content import PAST_MONTHS, CohortStory, Person
from .live import name_facilitator, run_session
from .mentoring import play_mentoring
from .months import MonthPlayer
from .signals import notice_signals
from .writing import offer_the_short_form
from .year import close_first_season, share_years

DEMO_DOMAIN = "demo.example.org"
DEMO_PASSWORD = "cohort-demo-pass"  # noqa: S105 (printed for everyone to use)
TIMEZONES = {"ja": "Asia/Tokyo", "en": "Europe/London"}


def demo_email(person: Person) -> str:
    return f"{person.key}@{DEMO_DOMAIN}"


@dataclass
class Replay:
    """One cohort's replay: the story, the people's accounts and the real present."""

    story: CohortStory
    now: datetime
    users: dict[str, User] = field(default_factory=dict)
    cohort: Cohort | None = None
    random: Random = field(default_factory=Random)

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """The clock set to ``moment`` (never beyond today). Rows are flushed before the clock
        moves on, so defaults such as ``created_at`` take the replayed time."""
        with replaying_at(min(moment, self.now)):
            yield
            db.session.flush()

    def happened(self, moment: datetime) -> bool:
        return moment <= self.now

    @property
    def organizer(self) -> User:
        return self.users[next(p.key for p in self.story.people if p.role == "organizer")]


def build_cohort(story: CohortStory, now: datetime) -> Cohort:
    """Replay the story of one cohort up to ``now`` and return the cohort."""
    replay = Replay(story=story, now=now, random=Random(f"cohort-demo-{story.locale}"))  # noqa: S311
    slots = past_slots(story, now)
    start = slots[0] - timedelta(days=24)
    with replay.at(start):
        create_people(replay)
        create_the_cohort(replay)
        invite_everyone(replay, start)
        turn_on_the_companion(replay)
        offer_the_short_form(replay)
        keep_local_hours(replay)
    follow_peers(replay, start + timedelta(days=3))
    for number, starts_at in enumerate(slots, 1):
        meeting = meeting_at(replay.cohort, starts_at)
        MonthPlayer(replay, meeting, number).play()
        following = upcoming_slots(_rhythm(story), starts_at + timedelta(days=1), 1)[0].starts_at
        run_session(replay, meeting, number, following, last=number == len(slots))
        close_first_season(replay, slots, number)
    share_years(replay, slots[-1])
    upcoming = next_meeting(replay)
    if upcoming is not None:
        MonthPlayer(replay, upcoming, PAST_MONTHS + 1).play()
        name_facilitator(replay, upcoming, now - timedelta(days=1))
    with replay.at(now):
        sync_meetings_from_rhythm(replay.cohort, now)
    notice_signals(replay)
    play_mentoring(replay, slots)
    mark_old_notifications_read(replay, slots[-1])
    return replay.cohort


def keep_local_hours(replay: Replay) -> None:
    """One member keeps earlier hours than the defaults (an early riser's reminders come at
    07:30, nothing after 21:30) and has chosen what reaches their phone: the session and what
    is due, not the feedback reminders (they keep those for email). No device is on (the
    scheduler would try to reach it), and the cohort's chat stays off, as for every new
    cohort."""
    early_riser = next(p for p in replay.story.people if p.role == "member")
    user = replay.users[early_riser.key]
    settings = settings_for(user)
    settings.quiet_start, settings.quiet_end = time(21, 30), time(6, 30)
    settings.reminder_time = time(7, 30)
    set_push_preferences(user, {**PUSH_KINDS, "feedback_owed": False})


def past_slots(story: CohortStory, now: datetime) -> list[datetime]:
    """The starts of the cohort's last six sessions before ``now`` (UTC)."""
    rhythm = _rhythm(story)
    slots = upcoming_slots(rhythm, now - timedelta(days=31 * (PAST_MONTHS + 1)), PAST_MONTHS + 2)
    return [slot.starts_at for slot in slots if slot.starts_at < now][-PAST_MONTHS:]


def _rhythm(story: CohortStory) -> Rhythm:
    c = story.cohort
    return Rhythm(
        week=c["rhythm_week"],
        weekday=c["rhythm_weekday"],
        starts_at=time.fromisoformat(c["rhythm_start"]),
        minutes=c["rhythm_minutes"],
        timezone=c["timezone"],
    )


def create_people(replay: Replay) -> None:
    locale = replay.story.locale
    for person in replay.story.people:
        user = register_user(
            demo_email(person), person.name, DEMO_PASSWORD, locale, TIMEZONES[locale]
        )
        update_profile(user, person.name, locale, TIMEZONES[locale], person.bio)
        replay.users[person.key] = user


def create_the_cohort(replay: Replay) -> None:
    c = replay.story.cohort
    rhythm = _rhythm(replay.story)
    settings = CohortSettings(
        name=c["name"],
        description=c["description"],
        guide=default_guide(replay.story.locale),
        timezone=c["timezone"],
        locale=replay.story.locale,
        rhythm_kind=RhythmKind.MONTHLY_WEEKDAY,
        rhythm_week=rhythm.week,
        rhythm_weekday=rhythm.weekday,
        rhythm_starts_at=rhythm.starts_at,
        rhythm_minutes=rhythm.minutes,
        inventory_due_days=c.get("inventory_due_days", 2),
        feedback_due_days=c.get("feedback_due_days", 7),
    )
    slug = c.get("slug")
    if slug and is_taken(slug):
        slug = None  # beside real cohorts (--force), one of theirs may have it already
    replay.cohort = create_cohort(replay.organizer, settings, slug=slug)


def companion_user(story: CohortStory) -> str:
    """The member who writes with the companion on: the first member of the roster."""
    return next(person.key for person in story.people if person.role == "member")


def turn_on_the_companion(replay: Replay) -> None:
    """The cohort offers the built-in questions (the model engine needs a server's own
    configuration), and one member has turned them on."""
    set_cohort_mode(replay.organizer, replay.cohort, CompanionMode.BUILTIN)
    member = replay.users[companion_user(replay.story)]
    update_preference(member, enabled=True, use_model=False)


def invite_everyone(replay: Replay, start: datetime) -> None:
    """Members join through one shareable link over the first days; the mentor through a
    personal invitation, then the organizers make them mentor."""
    organizer = replay.organizer
    link = create_invitation(organizer, replay.cohort, max_uses=20, valid_days=14)
    for index, person in enumerate(replay.story.people):
        user = replay.users[person.key]
        if person.role == "organizer":
            continue
        with replay.at(start + timedelta(days=1, hours=3 * index)):
            if person.role == "mentor":
                personal = create_invitation(
                    organizer, replay.cohort, max_uses=1, valid_days=14,
                    role=Role.MENTOR, email=user.email,
                )  # fmt: skip
                redeem_invitation(user, personal.invitation)
            else:
                membership = redeem_invitation(user, link.invitation)
                if person.role != "member":
                    change_role(organizer, membership, Role(person.role))


def follow_peers(replay: Replay, moment: datetime) -> None:
    """Everyone follows a few people whose stories speak to them; the mentor follows all."""
    people = replay.story.people
    for index, person in enumerate(people):
        others = [p for p in people if p.key != person.key and p.writes]
        chosen = others if person.role == "mentor" else replay.random.sample(others, 3)
        with replay.at(moment + timedelta(hours=index)):
            for other in chosen:
                follow(replay.users[person.key], replay.users[other.key])


def meeting_at(cohort: Cohort, starts_at: datetime) -> Meeting:
    meeting = db.session.scalar(
        select(Meeting).where(Meeting.cohort_id == cohort.id, Meeting.starts_at == starts_at)
    )
    if meeting is None:
        raise RuntimeError(f"the rhythm made no session at {starts_at.isoformat()}")
    return meeting


def next_meeting(replay: Replay) -> Meeting | None:
    with replay.at(replay.now):
        sync_meetings_from_rhythm(replay.cohort, replay.now)
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.cohort_id == replay.cohort.id,
            Meeting.starts_at > replay.now,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def describe_meeting(replay: Replay, meeting: Meeting) -> None:
    """The organizer fills in where the session happens and its agenda."""
    c = replay.story.cohort
    details = MeetingDetails(
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=c.get("place", ""),
        online_url=c.get("online_url", ""),
        agenda=c["agenda"].strip(),
    )
    update_meeting(replay.organizer, meeting, details)


def mark_old_notifications_read(replay: Replay, last_session: datetime) -> None:
    """People read what reached them before the last session; what came since is new."""
    user_ids = [user.id for user in replay.users.values()]
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id.in_(user_ids),
            Notification.created_at < last_session,
            Notification.read_at.is_(None),
        )
        .values(read_at=last_session)
        .execution_options(synchronize_session=False)
    )


def months_after(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, 28))
