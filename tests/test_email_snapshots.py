"""Every email kind rendered in English and Japanese, compared with reviewed snapshots (the
plain-text part in ``<kind>.<locale>.txt``, the HTML part in ``<kind>.<locale>.html``), and
the HTML checked for what every email has: the shared layout, a preheader, a title, one
button for its one action, and times that say their zone.

After changing an email on purpose: `UPDATE_SNAPSHOTS=1 make test`, then read the diff of
tests/snapshots/emails/ before committing it.
"""

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from cohort.emails import render_email

SNAPSHOTS = Path(__file__).parent / "snapshots" / "emails"
TEMPLATES = Path(__file__).parent.parent / "templates" / "email"
# Emails about the account itself, sent whatever the preferences: no unsubscribe link.
ACCOUNT = {"password_reset", "email_changed", "password_changed", "email_confirm", "invitation"}
# Emails that only inform: nothing to press.
NO_ACTION = {"email_changed"}
PREHEADER = re.compile(r'<div style="display: none;[^"]*">(.*?)(?:&#847;|</div>)', re.S)
BUTTON = re.compile(r'<a href="([^"]+)" class="email-button"[^>]*>(.*?)</a>', re.S)
TITLE = re.compile(r"<h1 [^>]*>(.*?)</h1>", re.S)
CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}(?!\d)")
ZONE_AFTER_TIME = {"en": " (Japan Time)", "ja": " (日本時間)"}

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
    "account_deleted": {"register_url": "https://cohort.example.org/register"},
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
    # December closes a quarter: the reminder also invites the quarter review.
    "reminder_inventory_due": {
        "meeting": MEETING,
        "cohort": COHORT,
        "quarter_url": "https://cohort.example.org/c/saturday/sessions/1/quarter",
    },
    "mentoring_digest": {
        "cohort": COHORT,
        "month": date(2026, 10, 1),
        "mentoring_url": "https://cohort.example.org/c/saturday/mentoring",
        "mentees": [
            SimpleNamespace(
                name="Ken",
                pair_url="https://cohort.example.org/c/saturday/mentoring/pairs/1",
                inventories=["October session"],
                new_goals=["Finish the SQL course"],
                closed_goals=[],
                open_steps=["Send two job posts"],
            ),
            SimpleNamespace(
                name="Aiko",
                pair_url="https://cohort.example.org/c/saturday/mentoring/pairs/2",
                inventories=[],
                new_goals=[],
                closed_goals=[],
                open_steps=[],
            ),
        ],
    },
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
    "session_recap": {
        "meeting": MEETING,
        "cohort": COHORT,
        "speakers": ["Hanako", "Kenji", "Mika"],
        "notes": "- Next session: January 9\n- Book club starts in February",
    },
    "session_missed": {
        "meeting": MEETING,
        "cohort": COHORT,
        "speakers": ["Kenji", "Mika"],
        "notes": "- Next session: January 9",
    },
}


def render(kind: str, locale: str, zone: str = "Asia/Tokyo", **changes) -> tuple[str, str, str]:
    """As sent: account emails (queue_message) carry no unsubscribe link."""
    urls = {k: v for k, v in URLS.items() if k != "unsubscribe_url" or kind not in ACCOUNT}
    context = {**CONTEXTS[kind], **changes}
    return render_email(kind, locale=locale, user=USER, zone=zone, **urls, **context)


def matches_snapshot(rendered: str, name: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no snapshot yet: run UPDATE_SNAPSHOTS=1 for {path.name}"
    assert rendered == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_email_matches_its_snapshot(app, kind, locale):
    subject, text, html = render(kind, locale)
    matches_snapshot(f"Subject: {subject}\n\n{text.strip()}\n", f"{kind}.{locale}.txt")
    matches_snapshot(html.strip() + "\n", f"{kind}.{locale}.html")
    assert f'<html lang="{locale}">' in html


def test_every_email_is_snapshotted_and_uses_the_shared_layout():
    """A new email gets the product's look by extending email/base.html, and a snapshot."""
    kinds = {
        path.name.removesuffix(".html")
        for path in TEMPLATES.glob("*.html")
        if path.name != "base.html" and not path.name.startswith("_")
    }
    assert kinds == set(CONTEXTS)
    for kind in kinds:
        source = (TEMPLATES / f"{kind}.html").read_text(encoding="utf-8")
        assert source.startswith('{% extends "email/base.html" %}'), kind
        assert (TEMPLATES / f"{kind}.txt").exists(), f"{kind} has no plain-text part"
        assert "<style" not in source and "class=" not in source.replace("email-button", ""), kind


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_html_email_has_the_products_layout(app, kind, locale):
    subject, text, html = render(kind, locale)
    assert "<style" not in html and "<script" not in html  # mail clients strip both
    assert "max-width: 600px" in html
    assert '<meta name="viewport"' in html
    assert f"<title>{subject}</title>" in html
    assert ">&nbsp;Cohort</a>" in html  # the header with the product's name
    assert 'href="http://cohort.test/"' in html  # the header leads home
    preheader = PREHEADER.search(html)
    assert preheader and preheader.group(1).strip(), "no preheader"
    assert "\n" not in preheader.group(1)
    title = TITLE.search(html)
    assert title and title.group(1).strip(), "no title"
    buttons = BUTTON.findall(html)
    if kind in NO_ACTION:
        assert buttons == []
    else:
        assert len(buttons) == 1, "one clear action per email"
        url, label = buttons[0]
        assert url.startswith("https://cohort.example.org/")
        assert url in text, "the plain-text part offers the same action"
        assert label.strip()


@pytest.mark.parametrize("kind", sorted(set(CONTEXTS) - NO_ACTION))
def test_button_and_preheader_are_translated(app, kind):
    # A nudge's preheader is the organizer's own message when there is one.
    changes = {"message": ""} if kind == "nudge" else {}
    english, japanese = render(kind, "en", **changes)[2], render(kind, "ja", **changes)[2]
    assert BUTTON.search(english).group(2) != BUTTON.search(japanese).group(2)
    assert PREHEADER.search(english).group(1) != PREHEADER.search(japanese).group(1)
    assert "Or open this address:" in english and "Or open this address:" not in japanese


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_every_time_shown_carries_its_zone(app, kind, locale):
    subject, text, html = render(kind, locale)
    for part in (subject, text, html):
        for match in CLOCK_TIME.finditer(part):
            after = part[match.end() : match.end() + len(ZONE_AFTER_TIME[locale])]
            assert after == ZONE_AFTER_TIME[locale], f"{match.group()} without its zone"


def test_times_are_in_the_recipients_zone_and_language(app):
    text_paris_ja = render("reminder_session", "ja", zone="Europe/Paris")[1]
    assert "12月12日(土) 02:00 (フランス時間)" in text_paris_ja
    text_la_en = render("reminder_session", "en", zone="America/Los_Angeles")[1]
    assert "Fri 11 Dec, 17:00 (United States (Los Angeles) Time)" in text_la_en
    assert "Sat 12 Dec, 01:00 (UTC)" in render("reminder_session", "en", zone="UTC")[1]


def test_a_nudge_previews_the_organizers_message(app):
    html = render("nudge", "ja")[2]
    assert PREHEADER.search(html).group(1) == CONTEXTS["nudge"]["message"]


@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_japanese_emails_are_not_english(app, kind):
    english, japanese = render(kind, "en"), render(kind, "ja")
    assert english[0] != japanese[0]
