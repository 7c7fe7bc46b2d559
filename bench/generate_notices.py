"""Notifications, the reminder ledger and the sent emails, shaped as the services write them.

Emails are rendered with the app's own templates once per kind and language, with sample
names that each row then swaps for its recipient's, so bodies have their real size.
"""

import json
from datetime import UTC, datetime, timedelta
from itertools import count
from random import Random
from types import SimpleNamespace

from cohort.emails import render_email

from .generate_copy import Spools
from .generate_plan import Cohort, Meeting, User

BASE_URL = "http://127.0.0.1:5000"
SAMPLE_NAME, SAMPLE_COHORT, SAMPLE_SLUG = "Sample Recipient", "Sample Cohort", "sample-slug"
# reminder kind -> (email kind the member can switch off, email template)
EMAILS = {
    "inventory_due": ("inventory_due", "reminder_inventory_due"),
    "organizer_not_shared": ("organizer_reminders", "reminder_organizer"),
    "session_soon": ("session_soon", "reminder_session"),
    "feedback_owed": ("feedback_owed", "reminder_feedback_owed"),
}


def _sample_context() -> dict:
    start = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)
    meeting = SimpleNamespace(
        title="January session", starts_at=start, ends_at=start + timedelta(hours=2),
        inventory_due_at=start - timedelta(days=2), feedback_due_at=start + timedelta(days=7),
        place="Room 2", online_url=f"https://meet.example.org/{SAMPLE_SLUG}",
    )  # fmt: skip
    url = f"{BASE_URL}/c/{SAMPLE_SLUG}/"
    return {
        "user": SimpleNamespace(display_name=SAMPLE_NAME),
        "cohort": SimpleNamespace(name=SAMPLE_COHORT, slug=SAMPLE_SLUG),
        "meeting": meeting,
        "zone": "UTC",
        "unsubscribe_url": f"{BASE_URL}/unsubscribe/{'x' * 40}",
        "names": ["Alex Kim", "Sam Patel", "Grace Okafor"],
        "write_url": url + "sessions/1/inventory",
        "month_url": url + "organize/sessions/1/inventories",
        "session_url": url + "sessions/1",
        "ics_url": url + "sessions/1.ics",
        "feedback_url": url + "feedback",
        "in_an_hour": False,
        "last_call": False,
    }


def render_samples() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(template, locale) -> (subject, text, html), rendered once by the app."""
    context = _sample_context()
    return {
        (template, locale): render_email(template, locale=locale, **context)
        for _kind, template in EMAILS.values()
        for locale in ("en", "ja")
    }


class Notices:
    def __init__(self, spools: Spools, rng: Random, now: datetime, outbox_since: datetime):
        self.spools, self.rng, self.now, self.outbox_since = spools, rng, now, outbox_since
        self.ids, self.ledger_ids, self.email_ids = count(1), count(1), count(1)
        self.samples = render_samples()
        self.read_before: datetime = now  # set per cohort: its latest session's start

    def notify(self, user_id: int, cohort: Cohort, kind: str, url: str, at: datetime, **data):
        """An in-app notification: older ones mostly read, recent ones mostly not."""
        read_at = None
        if at < self.read_before and self.rng.random() < 0.95:
            read_at = min(at + timedelta(hours=self.rng.randint(1, 72)), self.now)
        self.spools["notifications"].add(
            next(self.ids), user_id, cohort.id, kind, json.dumps(data), url, read_at, at
        )

    def claim(self, user_id: int, kind: str, period_key: str, at: datetime) -> None:
        self.spools["reminder_deliveries"].add(next(self.ledger_ids), user_id, kind, period_key, at)

    def reminder(self, user: User, cohort: Cohort, kind: str, key: str, at: datetime, **data):
        """A claimed reminder: the ledger row, the notification and (in the window) the
        email, sent a minute later."""
        self.claim(user.id, kind, key, at)
        meeting_id = key.split(":")[0].removeprefix("meeting-")
        url = self.url(kind, cohort.slug, meeting_id)
        self.notify(user.id, cohort, kind, url, at, **data)
        if at >= self.outbox_since:
            self.email(user, cohort, kind, at)

    @staticmethod
    def url(kind: str, slug: str, meeting_id: str) -> str:
        path = {
            "inventory_due": f"sessions/{meeting_id}/inventory",
            "organizer_not_shared": f"organize/sessions/{meeting_id}/inventories",
            "session_soon": f"sessions/{meeting_id}",
            "feedback_owed": "feedback",
        }[kind]
        return f"{BASE_URL}/c/{slug}/{path}"

    def email(self, user: User, cohort: Cohort, kind: str, at: datetime) -> None:
        email_kind, template = EMAILS[kind]
        subject, text, html = self.samples[(template, user.locale)]
        swaps = ((SAMPLE_NAME, user.name), (SAMPLE_COHORT, cohort.name), (SAMPLE_SLUG, cohort.slug))
        for old, new in swaps:
            subject, text, html = (
                subject.replace(old, new),
                text.replace(old, new),
                html.replace(old, new),
            )
        token = f"{self.rng.getrandbits(160):040x}"
        headers = json.dumps({
            "List-Unsubscribe": f"<{BASE_URL}/unsubscribe/{token}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        })  # fmt: skip
        sent = at + timedelta(seconds=self.rng.randint(5, 90))
        self.spools["outbound_emails"].add(
            next(self.email_ids), user.id, True, cohort.id, user.email, email_kind, subject,
            text, html, headers, f"<{self.rng.getrandbits(128):032x}@127.0.0.1>", "sent", 1,
            sent + timedelta(minutes=10), "", at, sent,
        )  # fmt: skip

    def session_reminders(self, cohort: Cohort, meeting: Meeting, plan: dict) -> None:
        """Inventory due (T-7d, T-1d), the organizers' summary (T-2d) and session soon
        (T-1d, T-1h), for the moments that have passed. ``plan`` maps user id to when they
        shared or paused (None: never) and whether they said they would not come."""
        due, title = meeting.inventory_due_at, meeting.title
        members = cohort.active_at(meeting.index)
        for label, days in (("T-7d", 7), ("T-1d", 1)):
            moment = due - timedelta(days=days)
            if moment >= self.now:
                continue
            for member in members:
                done = plan.get(member.user.id, (None, False))[0]
                if member.writes and (done is None or done > moment):
                    key = f"meeting-{meeting.id}:{label}"
                    self.reminder(member.user, cohort, "inventory_due", key, moment, meeting=title)
        moment = due - timedelta(days=2)
        if moment < self.now:
            missing = sum(
                1
                for m in members
                if m.writes and (plan.get(m.user.id, (None,))[0] or self.now) > moment
            )
            for member in members:
                if member.role == "organizer" and missing:
                    key = f"meeting-{meeting.id}:T-2d"
                    self.reminder(
                        member.user, cohort, "organizer_not_shared", key, moment,
                        meeting=title, count=missing,
                    )  # fmt: skip
        for label, delta in (("T-1d", timedelta(days=1)), ("T-1h", timedelta(hours=1))):
            moment = meeting.starts_at - delta
            if moment >= self.now:
                continue
            for member in members:
                if not plan.get(member.user.id, (None, False))[1]:
                    key = f"meeting-{meeting.id}:{label}"
                    self.reminder(member.user, cohort, "session_soon", key, moment, meeting=title)
