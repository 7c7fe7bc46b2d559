"""Sending email in the recipient's language, and the development mail backend."""

import sys
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman.backends.file import EmailBackend as FileBackend


def external_url(endpoint: str, **values) -> str:
    """An absolute link built on the configured BASE_URL, never on the request's Host."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def render_email(template: str, *, locale: str, **context) -> tuple[str, str, str]:
    """``templates/email/<template>.{subject.txt,txt,html}`` in ``locale``: subject, text, HTML."""
    with force_locale(locale):
        subject = render_template(f"email/{template}.subject.txt", **context).strip()
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(
            f"email/{template}.html",
            subject=subject,
            home_url=external_url("main.home"),
            **context,
        )
    return subject, text, html


class EmailBackend(FileBackend):
    """Development backend: each message in a file under instance/mail/, and a readable copy
    on the console. Selected with MAIL_BACKEND = "cohort.emails"."""

    def write_message(self, message):
        super().write_message(message)
        sys.stdout.write(
            f"\n--- email to {', '.join(message.to)}: {message.subject}\n{message.body}\n"
            f"--- saved in {self._get_filename()}\n"
        )
        sys.stdout.flush()
