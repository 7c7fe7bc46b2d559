"""Every email kind rendered in English and Japanese, compared with reviewed snapshots.

After changing an email on purpose: `UPDATE_SNAPSHOTS=1 make test`, then read the diff of
tests/snapshots/emails/ before committing it.
"""

import os
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from cohort.emails import render_email

SNAPSHOTS = Path(__file__).parent / "snapshots" / "emails"

USER = SimpleNamespace(display_name="Hanako", email="hanako@example.org")
COHORT = SimpleNamespace(name="Saturday Circle", timezone="Asia/Tokyo", slug="saturday")
MEETING = SimpleNamespace(
    title="December session",
    starts_at=datetime(2026, 12, 12, 1, 0, tzinfo=UTC),
    inventory_due_at=datetime(2026, 12, 10, 1, 0, tzinfo=UTC),
    place="Shibuya, room 3",
    online_url="https://meet.example.org/circle",
)
URLS = {
    "write_url": "https://cohort.example.org/c/saturday/sessions/1/inventory",
    "session_url": "https://cohort.example.org/c/saturday/sessions/1",
    "ics_url": "https://cohort.example.org/c/saturday/sessions/1.ics",
    "month_url": "https://cohort.example.org/c/saturday/organize/sessions/1/inventories",
    "unsubscribe_url": "https://cohort.example.org/unsubscribe/token",
}

CONTEXTS = {
    "password_reset": {
        "reset_url": "https://cohort.example.org/password/reset/token",
        "max_age_minutes": 60,
    },
    "email_changed": {"old_email": "old@example.org"},
    "password_changed": {"forgot_url": "https://cohort.example.org/password/forgot"},
    "email_confirm": {
        "new_email": "hanako.new@example.org",
        "confirm_url": "https://cohort.example.org/settings/email/confirm/token",
        "max_age_hours": 24,
    },
    "invitation": {
        "cohort": COHORT,
        "inviter": SimpleNamespace(display_name="Mika"),
        "join_url": "https://cohort.example.org/join/token",
        "expires_at": datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
    },
    "reminder_inventory_due": {"meeting": MEETING, "cohort": COHORT},
    "reminder_organizer": {"meeting": MEETING, "cohort": COHORT, "names": ["Ken", "Aiko"]},
    "reminder_session": {"meeting": MEETING, "cohort": COHORT, "in_an_hour": False},
    "digest": {
        "meeting": MEETING,
        "cohort": COHORT,
        "peers": [
            SimpleNamespace(
                name="Ken",
                try_text="Teach one class at the community centre.",
                moved={"energy": (2, 4), "network": (3, 4)},
                achieved=["Finish the UX course"],
            )
        ],
    },
    "reminder_feedback_owed": {
        "meeting": SimpleNamespace(
            title="December session", feedback_due_at=datetime(2026, 12, 19, 1, 0, tzinfo=UTC)
        ),
        "cohort": COHORT,
        "names": ["Ken", "Aiko"],
        "feedback_url": "https://cohort.example.org/c/saturday/feedback",
        "last_call": True,
    },
    "reminder_feedback_missing": {
        "meeting": SimpleNamespace(
            title="December session", feedback_due_at=datetime(2026, 12, 19, 1, 0, tzinfo=UTC)
        ),
        "cohort": COHORT,
        "names": ["Ken"],
    },
    "session_changed": {
        "meeting": MEETING,
        "cohort": COHORT,
        "organizer": SimpleNamespace(display_name="Mika"),
        "changed": ["time", "place"],
    },
    "session_cancelled": {
        "meeting": MEETING,
        "cohort": COHORT,
        "organizer": SimpleNamespace(display_name="Mika"),
        "sessions_url": "https://cohort.example.org/c/saturday/sessions/",
    },
    "nudge": {
        "meeting": MEETING,
        "cohort": COHORT,
        "organizer": SimpleNamespace(display_name="Mika"),
        "message": "We would love to hear how the new job is going.",
    },
    "personal_note": {
        "cohort": COHORT,
        "organizer": SimpleNamespace(display_name="Mika"),
        "note": "Hi Hanako, I noticed your energy has been low lately.\nShall we talk?",
        "cohort_url": "https://cohort.example.org/c/saturday/",
    },
}


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_email_matches_its_snapshot(app, kind, locale):
    subject, text, html = render_email(
        kind, locale=locale, user=USER, zone="Asia/Tokyo", **URLS, **CONTEXTS[kind]
    )
    rendered = f"Subject: {subject}\n\n{text.strip()}\n"
    path = SNAPSHOTS / f"{kind}.{locale}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no snapshot yet: run UPDATE_SNAPSHOTS=1 for {path.name}"
    assert rendered == path.read_text(encoding="utf-8")
    assert f'<html lang="{locale}">' in html


@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_japanese_emails_are_not_english(app, kind):
    english = render_email(
        kind, locale="en", user=USER, zone="Asia/Tokyo", **URLS, **CONTEXTS[kind]
    )
    japanese = render_email(
        kind, locale="ja", user=USER, zone="Asia/Tokyo", **URLS, **CONTEXTS[kind]
    )
    assert english[0] != japanese[0]
