"""The app serves only on a database at the latest migration (cohort/schema.py)."""

import logging

import flask_migrate
import pytest

from cohort import create_app, schema
from cohort.extensions import db

from .conftest import TEST_CONFIG
from .test_migrations import empty_database_url  # noqa: F401  (fixture)


@pytest.fixture
def gated_app(empty_database_url, monkeypatch):  # noqa: F811
    monkeypatch.setattr(schema, "RECHECK_SECONDS", 0.0)
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "REQUIRE_CURRENT_SCHEMA": True,
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def migrate(app, revision: str = "head", *, down: bool = False) -> None:
    with app.app_context():
        if down:
            flask_migrate.downgrade(revision=revision)
        else:
            flask_migrate.upgrade(revision=revision)
        db.engine.dispose()


def test_an_unmigrated_database_gets_503_and_a_message_on_stderr(gated_app, caplog):
    with caplog.at_level(logging.ERROR, logger="cohort.schema"):
        response = gated_app.test_client().get("/login")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "flask --app wsgi db upgrade" in response.get_data(as_text=True)
    assert "更新中" in response.get_data(as_text=True)
    assert any("db upgrade" in record.getMessage() for record in caplog.records)


def test_serving_starts_by_itself_once_migrated(gated_app):
    client = gated_app.test_client()
    assert client.get("/login").status_code == 503
    migrate(gated_app)
    assert client.get("/login").status_code == 200


def test_a_database_one_migration_behind_is_refused(gated_app):
    migrate(gated_app)
    migrate(gated_app, "-1", down=True)
    with gated_app.app_context():
        state = schema.schema_state()
    assert not state.is_current
    assert state.current and state.current != state.expected
    assert gated_app.test_client().get("/login").status_code == 503


def test_the_state_names_both_revisions(gated_app):
    migrate(gated_app)
    with gated_app.app_context():
        state = schema.schema_state()
    assert state.is_current
    assert state.as_dict() == {
        "status": "ok",
        "current": list(schema.expected_heads()),
        "expected": list(schema.expected_heads()),
    }


def test_command_line_tools_are_never_gated(gated_app):
    """`flask db upgrade` must work on exactly the database the gate refuses to serve."""
    result = gated_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert gated_app.test_client().get("/login").status_code == 200


def test_healthz_says_the_schema_is_behind_and_answers_503(gated_app):
    response = gated_app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["schema"] == {
        "status": "behind",
        "current": [],
        "expected": list(schema.expected_heads()),
    }
    assert body["scheduler"] is None  # not read from tables that may not exist yet


def test_healthz_reports_a_current_schema(gated_app):
    migrate(gated_app)
    body = gated_app.test_client().get("/healthz").get_json()
    assert body["schema"]["status"] == "ok"
    assert body["scheduler"]["status"] == "not seen yet"
