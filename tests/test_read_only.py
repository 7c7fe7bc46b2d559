"""A request that only read ends with COMMIT (so psycopg keeps its prepared statements);
anything that wrote, failed or left changes pending still ends with a rollback."""

from contextlib import suppress

import pytest
from flask import abort
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import DBAPIError

from cohort.auth.models import User
from cohort.extensions import db

from . import factories


@pytest.fixture
def routes(make_app):
    """An app with routes that misbehave on purpose."""
    app = make_app()

    @app.get("/_write_then_404")
    def write_then_404():
        db.session.execute(update(User).values(display_name="Changed"))
        abort(404)

    @app.get("/_pending_add")
    def pending_add():
        db.session.scalars(select(User)).all()
        db.session.add(User(email="pending@example.org", display_name="Pending"))
        return "left pending"

    @app.get("/_raw_write")
    def raw_write():
        db.session.execute(text("UPDATE users SET display_name = 'Raw'"))
        return "wrote without committing"

    @app.get("/_read_with")
    def read_with():
        named = text("WITH named AS (SELECT display_name FROM users) SELECT count(*) FROM named")
        return str(db.session.scalar(named))

    @app.get("/_write_with")
    def write_with():
        db.session.execute(
            text(
                "WITH named AS (SELECT 'With' AS name) "
                "UPDATE users SET display_name = (SELECT name FROM named)"
            )
        )
        return "wrote after WITH without committing"

    @app.get("/_failed_statement")
    def failed_statement():
        db.session.scalars(select(User)).all()
        with suppress(DBAPIError):  # the view swallows it: the transaction is broken
            db.session.execute(text("SELECT * FROM no_such_table"))
        return "swallowed a failure"

    return app


@pytest.fixture
def endings(app, routes):
    """How each transaction of the apps' engines ended, in order."""
    ended: list[str] = []
    with routes.app_context():
        engines = [db.engine]
    engines.append(db.engine)

    def on_commit(conn):
        ended.append("commit")

    def on_rollback(conn):
        ended.append("rollback")

    for engine in engines:
        event.listen(engine, "commit", on_commit)
        event.listen(engine, "rollback", on_rollback)
    yield ended
    for engine in engines:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "rollback", on_rollback)


def test_a_page_that_only_reads_ends_with_commit(logged_in, endings):
    response = logged_in.get("/notifications")
    assert response.status_code == 200
    assert endings[-1:] == ["commit"]
    assert "rollback" not in endings


def test_a_write_followed_by_an_error_page_is_rolled_back(routes, user, endings):
    client = routes.test_client()
    assert client.get("/_write_then_404").status_code == 404
    assert endings[-1] == "rollback"
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Ann"


def test_changes_left_pending_are_not_committed(routes, user, endings):
    assert routes.test_client().get("/_pending_add").status_code == 200
    assert "commit" not in endings
    assert db.session.scalar(select(User).where(User.email == "pending@example.org")) is None


def test_a_raw_write_without_commit_is_rolled_back(routes, user, endings):
    assert routes.test_client().get("/_raw_write").status_code == 200
    assert endings[-1] == "rollback"
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Ann"


def test_a_statement_after_with_reads_or_writes_as_its_text_says(routes, user, endings):
    """A SELECT after WITH (the organizer overview's) only reads: the request commits. One
    that writes after WITH ends in a rollback, as any other write. (Whether the write is then
    undone is the driver's: pysqlite runs a statement that starts with WITH outside of any
    transaction, PostgreSQL undoes it.)"""
    client = routes.test_client()
    assert client.get("/_read_with").get_data(as_text=True) == "1"
    assert endings[-1:] == ["commit"] and "rollback" not in endings
    assert client.get("/_write_with").status_code == 200
    assert endings[-1] == "rollback"


def test_the_organizer_overview_ends_with_commit(logged_in, user, endings):
    """Its sessions statement starts with WITH (``organizer.overview_rows``)."""
    cohort = factories.make_cohort(user)
    assert logged_in.get(f"/c/{cohort.slug}/organize/").status_code == 200
    assert endings[-1:] == ["commit"] and "rollback" not in endings


def test_a_transaction_with_a_failed_statement_is_not_committed(routes, user, endings):
    assert routes.test_client().get("/_failed_statement").status_code == 200
    assert "commit" not in endings


def test_postgresql_keeps_prepared_statements_between_requests(make_app, test_config):
    if not test_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's")
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    with app.app_context():
        user = factories.make_user(email="bo@example.org", display_name="Bo")
        email = user.email
        db.session.remove()

    @app.get("/_prepared", endpoint="_prepared")
    def prepared():
        return str(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))

    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code
    for _ in range(8):  # psycopg prepares a statement from its fifth run on a connection
        assert client.get("/notifications").status_code == 200
    assert int(client.get("/_prepared").get_data(as_text=True)) > 0
