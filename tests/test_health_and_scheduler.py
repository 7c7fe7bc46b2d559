"""/healthz and the scheduler process's job list."""

from datetime import timedelta

import pytest

from cohort import scheduler
from cohort.database import utcnow
from cohort.extensions import db


def test_healthz_reports_the_database_and_an_unseen_scheduler(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["scheduler"]["last_heartbeat_age_seconds"] is None


def test_healthz_reports_the_heartbeat_age(client, frozen_time):
    scheduler.beat()
    db.session.commit()
    frozen_time.shift(42)
    body = client.get("/healthz").json
    assert body["scheduler"] == {"status": "ok", "last_heartbeat_age_seconds": 42.0}


def test_healthz_fails_when_the_heartbeat_is_older_than_three_minutes(client, frozen_time):
    scheduler.beat()
    db.session.commit()
    frozen_time.shift(3 * 60 + 1)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["scheduler"]["status"] == "stale"


def test_healthz_fails_when_the_database_is_unreachable(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_scheduler_tick_command_runs_one_job(runner, app):
    result = runner.invoke(args=["scheduler", "tick", "heartbeat"])
    assert result.exit_code == 0, result.output
    beat_at = scheduler.last_heartbeat()
    assert beat_at is not None
    assert utcnow() - beat_at < timedelta(seconds=10)


def test_scheduler_tick_names_the_known_jobs_for_an_unknown_one(runner):
    result = runner.invoke(args=["scheduler", "tick", "nope"])
    assert result.exit_code != 0
    assert "heartbeat" in result.output


def test_jobs_have_fixed_ids_and_safe_defaults(app):
    built = scheduler.build_scheduler(app)
    jobs = {job.id: job for job in built.get_jobs()}
    assert set(jobs) == {job.id for job in scheduler.JOBS}
    for job in jobs.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time >= app.config["SCHEDULER_TICK_SECONDS"]
    assert str(built.timezone) == "UTC"


def test_a_failing_job_rolls_back_and_is_reported(app, monkeypatch):
    def broken():
        scheduler.beat()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        scheduler.run_job(app, scheduler.Job("broken", broken, 60, "test"))
    assert scheduler.last_heartbeat() is None


def test_the_web_app_never_starts_a_scheduler(app):
    assert "apscheduler" not in app.extensions
    assert not any("scheduler" in name.lower() for name in app.extensions)
