"""Emails: both parts, the recipient's language and zone, and the development backend."""

from datetime import UTC, datetime

from cohort.cohorts.emails import queue_invitation_email
from cohort.delivery.outbox import deliver_now, queue_email, queue_message
from cohort.emails import EmailBackend, external_url
from cohort.extensions import db
from cohort.i18n import zone_place

from . import factories


def send_email(to: str, template: str, *, locale: str, **context) -> None:
    """What the account views do: queue in the transaction, then try at once."""
    email = queue_message(to, template, locale=locale, **context)
    db.session.commit()
    assert deliver_now(email)


def test_every_email_has_a_text_and_an_html_part(app, outbox):
    user = factories.make_user()
    send_email(user.email, "email_changed", locale="en", user=user, old_email="old@example.org")
    (message,) = outbox
    assert "old@example.org" in message.body
    assert message.alternatives[0][1] == "text/html"
    html = message.alternatives[0][0]
    assert html.startswith("<!doctype html>")
    assert "<p style=" in html and "old@example.org" in html


def test_emails_are_rendered_in_the_recipients_language(app, outbox):
    user = factories.make_user(locale="ja")
    send_email(user.email, "email_changed", locale="ja", user=user, old_email="old@example.org")
    send_email(user.email, "email_changed", locale="en", user=user, old_email="old@example.org")
    japanese, english = outbox
    assert japanese.subject != english.subject
    assert english.subject == "Your Cohort email address was changed"
    assert '<html lang="ja">' in japanese.alternatives[0][0]


def test_links_in_emails_use_the_configured_base_url(make_app):
    app = make_app(BASE_URL="https://cohort.example.org/community")
    with app.app_context():
        url = external_url("auth.reset_password", token="abc")
    assert url == "https://cohort.example.org/community/password/reset/abc"


def test_development_backend_writes_files_and_prints(make_app, tmp_path, capsys):
    app = make_app(MAIL_BACKEND="cohort.emails", MAIL_FILE_PATH=str(tmp_path))
    with app.app_context():
        user = factories.make_user()
        address = user.email
        send_email(address, "email_changed", locale="en", user=user, old_email="x@example.org")
        db.session.remove()
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert "Subject: Your Cohort email address was changed" in files[0].read_text()
    assert "email to " + address in capsys.readouterr().out
    assert EmailBackend is not None


def test_an_email_shows_times_in_the_recipients_zone_and_names_it(app):
    organizer = factories.make_user(timezone="Asia/Tokyo")
    cohort = factories.make_cohort(organizer)  # a Tokyo cohort
    meeting = factories.make_meeting(cohort, starts_at=datetime(2027, 3, 6, 1, 0, tzinfo=UTC))
    in_paris = factories.make_user(locale="ja", timezone="Europe/Paris")
    in_tokyo = factories.make_user(locale="en", timezone="Asia/Tokyo")
    context = {"meeting": meeting, "cohort": cohort, "session_url": "u", "ics_url": "i"}
    paris = queue_email(in_paris, "session_soon", "reminder_session", **context)
    tokyo = queue_email(in_tokyo, "session_soon", "reminder_session", **context)
    assert "3月6日(土) 02:00 (フランス時間)" in paris.text_body
    assert "3月6日(土) 02:00 (フランス時間)" in paris.html_body
    assert "Sat 6 Mar, 10:00 (Japan Time)" in tokyo.text_body


def test_an_invitation_shows_its_expiry_in_the_invitees_own_zone_when_known(app):
    organizer = factories.make_user(timezone="Asia/Tokyo")
    cohort = factories.make_cohort(organizer)
    factories.make_user(email="ken@example.org", timezone="America/New_York")
    known = factories.make_invitation(cohort, organizer, email="ken@example.org")
    unknown = factories.make_invitation(cohort, organizer, email="new@example.org")
    assert "(United States (New York) Time)" in queue_invitation_email(known, organizer).text_body
    assert "(Japan Time)" in queue_invitation_email(unknown, organizer).text_body


def test_zones_are_named_as_people_say_them_or_else_by_their_id():
    assert zone_place("Asia/Tokyo", "en") == "Japan Time"
    assert zone_place("Asia/Tokyo", "ja") == "日本時間"
    assert zone_place("UTC", "ja") == "UTC"
    assert zone_place("America/Argentina/Buenos_Aires", "en") == "America/Argentina/Buenos Aires"
