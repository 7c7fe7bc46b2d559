"""A pooled PostgreSQL connection is checked with a round trip only after it sat unused
(``DATABASE_PING_AFTER_IDLE``, cohort/database.py), against the real server: one that died
while idle is replaced before the request runs; one used a moment ago is not checked."""

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from cohort.extensions import db

ONE_CONNECTION = {"pool_size": 1, "max_overflow": 0}


@pytest.fixture
def postgres(test_config) -> str:
    url = test_config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("the connection check is PostgreSQL's")
    return url


@pytest.fixture
def pinged_app(make_app, postgres, monkeypatch):
    """An app with one pooled connection, a page that names the server process serving it,
    and the pings its pool sends, counted."""

    def make(after: float | None):
        app = make_app(SQLALCHEMY_ENGINE_OPTIONS=ONE_CONNECTION, DATABASE_PING_AFTER_IDLE=after)
        with app.app_context():
            dialect = db.engine.dialect
        ping = dialect.do_ping
        app.pings = 0

        def counted(dbapi_connection):
            app.pings += 1
            return ping(dbapi_connection)

        monkeypatch.setattr(dialect, "do_ping", counted)

        @app.get("/_backend", endpoint="_backend")
        def backend():
            return str(db.session.scalar(text("SELECT pg_backend_pid()")))

        return app

    return make


def backend_of(client) -> int:
    response = client.get("/_backend")
    assert response.status_code == 200
    return int(response.get_data(as_text=True))


def terminate(postgres: str, pid: int) -> None:
    """End a server process from outside, as a database restart or an idle timeout would."""
    url = make_url(postgres).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        assert conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]


def test_a_connection_used_a_moment_ago_is_not_checked(pinged_app):
    client = pinged_app(after=3600).test_client()
    pids = {backend_of(client) for _ in range(4)}
    assert len(pids) == 1  # the same pooled connection each time
    assert client.application.pings == 0


def test_an_idle_connection_is_checked_and_a_dead_one_replaced_before_the_request(
    pinged_app, postgres
):
    client = pinged_app(after=0).test_client()  # every connection counts as idle
    first = backend_of(client)
    assert backend_of(client) == first
    assert client.application.pings == 1
    terminate(postgres, first)
    second = backend_of(client)  # answered: the check found the dead connection
    assert second != first
    assert client.application.pings == 2


def test_without_the_check_a_dead_connection_fails_one_request_then_the_pool_recovers(
    pinged_app, postgres
):
    """What the idle window trades: a connection that died within it fails the request it
    carries, with the error page (the rollback that ends its transaction must not fail in
    turn), and that failure replaces the pool for the next request."""
    client = pinged_app(after=None).test_client()
    first = backend_of(client)
    terminate(postgres, first)
    failed = client.get("/_backend")
    assert failed.status_code == 500
    assert "<html" in failed.get_data(as_text=True)
    assert backend_of(client) != first
    assert client.application.pings == 0
