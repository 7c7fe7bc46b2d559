"""Cohort chat webhooks: what is posted and when, once; failures retried, then switched off."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cohort.delivery.channels.sending import deliver_channels, queue
from cohort.delivery.channels.webhook import url_problem
from cohort.delivery.dispatch import MAX_ATTEMPTS
from cohort.delivery.models import ChannelMessage, ChatWebhook, Notification, OutboxStatus
from cohort.extensions import db
from cohort.inventories import services as inventory_services
from cohort.notifications.chat import post_recap, queue_chat_posts

from . import factories
from .http_sinks import Sink

START = datetime(2027, 6, 10, 17, 0, tzinfo=UTC)
SECRET = "I secretly plan to leave my job in March"


@pytest.fixture
def local_chats(app):
    app.config["CHAT_WEBHOOK_ALLOW_PRIVATE"] = True
    app.config["CHANNEL_TIMEOUT"] = 0.5
    yield
    app.config["CHAT_WEBHOOK_ALLOW_PRIVATE"] = False


@pytest.fixture
def sink():
    with Sink() as running:
        yield running


@pytest.fixture
def cohort_with_chat(app, frozen_time, local_chats, sink):
    frozen_time.move_to(START - timedelta(days=5))
    organizer = factories.make_user(display_name="Olga")
    cohort = factories.make_cohort(organizer, timezone="Europe/London")
    meeting = factories.make_meeting(cohort, starts_at=START, title="June session")
    db.session.add(
        ChatWebhook(
            cohort_id=cohort.id,
            url=f"{sink.url}/hook",
            style="slack",
            enabled=True,
            post_sessions=True,
            post_shared=True,
            set_by_id=organizer.id,
            failures=0,
        )
    )
    db.session.commit()
    return cohort, meeting, organizer


def run(frozen_time, moment: datetime) -> int:
    frozen_time.move_to(moment)
    queued = queue_chat_posts(moment)
    deliver_channels(moment)
    return queued


def test_the_chat_hears_of_a_session_the_day_before_once(frozen_time, cohort_with_chat, sink):
    _cohort, meeting, _organizer = cohort_with_chat
    assert run(frozen_time, START - timedelta(days=1, minutes=1)) == 0
    assert run(frozen_time, START - timedelta(days=1)) == 1
    for minutes in (1, 2, 30):
        run(frozen_time, START - timedelta(days=1) + timedelta(minutes=minutes))
    bodies = sink.json_bodies()
    assert len(bodies) == 1
    assert bodies[0]["text"].startswith("June session is tomorrow,")
    assert f"/sessions/{meeting.id}" in bodies[0]["text"]
    assert sink.calls[0]["headers"]["Content-Type"] == "application/json"


def test_the_chat_hears_how_many_shared_never_what(frozen_time, cohort_with_chat, sink):
    cohort, meeting, _organizer = cohort_with_chat
    ken = factories.make_user(display_name="Ken")
    factories.add_member(cohort, ken)
    factories.add_member(cohort, factories.make_user(display_name="Aiko"))
    inventory = inventory_services.save_inventory(
        ken, meeting, inventory_services.InventoryInput(answers={"did": SECRET}, energy=3), 0
    )
    inventory_services.share_inventory(ken, inventory)
    db.session.commit()
    run(frozen_time, meeting.inventory_due_at + timedelta(minutes=1))
    texts = [body["text"] for body in sink.json_bodies()]
    assert any("1 of 3 members have shared their inventory for June session." in t for t in texts)
    assert not any(SECRET in t or "Ken" in t for t in texts)


def test_discord_gets_content_and_japanese_cohorts_read_japanese(
    frozen_time, cohort_with_chat, sink
):
    cohort, _meeting, _organizer = cohort_with_chat
    cohort.locale = "ja"
    db.session.get(ChatWebhook, cohort.id).style = "discord"
    db.session.commit()
    run(frozen_time, START - timedelta(days=1))
    (body,) = sink.json_bodies()
    assert set(body) == {"content"}
    assert body["content"].startswith("June sessionは明日、")


def test_a_failing_chat_is_retried_with_backoff_then_switched_off_with_a_notice(
    frozen_time, cohort_with_chat, sink
):
    cohort, meeting, organizer = cohort_with_chat
    sink.status = 503
    moment = START - timedelta(days=1)
    run(frozen_time, moment)
    message = db.session.scalar(select(ChannelMessage))
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert abs(message.next_attempt_at - (moment + timedelta(minutes=2))) < timedelta(seconds=1)
    deliver_channels(moment + timedelta(minutes=1))  # not due yet
    assert len(sink.calls) == 1
    clock = moment
    for _ in range(MAX_ATTEMPTS - 1):
        db.session.refresh(message)
        clock = message.next_attempt_at
        frozen_time.move_to(clock)
        deliver_channels(clock)
    db.session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert len(sink.calls) == MAX_ATTEMPTS
    hook = db.session.get(ChatWebhook, cohort.id)
    assert hook.enabled and hook.failures == 1  # one message failed for good: not yet off
    sink.status = 400  # two more posts refused for good: three in a row
    for n in range(2):
        queue(
            "webhook",
            "chat_recap",
            {"text": f"post {n}", "cohort": cohort.name},
            cohort_id=cohort.id,
        )
    db.session.commit()
    deliver_channels(clock)
    db.session.refresh(hook)
    assert not hook.enabled and hook.switched_off_at is not None
    notice = db.session.scalar(select(Notification).where(Notification.user_id == organizer.id))
    assert notice.kind == "chat_switched_off"
    calls = len(sink.calls)
    run(frozen_time, meeting.inventory_due_at + timedelta(minutes=1))  # switched off: silent
    assert len(sink.calls) == calls


def test_a_deleted_webhook_410_switches_the_chat_off_at_once(frozen_time, cohort_with_chat, sink):
    cohort, _meeting, organizer = cohort_with_chat
    sink.status = 410
    run(frozen_time, START - timedelta(days=1))
    hook = db.session.get(ChatWebhook, cohort.id)
    assert not hook.enabled
    message = db.session.scalar(select(ChannelMessage))
    assert (message.status, message.last_error) == (OutboxStatus.FAILED, "HTTP 410")
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == organizer.id)
    )
    assert list(kinds) == ["chat_switched_off"]


def test_a_hung_chat_costs_one_timeout_per_tick_and_no_attempt_for_the_rest(
    frozen_time, cohort_with_chat, sink
):
    cohort, _meeting, _organizer = cohort_with_chat
    sink.hang_seconds = 2
    for n in range(3):
        queue("webhook", "chat_recap", {"text": f"post {n}"}, cohort_id=cohort.id)
    db.session.commit()
    deliver_channels(START)
    rows = db.session.scalars(select(ChannelMessage).order_by(ChannelMessage.id)).all()
    assert [row.attempts for row in rows] == [1, 0, 0], [r.last_error for r in rows]
    assert all(row.status is OutboxStatus.PENDING for row in rows)
    assert "timed out" in rows[0].last_error
    assert len(sink.calls) == 1


def test_the_recap_hook_posts_once(frozen_time, cohort_with_chat, sink):
    _cohort, meeting, _organizer = cohort_with_chat
    assert post_recap(meeting, ["Five came; we practised salary talks."]) is True
    assert post_recap(meeting, ["Again"]) is False
    db.session.commit()
    deliver_channels(START)
    assert [body["text"] for body in sink.json_bodies()] == [
        "June session\nFive came; we practised salary talks."
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://chat.example.org/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
        "ftp://chat.example.org/hook",
        "https:///nohost",
    ],
)
def test_webhook_addresses_must_be_public_https(app, url):
    with app.test_request_context():
        assert url_problem(url) is not None


def test_organizers_set_the_chat_and_it_starts_off(app, logged_in, user):
    cohort = factories.make_cohort(user)
    page = logged_in.get(f"/c/{cohort.slug}/organize/chat").get_data(as_text=True)
    assert "never posts anyone" in page
    refused = logged_in.post(
        f"/c/{cohort.slug}/organize/chat",
        data={"url": "https://10.0.0.5/hook", "style": "slack", "enabled": "y"},
    )
    assert refused.status_code == 200 and "private network" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ChatWebhook)) == 0
    saved = logged_in.post(
        f"/c/{cohort.slug}/organize/chat",
        data={"url": "https://93.184.216.34/hook", "style": "discord", "post_sessions": "y"},
    )
    assert saved.status_code == 302
    hook = db.session.get(ChatWebhook, cohort.id)
    assert (hook.enabled, hook.style, hook.post_sessions, hook.post_shared) == (
        False,
        "discord",
        True,
        False,
    )
    assert hook.set_by_id == user.id


def test_two_scheduler_processes_post_each_chat_message_once(app, test_config, sink):
    """Two reminders ticks, then two channel deliveries, at once against PostgreSQL."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    url = test_config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("separate processes share a database only on PostgreSQL here")
    now = datetime.now(UTC)
    organizer = factories.make_user()
    cohorts = [factories.make_cohort(organizer, name=f"Circle {n}") for n in range(5)]
    for cohort in cohorts:
        factories.make_meeting(cohort, starts_at=now + timedelta(hours=20))  # tomorrow
        db.session.add(
            ChatWebhook(
                cohort_id=cohort.id,
                url=f"{sink.url}/{cohort.slug}",
                enabled=True,
                style="slack",
                post_sessions=True,
                post_shared=True,
                failures=0,
            )
        )
    db.session.commit()
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "COHORT_DATABASE_URL": url,
        "COHORT_SECRET_KEY": "test",
        "COHORT_CHAT_WEBHOOK_ALLOW_PRIVATE": "true",
    }
    for job in ("reminders", "deliver_channels"):
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "tick", job]
        processes = [subprocess.Popen(command, cwd=root, env=env) for _ in range(2)]
        assert [process.wait(timeout=120) for process in processes] == [0, 0]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ChannelMessage)) == 5
    assert sorted(call["path"] for call in sink.calls) == sorted(f"/{c.slug}" for c in cohorts)
