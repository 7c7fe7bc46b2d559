"""Emails: both parts, the recipient's language, and the development backend."""

from cohort.emails import EmailBackend, external_url
from cohort.extensions import db
from cohort.notifications.outbox import deliver_now, queue_message

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
