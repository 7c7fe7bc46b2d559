"""Mentoring reminders and the mentor's monthly digest: each goes once through the ledger,
also when two ticks run at the same moment."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cohort.delivery.models import Notification, OutboundEmail
from cohort.extensions import db
from cohort.inventories.models import Goal
from cohort.mentoring import services, space
from cohort.mentoring.models import Decision, Side
from cohort.mentoring.reminders import send_mentoring_reminders

from . import factories

NOW = datetime(2027, 3, 10, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo, the cohort's zone


@pytest.fixture
def pair(app):
    organizer = factories.make_user(display_name="Olga")
    cohort = factories.make_cohort(organizer)
    member = factories.make_user(display_name="Mia")
    mentor = factories.make_user(display_name="Dana")
    factories.add_member(cohort, member)
    mentor_membership = factories.add_member(cohort, mentor, role="mentor")
    services.save_profile(mentor, cohort, services.ProfileInput(fields="data"))
    request = services.create_request(member, cohort, "Data analysis", [])
    pairing = services.pair(organizer, cohort, request, mentor_membership.id)
    services.accept_pairing(mentor, pairing)
    pairing.started_on = date(2027, 1, 5)
    db.session.add(Goal(user_id=member.id, title="Learn SQL",
                        created_at=datetime(2027, 2, 3, tzinfo=UTC)))  # fmt: skip
    db.session.commit()
    return pairing


def kinds(user_id: int) -> list[str]:
    return sorted(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user_id))
    )


def test_one_to_one_and_steps_due_remind_once(pair):
    member, mentor = pair.mentee.user, pair.mentor.user
    space.log_one_to_one(
        mentor,
        pair,
        date(2027, 3, 1),
        "Notes",
        [
            space.StepInput("Finish the course", Side.MENTEE, date(2027, 3, 11)),
            space.StepInput("Send posts", Side.MENTOR, date(2027, 4, 30)),
        ],
        next_meeting_on=date(2027, 3, 11),
    )
    db.session.commit()
    send_mentoring_reminders(NOW)
    send_mentoring_reminders(NOW + timedelta(hours=1))  # the next tick: nothing new
    assert kinds(member.id) == ["mentoring_one_to_one", "mentoring_started", "mentoring_steps_due"]
    assert "mentoring_steps_due" not in kinds(mentor.id)  # the mentor's step is not due
    assert "mentoring_one_to_one" in kinds(mentor.id)


def test_the_review_reminds_the_side_that_has_not_answered(pair):
    member, mentor = pair.mentee.user, pair.mentor.user
    pair.review_months = 2  # due 5 March
    space.answer_review(member, pair, 4, "", Decision.CONTINUE)
    db.session.commit()
    send_mentoring_reminders(NOW)
    send_mentoring_reminders(NOW)
    assert kinds(mentor.id).count("mentoring_review_due") == 1
    assert "mentoring_review_due" not in kinds(member.id)


def test_the_monthly_digest_goes_once_to_the_mentor(pair):
    send_mentoring_reminders(NOW)
    send_mentoring_reminders(NOW + timedelta(days=1))
    (email,) = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "mentoring_digest")
    ).all()
    assert email.user_id == pair.mentor.user_id
    assert "Mia" in email.text_body and "New goal: Learn SQL" in email.text_body
    send_mentoring_reminders(datetime(2027, 4, 1, 3, 0, tzinfo=UTC))  # a new month
    count = select(func.count()).select_from(OutboundEmail)
    assert db.session.scalar(count.where(OutboundEmail.kind == "mentoring_digest")) == 2


def test_an_ended_mentoring_reminds_no_more(pair):
    pair.next_meeting_on = date(2027, 3, 10)
    services.end_pairing(pair.mentee.user, pair, "Thanks")
    db.session.commit()
    assert send_mentoring_reminders(NOW) == 0


def test_two_ticks_at_once_send_each_reminder_once(app, pair):
    pair.next_meeting_on = date(2027, 3, 10)
    db.session.commit()
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def run():
        with app.app_context():
            try:
                start.wait()
                send_mentoring_reminders(NOW)
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
    if errors:
        send_mentoring_reminders(NOW)
    notices = select(func.count()).select_from(Notification)
    assert db.session.scalar(notices.where(Notification.kind == "mentoring_one_to_one")) == 2
    digests = select(func.count()).select_from(OutboundEmail)
    assert db.session.scalar(digests.where(OutboundEmail.kind == "mentoring_digest")) == 1
