"""The reminder scheduler: its own process, its jobs declared as data.

The web app never starts it (each gunicorn worker would send every reminder again). Jobs are
stateless ticks over our own tables, so restarting or running a job twice is harmless.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, utcnow
from .extensions import db
from .feedback.jobs import alert_missing_feedback
from .meetings.jobs import sync_all_meetings
from .mentoring.reminders import mentoring_job
from .notifications.jobs import (
    deliver_channel_messages,
    deliver_emails,
    purge_emails,
    send_reminders,
)

log = logging.getLogger(__name__)

HEARTBEAT_NAME = "scheduler"


class SchedulerHeartbeat(db.Model):
    """When the scheduler process last showed it was alive (read by /healthz)."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


def beat() -> None:
    """Record that the scheduler is alive."""
    heartbeat = db.session.get(SchedulerHeartbeat, HEARTBEAT_NAME)
    if heartbeat is None:
        heartbeat = SchedulerHeartbeat(name=HEARTBEAT_NAME)
        db.session.add(heartbeat)
    heartbeat.beat_at = utcnow()


def last_heartbeat() -> datetime | None:
    heartbeat = db.session.get(SchedulerHeartbeat, HEARTBEAT_NAME)
    return heartbeat.beat_at if heartbeat else None


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], None]
    seconds: int  # interval between ticks
    description: str


# Fixed ids: registering them again at every start replaces, never duplicates.
JOBS: tuple[Job, ...] = (
    Job("heartbeat", beat, 30, "Tell /healthz the scheduler is alive"),
    Job("sync_meetings", sync_all_meetings, 3600, "Keep sessions months ahead of each rhythm"),
    Job("reminders", send_reminders, 60, "Claim and queue the reminders due now"),
    Job("deliver_emails", deliver_emails, 30, "Send the outbox with retries"),
    Job("deliver_channels", deliver_channel_messages, 30, "Post to cohort chats with retries"),
    Job("purge_emails", purge_emails, 6 * 3600, "Delete sent and failed emails past retention"),
    Job(
        "feedback_alerts",
        alert_missing_feedback,
        900,
        "Tell organizers which shared inventories have no feedback 48 hours before it is due",
    ),
    Job(
        "mentoring",
        mentoring_job,
        900,
        "Remind mentoring pairs of one-to-ones, next steps and reviews; mentors' monthly digest",
    ),
)


def job_by_id(job_id: str) -> Job:
    for job in JOBS:
        if job.id == job_id:
            return job
    raise KeyError(job_id)


def run_job(app: Flask, job: Job) -> None:
    """Run one tick in an app context and commit it; a failing tick is logged, not fatal."""
    with app.app_context():
        try:
            job.func()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("scheduler job %s failed", job.id)
            raise
        finally:
            db.session.remove()


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A UTC scheduler with every job of JOBS: missed runs collapse into one (coalesce), a
    job never overlaps itself, and a run late by up to a tick still happens."""
    grace = max(app.config["SCHEDULER_TICK_SECONDS"], 60)
    scheduler = BlockingScheduler(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            args=(app, job),
            id=job.id,
            name=job.description,
            seconds=job.seconds,
            next_run_time=utcnow(),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(grace, job.seconds),
            replace_existing=True,
        )
    return scheduler
