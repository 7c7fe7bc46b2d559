"""Reminders held back by local hours wait in SQL until their release: not evaluated again at
every tick, never sent early nor twice, and they follow a member's new hours or a moved session."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from cohort.cohorts.models import RhythmKind
from cohort.delivery import holds
from cohort.delivery.models import OutboundEmail, ReminderDelivery, ReminderHold
from cohort.extensions import db
from cohort.notifications import reminders
from cohort.notifications.reminders import send_due_reminders

from . import factories

BERLIN = "Europe/Berlin"
LA = "America/Los_Angeles"


def at(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def releases(monkeypatch):
    """The zone of every release a tick works out (one per member's hours and due moment)."""
    evaluated: list[str] = []
    original = reminders.release

    def counting(moment, deadline, hours, *, urgent=False):
        evaluated.append(hours.zone)
        return original(moment, deadline, hours, urgent=urgent)

    monkeypatch.setattr(reminders, "release", counting)
    return evaluated


@pytest.fixture
def night(app):
    """A Berlin cohort whose T-1d inventory reminder falls at 10:00 Berlin, 01:00 in LA, for
    Ken in LA (held until 09:00 his time) and an organizer in Berlin (sent at once)."""
    organizer = factories.make_user(timezone=BERLIN)
    cohort = factories.make_cohort(organizer, timezone=BERLIN, rhythm_kind=RhythmKind.MANUAL)
    cohort.first_reminder_days, cohort.last_reminder_days = 7, 1
    due = at(BERLIN, 2027, 5, 12, 10, 0)
    meeting = factories.make_meeting(
        cohort, starts_at=due + timedelta(days=2), inventory_due_at=due
    )
    ken = factories.make_user(display_name="Ken", timezone=LA)
    factories.add_member(cohort, ken)
    db.session.commit()
    return meeting, ken, due - timedelta(days=1)


def tick(frozen_time, moment: datetime) -> int:
    frozen_time.move_to(moment)
    sent = send_due_reminders(moment)
    db.session.commit()
    return sent


def claimed_by(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(ReminderDelivery.period_key).where(
                ReminderDelivery.user_id == user_id, ReminderDelivery.kind == "inventory_due"
            )
        )
    )


def emails_to(user_id: int) -> int:
    return len(
        db.session.scalars(select(OutboundEmail).where(OutboundEmail.user_id == user_id)).all()
    )


def test_a_held_reminder_is_not_evaluated_again_before_its_release(
    frozen_time, night, releases, count_queries
):
    meeting, ken, moment = night
    tick(frozen_time, moment)
    assert claimed_by(ken.id) == []
    hold = db.session.get(ReminderHold, (ken.id, "inventory_due", f"meeting-{meeting.id}:T-1d"))
    assert hold.not_before == at(LA, 2027, 5, 11, 9, 0)
    assert LA in releases
    releases.clear()
    for hour in (2, 5, 8):
        with count_queries() as counter:
            assert tick(frozen_time, at(LA, 2027, 5, 11, hour, 59)) == 0
        # nothing selected: no hours read, no hold written, no release worked out
        assert releases == []
        assert not any("delivery_settings" in s and "users.id IN" in s for s in counter.statements)
        assert not any("INSERT INTO reminder_holds" in s for s in counter.statements)
    assert claimed_by(ken.id) == []
    tick(frozen_time, at(LA, 2027, 5, 11, 9, 0))
    assert claimed_by(ken.id) == [f"meeting-{meeting.id}:T-1d"]
    for minute in (1, 2):
        tick(frozen_time, at(LA, 2027, 5, 11, 9, minute))
    assert emails_to(ken.id) == 1


def test_a_held_reminder_follows_earlier_hours(frozen_time, night):
    meeting, ken, moment = night
    tick(frozen_time, moment)
    assert claimed_by(ken.id) == []
    # Ken now wakes at 05:00 and wants reminders at 05:30: 06:00 in LA is no longer quiet.
    factories.set_local_hours(
        ken, quiet_start=time(22), quiet_end=time(5), reminder_time=time(5, 30)
    )
    tick(frozen_time, at(LA, 2027, 5, 11, 5, 29))
    assert claimed_by(ken.id) == []
    tick(frozen_time, at(LA, 2027, 5, 11, 5, 30))
    assert claimed_by(ken.id) == [f"meeting-{meeting.id}:T-1d"]
    assert emails_to(ken.id) == 1


def test_a_held_reminder_follows_later_hours(frozen_time, night):
    meeting, ken, moment = night
    tick(frozen_time, moment)
    factories.set_local_hours(ken, quiet_start=time(22), quiet_end=time(10), reminder_time=time(11))
    tick(frozen_time, at(LA, 2027, 5, 11, 9, 0))  # the old release: now quiet for him
    tick(frozen_time, at(LA, 2027, 5, 11, 10, 59))
    assert claimed_by(ken.id) == []
    tick(frozen_time, at(LA, 2027, 5, 11, 11, 0))
    assert claimed_by(ken.id) == [f"meeting-{meeting.id}:T-1d"]
    assert emails_to(ken.id) == 1


def test_a_held_reminder_follows_a_new_time_zone(frozen_time, night):
    meeting, ken, moment = night
    tick(frozen_time, moment)
    ken.timezone = BERLIN  # he moved: 10:00 in Berlin is daytime
    db.session.commit()
    tick(frozen_time, moment + timedelta(minutes=1))
    assert claimed_by(ken.id) == [f"meeting-{meeting.id}:T-1d"]


def test_a_held_reminder_follows_its_session_when_it_moves(frozen_time, night):
    meeting, ken, moment = night
    tick(frozen_time, moment)  # held until 09:00 in LA on the 11th
    # The session moves: its inventory is now due at 10:30 in LA on the 11th, so the T-1d
    # reminder fell due at 10:30 in LA the day before (daytime) and goes at once.
    meeting.inventory_due_at = at(LA, 2027, 5, 11, 10, 30)
    meeting.starts_at = meeting.inventory_due_at + timedelta(days=1)
    db.session.commit()
    tick(frozen_time, moment + timedelta(minutes=1))
    assert claimed_by(ken.id) == [f"meeting-{meeting.id}:T-1d"]


def test_old_holds_are_forgotten(frozen_time, night):
    _meeting, ken, moment = night
    tick(frozen_time, moment)
    assert db.session.scalar(select(ReminderHold.user_id)) == ken.id
    assert holds.forget_old_holds(moment + timedelta(days=10)) == 0
    assert holds.forget_old_holds(moment + holds.KEEP + timedelta(days=2)) == 1
