"""Flask commands: ``scheduler``, ``users``, ``translate``, ``push``, ``demo``."""

import unicodedata
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask import current_app
from flask.cli import AppGroup

from .errors import DomainError
from .extensions import db

scheduler_cli = AppGroup("scheduler", help="The reminder scheduler process.")
users_cli = AppGroup("users", help="Manage accounts.")
translate_cli = AppGroup("translate", help="Update and compile the translation catalogs.")
push_cli = AppGroup("push", help="Web push notifications.")

TRANSLATIONS = Path(__file__).parent / "translations"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CATALOG_WIDTH = "100"  # the width the catalogs are kept at, so updates show only real changes


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the scheduler in the foreground until interrupted."""
    from .scheduler import JOBS, build_scheduler

    scheduler = build_scheduler(current_app._get_current_object())
    click.echo(f"Scheduler running {len(JOBS)} job(s): {', '.join(job.id for job in JOBS)}")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@scheduler_cli.command("tick")
@click.argument("job_id")
def scheduler_tick(job_id: str) -> None:
    """Run one job once, now."""
    from .scheduler import JOBS, job_by_id, run_job

    try:
        job = job_by_id(job_id)
    except KeyError:
        known = ", ".join(job.id for job in JOBS)
        raise click.BadParameter(f"unknown job {job_id!r}; known jobs: {known}") from None
    run_job(current_app._get_current_object(), job)
    click.echo(f"Ran {job.id}.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", "display_name", help="Display name for a new account.")
@click.option("--password", help="Password for a new account (asked for when omitted).")
def create_admin(email: str, display_name: str | None, password: str | None) -> None:
    """Make EMAIL a site administrator, creating the account if it does not exist."""
    from .auth.services import find_user_by_email, make_admin

    if find_user_by_email(email) is None and not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = make_admin(email, display_name, password)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"{user.email} is a site administrator.")


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


@translate_cli.command("update")
def translate_update() -> None:
    """Extract messages from code and templates and merge them into every catalog."""
    pot = TRANSLATIONS / "messages.pot"
    _pybabel(
        "extract",
        "-F", str(TRANSLATIONS / "babel.cfg"),
        "-k", "_l", "-k", "lazy_gettext",
        "--no-location", "--sort-output", "--width", CATALOG_WIDTH,
        "-o", str(pot),
        str(PROJECT_ROOT),
    )  # fmt: skip
    _pybabel(
        "update", "-i", str(pot), "-d", str(TRANSLATIONS),
        "--no-fuzzy-matching", "--width", CATALOG_WIDTH,
    )  # fmt: skip
    click.echo("Catalogs updated; translate the new entries in cohort/translations/*/.")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogs into the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS))


@push_cli.command("keys")
def push_keys() -> None:
    """Print a new VAPID key pair as settings for the server's environment."""
    from .delivery.channels.push import generate_keys

    keys = generate_keys()
    click.echo(f"COHORT_VAPID_PRIVATE_KEY={keys['private_key']}")
    click.echo(f"COHORT_VAPID_PUBLIC_KEY={keys['public_key']}")
    click.echo(
        "# Set both once and keep them: devices subscribed under one public key stop "
        "receiving pushes when it changes.",
        err=True,
    )


@click.command("demo")
@click.option("--force", is_flag=True, help="Add the demo even though real accounts exist.")
@click.option("--reset", is_flag=True, help="Rebuild the demo as of today if it is already here.")
def demo(force: bool, reset: bool) -> None:
    """Fill the database with two demo cohorts (Japanese and English) and six months of life."""
    from .database import utcnow
    from .demo.install import (
        DEMO_PASSWORD,
        RealUsersPresent,
        companion_logins,
        install_demo,
        logins,
    )
    from .schema import schema_state

    if current_app.config["REQUIRE_CURRENT_SCHEMA"] and not schema_state().is_current:
        raise click.ClickException(
            "The database is not at the latest migration: run `make migrate` "
            "(or flask --app wsgi db upgrade) first, then the demo again."
        )
    try:
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            built = install_demo(utcnow(), force=force, reset=reset)
            db.session.commit()
    except RealUsersPresent as error:
        # A choice, not a failure: say what was kept and how to go on, and exit 0 so that
        # `make demo` does not end in an error.
        click.echo(
            f"The demo was not added: this database has {error.count} account(s) that are not "
            "part of the demo, and the demo never mixes with real accounts unless asked.\n"
            "To add it beside them: make demo DEMO_ARGS=--force "
            "(or flask --app wsgi demo --force). To start afresh: delete "
            "instance/cohort.sqlite3, then make demo."
        )
        return
    click.echo(
        "Demo cohorts created." if built else "The demo is here already (--reset rebuilds it)."
    )
    base_url = current_app.config["BASE_URL"]
    click.echo(f"\nLog in at {base_url}/login with the password {DEMO_PASSWORD}:\n")
    cohort = None
    for login in logins():
        if login.cohort != cohort:
            cohort = login.cohort
            click.echo(f"  {cohort}")
        click.echo(f"    {login.role:<10} {_padded(login.name, 16)} {login.email}")
    click.echo(
        "\nThe companion (“Ask me a question” on the inventory form) is on for "
        + " and ".join(companion_logins())
        + "."
    )


def _padded(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns; Japanese characters take two."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - columns, 0)
