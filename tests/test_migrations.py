"""Migrations on an empty database of the kind under test (SQLite, or PostgreSQL from
COHORT_TEST_DATABASE_URL): upgrade, agreement with the models, downgrade and upgrade again."""

import shutil
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, select, text

from cohort import create_app, database
from cohort.auth.models import PasswordResetToken, User
from cohort.extensions import db
from cohort.inventories.models import Task

from . import factories
from .conftest import TEST_CONFIG

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@pytest.fixture
def empty_database_url(test_config, tmp_path):
    url = make_url(test_config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"{url.database}_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def migration_app(empty_database_url):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def add_user_with_reset_token() -> None:
    user = User(email="a@example.org", display_name="A", password_hash="x")
    db.session.add(user)
    db.session.flush()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash="0" * 64,
            expires_at=database.utcnow(),
        )
    )
    db.session.commit()


def test_upgrade_from_empty_creates_every_table(migration_app):
    flask_migrate.upgrade()
    assert table_names() == set(db.metadata.tables)


def test_models_and_migrations_agree(migration_app):
    flask_migrate.upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_upgrade_again_with_data(migration_app):
    flask_migrate.upgrade()
    add_user_with_reset_token()
    flask_migrate.downgrade(revision="base")
    assert table_names() == set()
    flask_migrate.upgrade()
    add_user_with_reset_token()
    assert db.session.scalar(select(PasswordResetToken)).user_id is not None


def test_each_revision_steps_down_and_up_with_data(migration_app):
    flask_migrate.upgrade()
    add_user_with_reset_token()
    config = migration_app.extensions["migrate"].migrate.get_config()
    for _ in ScriptDirectory.from_config(config).walk_revisions():
        flask_migrate.downgrade(revision="-1")
    assert table_names() == set()
    flask_migrate.upgrade()
    assert table_names() == set(db.metadata.tables)


REBUILD_USERS = '''
"""rebuild users (test only)"""
import sqlalchemy as sa
from alembic import op

revision = "testrebuild01"
down_revision = {head!r}


def upgrade():
    with op.batch_alter_table("users", recreate="always") as batch:
        batch.add_column(sa.Column("nickname", sa.String(20), nullable=True))


def downgrade():
    with op.batch_alter_table("users", recreate="always") as batch:
        batch.drop_column("nickname")
'''


@contextmanager
def migrations_with_a_users_rebuild(tmp_path: Path):
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, directory, ignore=shutil.ignore_patterns("__pycache__"))
    with db.engine.connect() as connection:
        head = MigrationContext.configure(connection).get_current_revision()
    (directory / "versions" / "99999999_9999_testrebuild01_rebuild_users.py").write_text(
        REBUILD_USERS.format(head=head)
    )
    yield str(directory)


def test_sqlite_table_rebuilds_never_cascade_into_child_rows(migration_app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("table rebuilds happen on SQLite only")
    flask_migrate.upgrade()
    add_user_with_reset_token()
    with migrations_with_a_users_rebuild(tmp_path) as directory:
        flask_migrate.upgrade(directory=directory)
        flask_migrate.downgrade(directory=directory, revision="-1")
    db.session.expire_all()
    assert db.session.scalar(select(PasswordResetToken)) is not None
    # Foreign keys are on again for the app afterwards.
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_without_the_guard_a_rebuild_would_lose_rows(migration_app, tmp_path, monkeypatch):
    """The control for the test above: it can fail."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("table rebuilds happen on SQLite only")
    flask_migrate.upgrade()
    add_user_with_reset_token()

    @contextmanager
    def no_guard(connection):
        yield

    monkeypatch.setattr(database, "sqlite_foreign_keys_off", no_guard)
    with migrations_with_a_users_rebuild(tmp_path) as directory:
        flask_migrate.upgrade(directory=directory)
    db.session.expire_all()
    assert db.session.scalar(select(PasswordResetToken)) is None


def test_migration_file_names_start_with_date_and_time():
    for path in (MIGRATIONS / "versions").glob("*.py"):
        stamp = path.name.split("_")[:2]
        assert len(stamp[0]) == 8 and stamp[0].isdigit(), path.name
        assert len(stamp[1]) == 4 and stamp[1].isdigit(), path.name


def test_tasks_planned_before_the_inventory_link_find_the_inventory_being_written(migration_app):
    flask_migrate.upgrade()
    user = factories.make_user(email="a@example.org", display_name="A")
    cohort = factories.make_cohort(organizer=user)
    months = [
        factories.make_shared_inventory(factories.make_meeting(cohort, starts_at=at), user)
        for at in (datetime(2026, 1, 20, 10, tzinfo=UTC), datetime(2026, 2, 20, 10, tzinfo=UTC))
    ]
    for inventory, started in zip(months, ("2026-01-10", "2026-02-10"), strict=True):
        inventory.created_at = datetime.fromisoformat(started).replace(tzinfo=UTC)
    planned = {"2025-12-01": "Before any", "2026-01-10 00:05": "January", "2026-02-15": "February"}
    for at, title in planned.items():
        created = datetime.fromisoformat(at).replace(tzinfo=UTC)
        db.session.add(Task(user_id=user.id, title=title, created_at=created))
    db.session.commit()
    flask_migrate.downgrade(revision="10adf1d845ae")
    flask_migrate.upgrade()
    rows = db.session.execute(select(Task.title, Task.inventory_id)).all()
    assert dict(rows) == {"Before any": None, "January": months[0].id, "February": months[1].id}
