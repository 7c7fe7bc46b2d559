"""Reminders at scale: a tick costs what is new, claims in bounded batches, holds few locks."""

import math
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, insert, select, text

from cohort.auth.models import User
from cohort.cohorts.models import Cohort, Membership, RhythmKind, Role
from cohort.delivery import outbox
from cohort.delivery.models import Notification, OutboundEmail, ReminderDelivery
from cohort.extensions import db
from cohort.meetings.models import Meeting
from cohort.notifications.reminders import send_due_reminders

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


def build_cohorts(cohorts: int, members: int, due_at: datetime, tag: str = "") -> None:
    """``cohorts`` cohorts of one organizer and ``members - 1`` members, each with a session
    whose inventory is due at ``due_at``, inserted in bulk (no password hashing, no ORM)."""
    first = db.session.scalar(select(func.coalesce(func.max(User.id), 0))) + 1
    db.session.execute(
        insert(User),
        [
            {
                "email": f"m{tag}{n}@example.org",
                "display_name": f"Member {tag}{n}",
                "password_hash": "-",
            }
            for n in range(first, first + cohorts * members)
        ],
    )
    user_ids = list(range(first, first + cohorts * members))
    db.session.execute(
        insert(Cohort),
        [
            {
                "slug": f"c{tag}{c}",
                "name": f"Cohort {tag}{c}",
                "timezone": "Europe/Berlin",
                "rhythm_kind": RhythmKind.MANUAL,
                "first_reminder_days": 7,
                "last_reminder_days": 3,
            }
            for c in range(cohorts)
        ],
    )
    cohort_ids = db.session.scalars(
        select(Cohort.id).where(Cohort.slug.like(f"c{tag}%")).order_by(Cohort.id)
    ).all()
    db.session.execute(
        insert(Meeting),
        [
            {
                "cohort_id": cohort_id,
                "title": "Session",
                "starts_at": due_at + timedelta(days=2),
                "ends_at": due_at + timedelta(days=2, hours=2),
                "inventory_due_at": due_at,
                "feedback_due_at": due_at + timedelta(days=9),
            }
            for cohort_id in cohort_ids
        ],
    )
    db.session.execute(
        insert(Membership),
        [
            {
                "cohort_id": cohort_id,
                "user_id": user_ids[c * members + m],
                "role": Role.ORGANIZER if m == 0 else Role.MEMBER,
            }
            for c, cohort_id in enumerate(cohort_ids)
            for m in range(members)
        ],
    )
    db.session.commit()


def count(model, kind: str = "inventory_due") -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.kind == kind))


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The templates of every email rendered during the test."""
    rendered: list[str] = []
    original = outbox.render_email

    def counting(template, **context):
        rendered.append(template)
        return original(template, **context)

    monkeypatch.setattr(outbox, "render_email", counting)
    return rendered


def test_a_tick_with_nothing_new_costs_the_same_for_3_or_150_members(count_queries, renders):
    """Inventory (T-3d) reminders are due; once claimed, a tick runs the same statements
    whether there is one cohort of 3 or six cohorts of up to 30, and renders nothing."""
    due = NOW + timedelta(days=3) - timedelta(minutes=30)
    build_cohorts(1, 3, due, tag="a")
    assert send_due_reminders(NOW) == 3
    with count_queries() as small:
        assert send_due_reminders(NOW) == 0
    build_cohorts(5, 30, due, tag="b")
    assert send_due_reminders(NOW) == 150
    emails = db.session.scalar(select(func.count()).select_from(OutboundEmail))
    rendered = len(renders)
    with count_queries() as large:
        assert send_due_reminders(NOW) == 0
    assert large.count == small.count, (small.statements, large.statements)
    assert len(renders) == rendered  # nothing already claimed is rendered again
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == emails
    assert count(ReminderDelivery) == count(Notification) == count(OutboundEmail) == 153


def test_a_due_tick_reads_preferences_per_batch_not_per_email(count_queries):
    """Sending to 5 or to 60 members in one batch runs the same statements: the batch's
    email preferences, users and sessions are each read once (the rows are written at
    commit, one insert per table)."""
    from cohort.delivery import notices as notification_services

    due = NOW + timedelta(days=3) - timedelta(minutes=30)
    counts = []
    for tag, members in (("a", 5), ("b", 60)):
        build_cohorts(1, members, due, tag=tag)
        opted_out = db.session.scalar(
            select(User.id).where(User.email.like(f"m{tag}%")).order_by(User.id.desc())
        )
        notification_services.unsubscribe(opted_out, "inventory_due")
        db.session.commit()
        with count_queries() as counter:
            assert send_due_reminders(NOW) == members
        counts.append(
            len([s for s in counter.statements if not s.lstrip().upper().startswith("INSERT")])
        )
        mail = select(OutboundEmail).where(OutboundEmail.user_id == opted_out)
        assert db.session.scalar(mail) is None
    assert counts[0] == counts[1]


def share_and_assign(tag: str, assign: bool) -> None:
    """Each cohort's organizer shares an inventory; with ``assign``, every member is asked
    to give feedback on it."""
    from cohort.feedback.models import FeedbackAssignment

    from . import factories

    organizers = db.session.execute(
        select(Meeting, User)
        .join(Membership, Membership.cohort_id == Meeting.cohort_id)
        .join(User, User.id == Membership.user_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .where(Cohort.slug.like(f"c{tag}%"), Membership.role == Role.ORGANIZER)
    ).all()
    for meeting, organizer in organizers:
        inventory = factories.make_shared_inventory(meeting, organizer)
        if assign:
            givers = db.session.scalars(
                select(Membership.user_id).where(
                    Membership.cohort_id == meeting.cohort_id, Membership.role == Role.MEMBER
                )
            ).all()
            db.session.execute(
                insert(FeedbackAssignment),
                [
                    {
                        "cohort_id": meeting.cohort_id,
                        "meeting_id": meeting.id,
                        "inventory_id": inventory.id,
                        "giver_id": giver_id,
                        "recipient_id": organizer.id,
                        "created_at": NOW - timedelta(hours=1),
                    }
                    for giver_id in givers
                ],
            )
    db.session.commit()


@pytest.mark.parametrize(
    ("due_in", "assign", "kinds"),
    [
        (timedelta(days=1, hours=-1), False, {"inventory_due", "organizer_not_shared"}),
        (timedelta(days=-1, hours=-2), False, {"session_soon", "digest"}),
        (timedelta(days=-3), True, {"feedback_owed"}),
    ],
)
def test_other_kinds_cost_the_same_too(count_queries, due_in, assign, kinds):
    """Organizer summaries, session reminders, digests and owed feedback: once claimed, a
    tick runs the same statements for one cohort of 3 or five of 30."""
    counts = []
    for tag, cohorts, members in (("a", 1, 3), ("b", 5, 30)):
        build_cohorts(cohorts, members, NOW + due_in, tag=tag)
        share_and_assign(tag, assign)
        assert send_due_reminders(NOW) > 0
        with count_queries() as counter:
            assert send_due_reminders(NOW) == 0
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert set(db.session.scalars(select(ReminderDelivery.kind))) == kinds


def test_claims_commit_in_bounded_batches_each_with_its_notifications_and_emails(app, monkeypatch):
    build_cohorts(2, 5, NOW + timedelta(days=3) - timedelta(minutes=30))
    monkeypatch.setitem(app.config, "REMINDER_BATCH_SIZE", 4)
    session = db.session()
    commits: list[tuple[int, int, int]] = []
    original = session.commit

    def commit():
        commits.append((count(ReminderDelivery), count(Notification), count(OutboundEmail)))
        original()

    monkeypatch.setattr(session, "commit", commit)
    assert send_due_reminders(NOW) == 10
    assert len(commits) == math.ceil(10 / 4)
    assert commits == [(4, 4, 4), (8, 8, 8), (10, 10, 10)]
    assert len(set(db.session.scalars(select(ReminderDelivery.user_id)))) == 10


def test_a_crash_mid_tick_keeps_committed_batches_and_sends_the_rest_once(app, monkeypatch):
    build_cohorts(1, 10, NOW + timedelta(days=3) - timedelta(minutes=30))
    monkeypatch.setitem(app.config, "REMINDER_BATCH_SIZE", 4)
    calls = []
    original = outbox.queue_emails

    def failing(emails):
        calls.append(1)
        if len(calls) == 2:  # the second batch's emails
            raise RuntimeError("the mail template broke")
        return original(emails)

    monkeypatch.setattr("cohort.notifications.reminders.queue_emails", failing)
    with pytest.raises(RuntimeError):
        send_due_reminders(NOW)
    db.session.rollback()
    assert count(ReminderDelivery) == count(Notification) == count(OutboundEmail) == 4
    assert send_due_reminders(NOW) == 6
    assert count(ReminderDelivery) == count(Notification) == count(OutboundEmail) == 10


# PostgreSQL: two schedulers at once over thousands of reminders ----------------------------


def _lock_sampler(url: str, stop: threading.Event, peaks: list[int]) -> None:
    """Sample the locks held in this database from a connection of its own."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            while not stop.is_set():
                peaks.append(
                    connection.execute(
                        text(
                            "SELECT count(*) FROM pg_locks l JOIN pg_database d "
                            "ON d.oid = l.database WHERE d.datname = current_database()"
                        )
                    ).scalar()
                )
                connection.commit()
                time.sleep(0.02)
    finally:
        engine.dispose()


def test_two_ticks_at_once_send_thousands_of_reminders_once_with_few_locks(app, test_config):
    url = test_config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("lock counts and concurrent writers are checked on PostgreSQL")
    build_cohorts(3, 1000, NOW + timedelta(days=3) - timedelta(minutes=30))
    stop, peaks, errors = threading.Event(), [], []
    start = threading.Barrier(2)

    def tick():
        with app.app_context():
            try:
                start.wait()
                send_due_reminders(NOW)
                db.session.commit()
            except Exception as error:
                errors.append(error)
                raise
            finally:
                db.session.remove()

    sampler = threading.Thread(target=_lock_sampler, args=(url, stop, peaks))
    sampler.start()
    ticks = [threading.Thread(target=tick) for _ in range(2)]
    for thread in ticks:
        thread.start()
    for thread in ticks:
        thread.join()
    stop.set()
    sampler.join()
    assert not errors
    assert count(ReminderDelivery) == count(Notification) == count(OutboundEmail) == 3000
    assert len(peaks) > 5 and max(peaks) < 200, max(peaks)
