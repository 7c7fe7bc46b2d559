"""Reminders: due at the right local moment, claimed once, queued in the outbox."""

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from cohort.auth.models import User
from cohort.cohorts.models import RhythmKind
from cohort.delivery import notices as notification_services
from cohort.delivery.models import Notification, OutboundEmail, ReminderDelivery
from cohort.extensions import db
from cohort.inventories import services as inventory_services
from cohort.meetings.models import Meeting
from cohort.notifications.due import shifted
from cohort.notifications.reminders import send_due_reminders

from . import factories

BERLIN = "Europe/Berlin"


def make_session(cohort, due_local: datetime) -> Meeting:
    """A session two days after ``due_local`` (naive, in the cohort's zone)."""
    from zoneinfo import ZoneInfo

    due = due_local.replace(tzinfo=ZoneInfo(cohort.timezone)).astimezone(UTC)
    meeting = Meeting(
        cohort_id=cohort.id,
        title="Session",
        starts_at=due + timedelta(days=2),
        ends_at=due + timedelta(days=2, hours=2),
        inventory_due_at=due,
        feedback_due_at=due + timedelta(days=9),
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def berlin(app):
    organizer = factories.make_user(timezone=BERLIN)
    cohort = factories.make_cohort(organizer, timezone=BERLIN, rhythm_kind=RhythmKind.MANUAL)
    cohort.first_reminder_days, cohort.last_reminder_days = 7, 1
    db.session.commit()
    return cohort


def tick(frozen_time, moment: datetime, kind: str = "inventory_due") -> int:
    """Run the reminders job at ``moment``; how many reminders of ``kind`` it claimed."""
    before = len(claimed(kind))
    frozen_time.move_to(moment)
    send_due_reminders(moment)
    db.session.commit()
    return len(claimed(kind)) - before


def claimed(kind: str = "inventory_due") -> list[tuple[int, str]]:
    rows = db.session.scalars(select(ReminderDelivery).where(ReminderDelivery.kind == kind))
    return sorted((row.user_id, row.period_key) for row in rows)


@pytest.mark.parametrize(
    ("due_local", "why"),
    [
        (datetime(2027, 3, 30, 10, 0), "7 days earlier is before the spring change"),
        (datetime(2027, 11, 2, 10, 0), "7 days earlier is before the autumn change"),
        (datetime(2027, 3, 1, 10, 0), "1 day earlier is the end of February"),
    ],
)
def test_reminders_keep_the_local_hour_across_dst_and_month_ends(
    frozen_time, berlin, due_local, why
):
    meeting = make_session(berlin, due_local)
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):
        member = factories.make_user(timezone=zone)
        factories.set_local_hours(member, quiet_start=time(0), quiet_end=time(0))  # awake
        factories.add_member(berlin, member)
    for days in (7, 1):
        moment = shifted(meeting.inventory_due_at, BERLIN, days=days)
        local = moment.astimezone(__import__("zoneinfo").ZoneInfo(BERLIN))
        assert (local.hour, local.minute) == (10, 0), why
        assert tick(frozen_time, moment - timedelta(minutes=15)) == 0
        assert tick(frozen_time, moment) == 3  # the organizer and the two members
        assert tick(frozen_time, moment + timedelta(minutes=15)) == 0
    keys = claimed()
    assert len(keys) == 6 and len(set(keys)) == 6


def test_each_recipient_reads_the_time_in_their_own_zone(frozen_time, berlin):
    meeting = make_session(berlin, datetime(2027, 5, 10, 10, 0))
    ken = factories.make_user(display_name="Ken", timezone="America/Los_Angeles")
    factories.set_local_hours(ken, quiet_start=time(0), quiet_end=time(0))  # no quiet hours
    factories.add_member(berlin, ken)
    tick(frozen_time, shifted(meeting.inventory_due_at, BERLIN, days=1))
    email = db.session.scalar(select(OutboundEmail).where(OutboundEmail.user_id == ken.id))
    assert "Mon 10 May, 01:00" in email.text_body  # 10:00 in Berlin is 01:00 in Los Angeles


def test_after_downtime_only_the_latest_missed_reminder_goes_out_once(frozen_time, berlin):
    meeting = make_session(berlin, datetime(2027, 6, 20, 10, 0))
    tick(frozen_time, shifted(meeting.inventory_due_at, BERLIN, days=3))  # after T-7d
    assert claimed() == [(berlin_organizer_id(berlin), f"meeting-{meeting.id}:T-7d")]
    # Down from T-3d until hours after T-1d: only T-1d is sent, once.
    later = shifted(meeting.inventory_due_at, BERLIN, days=1) + timedelta(hours=5)
    assert tick(frozen_time, later) == 1
    assert tick(frozen_time, later + timedelta(minutes=1)) == 0
    assert tick(frozen_time, meeting.inventory_due_at + timedelta(minutes=1)) == 0
    assert len(claimed()) == 2


def berlin_organizer_id(cohort) -> int:
    from cohort.cohorts.models import Membership, Role

    return db.session.scalar(
        select(Membership.user_id).where(
            Membership.cohort_id == cohort.id, Membership.role == Role.ORGANIZER
        )
    )


def test_shared_paused_removed_archived_and_mentors_get_no_inventory_reminder(frozen_time, berlin):
    meeting = make_session(berlin, datetime(2027, 7, 10, 10, 0))
    shared, paused, removed, mentor, waiting = (factories.make_user() for _ in range(5))
    for user in (shared, paused, waiting):
        factories.add_member(berlin, user)
    factories.add_member(berlin, removed, status="removed")
    factories.add_member(berlin, mentor, role="mentor")
    inventory = inventory_services.save_inventory(
        shared, meeting, inventory_services.InventoryInput(answers={"did": "x"}), 0
    )
    inventory_services.share_inventory(shared, inventory)
    inventory_services.pause_month(paused, meeting)
    db.session.commit()
    tick(frozen_time, shifted(meeting.inventory_due_at, BERLIN, days=1))
    users = {user_id for user_id, _ in claimed()}
    assert users == {waiting.id, berlin_organizer_id(berlin)}
    berlin.is_archived = True
    db.session.commit()
    db.session.execute(ReminderDelivery.__table__.delete())
    db.session.commit()
    assert tick(frozen_time, shifted(meeting.inventory_due_at, BERLIN, days=1)) == 0


def test_opting_out_stops_the_email_but_not_the_bell(frozen_time, berlin):
    meeting = make_session(berlin, datetime(2027, 8, 10, 10, 0))
    ken = factories.make_user()
    factories.add_member(berlin, ken)
    notification_services.unsubscribe(ken.id, "inventory_due")
    db.session.commit()
    tick(frozen_time, shifted(meeting.inventory_due_at, BERLIN, days=1))
    assert db.session.scalar(select(OutboundEmail).where(OutboundEmail.user_id == ken.id)) is None
    assert db.session.scalar(select(Notification).where(Notification.user_id == ken.id))


def test_organizers_hear_who_has_not_shared_two_days_before(frozen_time, berlin):
    meeting = make_session(berlin, datetime(2027, 9, 10, 10, 0))
    factories.add_member(berlin, factories.make_user(display_name="Aiko"))
    tick(frozen_time, shifted(meeting.inventory_due_at, BERLIN, days=2))
    email = db.session.scalar(
        select(OutboundEmail).where(OutboundEmail.kind == "organizer_reminders")
    )
    assert "Aiko" in email.text_body


def test_session_reminders_a_day_and_an_hour_before(frozen_time, berlin):
    meeting = make_session(berlin, datetime(2027, 9, 20, 10, 0))
    meeting.place = "Cafe Lindenblatt"
    db.session.commit()
    tick(frozen_time, shifted(meeting.starts_at, BERLIN, days=1))
    tick(frozen_time, meeting.starts_at - timedelta(hours=1))
    tick(frozen_time, meeting.starts_at - timedelta(minutes=30))
    keys = [key for _, key in claimed("session_soon")]
    assert keys == [f"meeting-{meeting.id}:T-1d", f"meeting-{meeting.id}:T-1h"]
    email = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "session_soon")
    ).all()[-1]
    assert "Cafe Lindenblatt" in email.text_body and ".ics" in email.text_body


def test_two_ticks_at_once_queue_each_reminder_exactly_once(app, frozen_time, berlin):
    meeting = make_session(berlin, datetime(2027, 10, 10, 10, 0))
    for _ in range(49):
        factories.add_member(berlin, factories.make_user())
    moment = shifted(meeting.inventory_due_at, BERLIN, days=1)
    frozen_time.move_to(moment)
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def run():
        with app.app_context():
            try:
                start.wait()
                send_due_reminders(moment)
                db.session.commit()
            except Exception as error:  # SQLite may refuse the second writer: it retries below
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:  # the refused tick runs again, as the scheduler would a minute later
        send_due_reminders(moment)
        db.session.commit()
    emails = db.session.scalar(
        select(func.count()).select_from(OutboundEmail).where(OutboundEmail.kind == "inventory_due")
    )
    assert emails == 50


def test_nudge_reminds_only_those_who_have_not_shared(client, user, frozen_time):
    cohort = factories.make_cohort(user, rhythm_kind=RhythmKind.MANUAL)
    meeting = make_session(cohort, datetime(2027, 11, 20, 10, 0))
    frozen_time.move_to(meeting.inventory_due_at - timedelta(days=3))
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    logged_in = client
    shared, waiting = factories.make_user(), factories.make_user(display_name="Waiting")
    for member in (shared, waiting):
        factories.add_member(cohort, member)
    inventory = inventory_services.save_inventory(
        shared, meeting, inventory_services.InventoryInput(answers={"did": "x"}), 0
    )
    inventory_services.share_inventory(shared, inventory)
    db.session.commit()
    url = f"/c/{cohort.slug}/organize/sessions/{meeting.id}/nudge"
    logged_in.post(url, data={"message": "We miss your voice!"})
    logged_in.post(url, data={"message": "We miss your voice!"})  # a double click
    emails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "nudge")).all()
    assert [email.user_id for email in emails] == [waiting.id]
    assert "We miss your voice!" in emails[0].text_body


def test_two_scheduler_processes_at_once_queue_each_reminder_once(app, test_config, berlin):
    """Two `flask scheduler tick reminders` processes against the same PostgreSQL database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    url = test_config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("separate processes share a database only on PostgreSQL here")
    now = datetime.now(UTC)
    meeting = make_session(berlin, datetime(2030, 1, 1, 10, 0))
    meeting.inventory_due_at = now + timedelta(hours=12)  # the T-1d reminder is due now
    meeting.starts_at = now + timedelta(days=2)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    for _ in range(49):
        factories.add_member(berlin, factories.make_user())
    for membership_user in db.session.scalars(select(User)):  # whatever the hour of the run
        factories.set_local_hours(membership_user, quiet_start=time(0), quiet_end=time(0))
    db.session.commit()
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "COHORT_DATABASE_URL": url, "COHORT_SECRET_KEY": "test"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "tick", "reminders"]
    processes = [subprocess.Popen(command, cwd=root, env=env) for _ in range(2)]
    assert [process.wait(timeout=120) for process in processes] == [0, 0]
    db.session.expire_all()
    emails = db.session.scalar(
        select(func.count()).select_from(OutboundEmail).where(OutboundEmail.kind == "inventory_due")
    )
    assert emails == 50


def test_the_digest_goes_only_to_members_away_since_the_last_one(frozen_time, berlin):
    may = make_session(berlin, datetime(2027, 4, 10, 10, 0))
    june = make_session(berlin, datetime(2027, 5, 10, 10, 0))
    ken, away, around = (factories.make_user(display_name=n) for n in ("Ken", "Away", "Around"))
    for user in (ken, away, around):
        factories.add_member(berlin, user)
    for meeting, energy, try_text in ((may, 2, "Ask for feedback"), (june, 4, "Teach a class")):
        inventory = inventory_services.save_inventory(
            ken,
            meeting,
            inventory_services.InventoryInput(answers={"try": try_text}, energy=energy),
            0,
        )
        inventory_services.share_inventory(ken, inventory)
    moment = shifted(june.starts_at, BERLIN, days=2)
    away.last_seen_at = moment - timedelta(days=40)
    around.last_seen_at = moment - timedelta(hours=3)
    organizer = db.session.get(User, berlin_organizer_id(berlin))
    organizer.last_seen_at = moment - timedelta(days=1)
    db.session.commit()
    tick(frozen_time, moment, kind="digest")
    digests = db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "digest")).all()
    assert [email.user_id for email in digests] == [away.id]
    assert "Teach a class" in digests[0].text_body
    assert "2 → 4" in digests[0].text_body


def test_feedback_owed_when_assigned_and_a_day_before_it_is_due(frozen_time, berlin):
    from cohort.feedback.models import FeedbackAssignment

    meeting = make_session(berlin, datetime(2027, 12, 1, 10, 0))
    ken, aiko, mika = (factories.make_user(display_name=n) for n in ("Ken", "Aiko", "Mika"))
    for user in (ken, aiko, mika):
        factories.add_member(berlin, user)
    frozen_time.move_to(meeting.inventory_due_at - timedelta(hours=1))
    inventory = factories.make_shared_inventory(meeting, ken)
    after_session = meeting.ends_at + timedelta(hours=1)
    frozen_time.move_to(after_session)
    for giver in (aiko, mika):
        db.session.add(
            FeedbackAssignment(
                cohort_id=berlin.id,
                meeting_id=meeting.id,
                inventory_id=inventory.id,
                giver_id=giver.id,
                recipient_id=ken.id,
            )
        )
    db.session.commit()
    assert tick(frozen_time, after_session + timedelta(minutes=1), kind="feedback_owed") == 2
    factories.make_feedback(inventory, mika)
    last_call = shifted(meeting.feedback_due_at, BERLIN, days=1)
    assert tick(frozen_time, last_call, kind="feedback_owed") == 1  # Mika has given hers
    email = db.session.scalars(
        select(OutboundEmail)
        .where(OutboundEmail.kind == "feedback_owed")
        .order_by(OutboundEmail.id)  # the last call is the newest (rows come in any order)
    ).all()[-1]
    assert email.user_id == aiko.id and "Ken" in email.text_body


def test_a_digest_shows_a_peer_who_shares_the_readers_name(frozen_time, berlin):
    june = make_session(berlin, datetime(2027, 5, 10, 10, 0))
    reader, namesake = (factories.make_user(display_name="Ken") for _ in range(2))
    for user in (reader, namesake):
        factories.add_member(berlin, user)
    inventory = inventory_services.save_inventory(
        namesake, june, inventory_services.InventoryInput(answers={"try": "Teach a class"}), 0
    )
    inventory_services.share_inventory(namesake, inventory)
    db.session.commit()
    tick(frozen_time, shifted(june.starts_at, BERLIN, days=2), kind="digest")
    digests = db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "digest")).all()
    assert reader.id in {email.user_id for email in digests}
    assert namesake.id not in {email.user_id for email in digests}  # nothing but their own
    assert all("Teach a class" in email.text_body for email in digests)
