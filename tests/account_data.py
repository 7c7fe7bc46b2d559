"""A member with something in every table that can point at them, and peers around them:
the data the export and deletion tests read."""

from datetime import timedelta

from sqlalchemy import select

from cohort.auth.services import request_password_reset
from cohort.cohorts.services import create_invitation
from cohort.database import utcnow
from cohort.delivery import ledger
from cohort.delivery.models import EmailPreference
from cohort.delivery.outbox import queue_email, queue_message
from cohort.extensions import db
from cohort.feedback.services import add_assignment, mark_helpful, reply_to_feedback
from cohort.inventories.goals import NewGoal
from cohort.inventories.models import GoalProgress
from cohort.inventories.services import InventoryInput, save_inventory, share_inventory
from cohort.meetings.calendar import start_calendar_feed
from cohort.timeline.services import cheer, follow
from cohort.writing.shortform import choose_form

from . import factories

MARK = "ZQ-MARK"  # in everything the member writes
NAME = "Zelda Quill"
EMAIL = "zelda.quill@example.org"
PEER_SECRET = "PEER-ONLY-DRAFT"  # a peer's draft: never in the member's download


class Person:
    def __init__(self):
        self.user = factories.make_user(email=EMAIL, display_name=NAME, bio=f"{MARK} bio")
        self.organizer = factories.make_user(email="orga@example.org", display_name="Orga")
        self.peer = factories.make_user(email="peer.private@example.org", display_name="Pia")
        self.cohort = factories.make_cohort(self.organizer, name="Circle A")
        self.other_cohort = factories.make_cohort(self.organizer, name="Circle B")
        factories.add_member(self.cohort, self.user)
        factories.add_member(self.cohort, self.peer)
        # In B the member co-organizes: leaving it does not strand the cohort.
        factories.add_member(self.other_cohort, self.user, role="organizer")
        start = utcnow().replace(second=0, microsecond=0) + timedelta(days=10)
        self.meeting = factories.make_meeting(self.cohort, starts_at=start, title="March")
        self.later = factories.make_meeting(
            self.cohort, starts_at=start + timedelta(days=30), title="April"
        )
        self.other_meeting = factories.make_meeting(self.other_cohort, starts_at=start)
        self._write()
        self._around()

    def _write(self) -> None:
        user, meeting = self.user, self.meeting
        data = InventoryInput(
            answers={"did": f"{MARK} shipped the beta", "will": f"{MARK} lead a team"},
            energy=4,
            ratings={"skills": 3},
            new_goals=[NewGoal(f"{MARK} goal", f"{MARK} why")],
            new_tasks=[f"{MARK} task"],
        )
        self.inventory = save_inventory(user, meeting, data, 0)
        share_inventory(user, self.inventory)
        self.draft = save_inventory(
            user, self.other_meeting, InventoryInput(answers={"did": f"{MARK} draft"}), 0
        )
        self.peer_inventory = factories.make_shared_inventory(
            meeting, self.peer, did="Pia's shared month"
        )
        save_inventory(self.peer, self.later, InventoryInput(answers={"did": PEER_SECRET}), 0)
        db.session.commit()

    def _around(self) -> None:
        user, peer = self.user, self.peer
        add_assignment(self.organizer, self.peer_inventory, user.id)
        db.session.commit()
        self.given = factories.make_feedback(self.peer_inventory, user, situation=f"{MARK} given")
        self.received = factories.make_feedback(self.inventory, peer, situation="Pia saw this")
        reply_to_feedback(user, self.received, f"{MARK} reply")
        mark_helpful(user, self.received)
        reply_to_feedback(peer, self.given, "Thanks, Zelda")
        cheer(user, self.peer_inventory)
        cheer(peer, self.inventory)
        follow(user, peer)
        follow(peer, user)
        factories.make_attendance(self.meeting, user, rsvp="going")
        db.session.add(EmailPreference(user_id=user.id, kind="digest", enabled=False))
        choose_form(user, short=True)
        ledger.claim(user.id, "inventory_due", f"meeting-{self.meeting.id}")
        progress = db.session.scalar(select(GoalProgress))
        progress.note = f"{MARK} halfway there"
        start_calendar_feed(user)
        request_password_reset(EMAIL)
        create_invitation(
            user, self.other_cohort, max_uses=1, valid_days=7, email="new@example.org"
        )
        elsewhere = factories.make_cohort(self.organizer, name="Circle C")
        create_invitation(self.organizer, elsewhere, max_uses=1, valid_days=7, email=EMAIL)
        queue_message(EMAIL, "password_changed", locale="en", user_id=user.id, user=user,
                      forgot_url="https://cohort.test/password/forgot")  # fmt: skip
        queue_email(user, "nudge", "nudge", cohort=self.cohort, meeting=self.meeting,
                    organizer=self.organizer, message="Write it!")  # fmt: skip
        db.session.commit()
        self._later_features()

    def _later_features(self) -> None:
        """Rows of the signals, the companion and the year: about the member, and by them where
        they organize (cohort B)."""
        from cohort.companion.services import update_preference
        from cohort.signals.models import PersonalNote, SessionTalk, SignalDismissal
        from cohort.year.models import Season
        from cohort.year.services import share_year

        user, organizer, a, b = self.user, self.organizer, self.cohort, self.other_cohort
        today = utcnow().date()
        db.session.add_all(
            [
                SignalDismissal(cohort_id=a.id, user_id=user.id, kind="energy",
                                fingerprint="f", dismissed_by_id=organizer.id),
                SignalDismissal(cohort_id=b.id, user_id=organizer.id, kind="energy",
                                fingerprint="f", dismissed_by_id=user.id),
                SessionTalk(cohort_id=a.id, meeting_id=self.meeting.id, user_id=user.id,
                            kind="energy", added_by_id=organizer.id),
                SessionTalk(cohort_id=b.id, meeting_id=self.other_meeting.id,
                            user_id=organizer.id, kind="energy", added_by_id=user.id),
                PersonalNote(cohort_id=a.id, sender_id=organizer.id, recipient_id=user.id,
                             body=f"Dear {NAME}, how are you?"),
                PersonalNote(cohort_id=b.id, sender_id=user.id, recipient_id=organizer.id,
                             body=f"{MARK} note from Zelda"),
                Season(cohort_id=b.id, name="Old", starts_on=today - timedelta(days=400),
                       ends_on=today - timedelta(days=300), closed_by_id=user.id),
            ]
        )  # fmt: skip
        update_preference(user, enabled=True, use_model=False)
        share_year(user, a)
        db.session.commit()
