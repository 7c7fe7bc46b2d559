"""Shared fixtures: the app on SQLite (or PostgreSQL from COHORT_TEST_DATABASE_URL), a clean
database per test, a client, a login helper, frozen time and a query counter."""

import os
import re
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import URL, create_engine, event, make_url, text

from cohort import create_app, fragments
from cohort.config import DefaultConfig
from cohort.extensions import db, limiter
from cohort.inventories.cards import forget_templates

from . import factories

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test secret key",
    "BASE_URL": "http://cohort.test",
    "WTF_CSRF_ENABLED": False,
    "MAIL_BACKEND": "locmem",
    # The suite's schema comes from the models (create_all); tests/test_schema.py checks the gate.
    "REQUIRE_CURRENT_SCHEMA": False,
    # The suite's processes build hundreds of apps: none freezes what it holds (test_garbage).
    "GC_FREEZE_AFTER_REQUESTS": 0,
    "RATELIMIT_STORAGE_URI": "memory://",
    # Limits stay on, but generous; tests of the limits set the real ones (see `real_limits`).
    "RATELIMIT_LOGIN": "10000 per minute",
    "RATELIMIT_PASSWORD_RESET": "10000 per minute",
    "RATELIMIT_JOIN": "10000 per minute",
    "RATELIMIT_LOGIN_ACCOUNT": "10000 per minute",
    "RATELIMIT_PASSWORD_RESET_EMAIL": "10000 per minute",
    "RATELIMIT_CHEERS": "10000 per minute",
    "RATELIMIT_FEEDBACK": "10000 per minute",
    "RATELIMIT_NUDGES": "10000 per minute",
    "RATELIMIT_INVITATIONS": "10000 per minute",
    "RATELIMIT_EXPORT": "10000 per minute",
    "RATELIMIT_COMPANION": "10000 per minute",
    "RATELIMIT_AUTOSAVE": "10000 per minute",
    "RATELIMIT_PREVIEW": "10000 per minute",
    "RATELIMIT_PUSH_DEVICES": "10000 per minute",
    # A fixed VAPID pair for the tests only (none is written under instance/).
    "VAPID_PRIVATE_KEY": "MDK4USggLpeu11bfEL47jdyWlXDhJCnYMSJ0LZNQCQ8",
    "VAPID_PUBLIC_KEY": (
        "BCBh1ZsMmKPEFTW6FtdseM96L1NQ-5hRxJ5eGfO6skbB9eLreWPmZMUP2xKOmGO7eIwzG_aA4hwdy7eok-HhxUo"
    ),
    "VAPID_SUBJECT": "mailto:admin@cohort.test",
    # Cheap hashes keep the suite fast; production cost is checked in test_passwords.py.
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_COST": 1024,
}


# Every limit the `real_limits` fixture sets back to its production value.
RATE_LIMITS = (
    "RATELIMIT_LOGIN",
    "RATELIMIT_PASSWORD_RESET",
    "RATELIMIT_JOIN",
    "RATELIMIT_LOGIN_ACCOUNT",
    "RATELIMIT_PASSWORD_RESET_EMAIL",
    "RATELIMIT_CHEERS",
    "RATELIMIT_FEEDBACK",
    "RATELIMIT_NUDGES",
    "RATELIMIT_INVITATIONS",
    "RATELIMIT_EXPORT",
    "RATELIMIT_COMPANION",
    "RATELIMIT_AUTOSAVE",
    "RATELIMIT_PREVIEW",
    "RATELIMIT_PUSH_DEVICES",
)


def database_url(tmp_path_factory) -> str:
    """SQLite in a temporary folder, or COHORT_TEST_DATABASE_URL; with several test workers
    (pytest -n), each worker gets a PostgreSQL database of its own beside the one named."""
    url = os.environ.get("COHORT_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    return own_database(make_url(url), f"{make_url(url).database}_{worker}")


def own_database(url: URL, name: str) -> str:
    """``name`` on the server of ``url``, created like the named one when it is missing."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not found:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
            setting = connection.scalar(text("SHOW synchronous_commit"))
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = {setting}'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def test_config(tmp_path_factory) -> dict:
    return {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory)}


@pytest.fixture(scope="session")
def _schema(test_config):
    app = create_app(test_config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Gives each request its own app context, as in production.

    Flask reuses an app context that is already pushed (the test's own), which would share
    ``g`` (and Flask-Login's cached user) and the database session between requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def make_app(test_config, _schema):
    """Build an app with extra config on the shared test database."""
    apps = []

    def make(**overrides):
        app = create_app({**test_config, **overrides})
        app.test_client_class = FreshContextClient
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def _shared_app(test_config, _schema):
    app = create_app(test_config)
    app.test_client_class = FreshContextClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_shared_app):
    """The app every test uses (built once: templates compile once), on a clean database."""
    with _shared_app.app_context():
        yield _shared_app
        db.session.remove()
        clean_database()
        limiter.reset()
        fragments.forget()  # ids start at 1 again: so would the pieces' keys
        forget_templates()  # and the templates' (cohort.inventories.cards.section_titles)


@pytest.fixture
def real_limits(app, monkeypatch):
    """The production rate limits, for tests of the limits themselves."""
    for key in RATE_LIMITS:
        monkeypatch.setitem(app.config, key, getattr(DefaultConfig, key))


def clean_database() -> None:
    """Empty every table and start ids at 1 again.

    On PostgreSQL, DELETE on a test's few rows takes milliseconds where TRUNCATE of every
    table (new files for each table and index) took a large share of the suite's time; the
    sequences are set back in the same round trip.
    """
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    deletes = [f"DELETE FROM {table}" for table in tables]  # noqa: S608 (our table names)
    if db.engine.dialect.name == "postgresql":
        restart = "SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S'"
        db.session.execute(text("; ".join([*deletes, restart])))
    else:
        for delete in deletes:
            db.session.execute(text(delete))
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Emails sent during the test (Flask-Mailman's in-memory backend)."""
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = factories.PASSWORD, remember: bool = False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def user(app):
    return factories.make_user(email="ann@example.org", display_name="Ann")


@pytest.fixture
def logged_in(auth, user):
    """The client, logged in as ``user``."""
    response = auth.login(user.email)
    assert response.status_code == 302
    return auth.client


@pytest.fixture
def frozen_time():
    """Time stands still at a known moment; ``frozen_time.shift(seconds)`` moves it.

    Request it before login fixtures: a session signed later than "now" is refused.
    """
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter:`` records every SQL statement run inside."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def redis_url() -> str:
    """A Redis database for tests of counters shared by processes (skipped without a server)."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return url
