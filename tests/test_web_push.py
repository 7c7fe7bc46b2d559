"""Web Push: reminders reach members' devices through a local push service (the HTTP sink),
encrypted for the device and signed with VAPID, once; failures retried, gone devices removed;
the members' choices and hours respected, on one scheduler or two."""

import json
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import func, select

from cohort.cohorts.models import RhythmKind
from cohort.delivery.channels.sending import deliver_channels
from cohort.delivery.devices import set_push_preferences
from cohort.delivery.dispatch import MAX_ATTEMPTS
from cohort.delivery.models import (
    ChannelDelivery,
    ChannelMessage,
    DeliverySettings,
    Notification,
    OutboxStatus,
    PushSubscription,
)
from cohort.extensions import db
from cohort.inventories import services as inventory_services
from cohort.notifications.reminders import send_due_reminders

from . import factories
from .conftest import TEST_CONFIG
from .push_clients import Device, local_push, sink, subscribe, unb64

__all__ = ["local_push", "sink"]  # fixtures

LONDON, LA = "Europe/London", "America/Los_Angeles"
SECRET = "I secretly plan to leave my job in March"


def at(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def circle(app, frozen_time, local_push, sink):
    """A London cohort whose inventories are due on 12 May 2027 at 10:00; Ken, a member with
    one device, has a draft that says something private."""
    organizer = factories.make_user(timezone=LONDON)
    cohort = factories.make_cohort(
        organizer, name="Saturday Circle", timezone=LONDON, rhythm_kind=RhythmKind.MANUAL
    )
    cohort.first_reminder_days, cohort.last_reminder_days = 7, 1
    due = at(LONDON, 2027, 5, 12, 10, 0)
    meeting = factories.make_meeting(
        cohort, starts_at=due + timedelta(days=2), inventory_due_at=due, title="May session"
    )
    ken = factories.make_user(display_name="Ken", timezone=LONDON)
    factories.add_member(cohort, ken)
    inventory_services.save_inventory(
        ken, meeting, inventory_services.InventoryInput(answers={"did": SECRET}), 0
    )
    db.session.commit()
    device = Device(f"{sink.url}/push/ken-phone")
    subscription = subscribe(ken, device)
    return {"meeting": meeting, "ken": ken, "device": device, "subscription": subscription}


def tick(frozen_time, moment: datetime) -> None:
    frozen_time.move_to(moment)
    send_due_reminders(moment)
    db.session.commit()
    deliver_channels(moment)


def push_messages() -> list[ChannelMessage]:
    return list(
        db.session.scalars(
            select(ChannelMessage)
            .where(ChannelMessage.channel == "push")
            .order_by(ChannelMessage.id)
        )
    )


def verify_vapid(header: str, audience: str) -> dict:
    """The Authorization header is RFC 8292's: a JWT signed with the server's key, for the
    push service's origin."""
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == TEST_CONFIG["VAPID_PUBLIC_KEY"]
    signed, _, signature = fields["t"].rpartition(".")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(fields["k"]))
    raw = unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    claims = json.loads(unb64(signed.split(".")[1]))
    assert claims["aud"] == audience and claims["sub"] == "mailto:admin@cohort.test"
    return claims


def test_a_reminder_reaches_the_device_encrypted_and_signed_once(frozen_time, circle, sink):
    meeting, device = circle["meeting"], circle["device"]
    moment = meeting.inventory_due_at - timedelta(days=1)
    tick(frozen_time, moment)
    for minutes in (1, 2, 30):  # later ticks push nothing again
        tick(frozen_time, moment + timedelta(minutes=minutes))
    (call,) = sink.calls
    headers = {name.lower(): value for name, value in call["headers"].items()}
    assert call["path"] == "/push/ken-phone"
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0
    verify_vapid(headers["authorization"], sink.url)
    assert SECRET.encode() not in call["body"]
    shown = device.read(call["body"])
    assert shown["title"] == "Saturday Circle"
    assert shown["body"] == "Your inventory for May session is due soon."
    assert shown["url"].endswith(f"/sessions/{meeting.id}/inventory")
    assert SECRET not in json.dumps(shown)
    (message,) = push_messages()
    assert message.status is OutboxStatus.SENT
    db.session.refresh(circle["subscription"])
    assert circle["subscription"].last_success_at is not None
    ledger = db.session.scalars(select(ChannelDelivery).where(ChannelDelivery.channel == "push"))
    assert [(row.recipient, row.kind) for row in ledger] == [
        (f"user-{circle['ken'].id}", "inventory_due")
    ]


def test_a_japanese_member_reads_japanese(frozen_time, circle, sink):
    circle["ken"].locale = "ja"
    db.session.commit()
    tick(frozen_time, circle["meeting"].inventory_due_at - timedelta(days=1))
    shown = circle["device"].read(sink.calls[0]["body"])
    assert shown["body"].startswith("May session")
    assert "締め切り" in shown["body"] or "近づいて" in shown["body"], shown["body"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_forgot_is_removed_at_once(frozen_time, circle, sink, status):
    sink.status = status
    tick(frozen_time, circle["meeting"].inventory_due_at - timedelta(days=1))
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    (message,) = push_messages()
    assert (message.status, message.last_error) == (OutboxStatus.FAILED, f"HTTP {status}")
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == circle["ken"].id)
    )
    assert "push_device_removed" not in list(kinds)  # the browser itself let go of it


def test_a_server_error_is_retried_with_backoff(frozen_time, circle, sink):
    sink.status = 500
    moment = circle["meeting"].inventory_due_at - timedelta(days=1)
    tick(frozen_time, moment)
    (message,) = push_messages()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "HTTP 500"
    assert abs(message.next_attempt_at - (moment + timedelta(minutes=2))) < timedelta(seconds=1)
    sink.status = 201
    deliver_channels(moment + timedelta(minutes=1))  # not due yet
    assert len(sink.calls) == 1
    frozen_time.move_to(message.next_attempt_at)
    deliver_channels(message.next_attempt_at)
    db.session.refresh(message)
    assert message.status is OutboxStatus.SENT and len(sink.calls) == 2
    assert db.session.get(PushSubscription, circle["subscription"].id) is not None


def test_a_hung_push_service_times_out_and_is_tried_again(frozen_time, circle, sink):
    sink.hang_seconds = 2
    moment = circle["meeting"].inventory_due_at - timedelta(days=1)
    tick(frozen_time, moment)
    (message,) = push_messages()
    assert message.status is OutboxStatus.PENDING and message.attempts == 1
    assert "timed out" in message.last_error
    sink.hang_seconds = 0
    frozen_time.move_to(message.next_attempt_at)
    deliver_channels(message.next_attempt_at)
    db.session.refresh(message)
    assert message.status is OutboxStatus.SENT


def test_a_device_that_keeps_failing_is_removed_with_a_notice(frozen_time, circle, sink):
    ken, subscription = circle["ken"], circle["subscription"]
    sink.status = 503
    moment = circle["meeting"].inventory_due_at - timedelta(days=1)
    tick(frozen_time, moment)
    (message,) = push_messages()
    for _ in range(MAX_ATTEMPTS - 1):
        db.session.refresh(message)
        frozen_time.move_to(message.next_attempt_at)
        deliver_channels(message.next_attempt_at)
    db.session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    db.session.refresh(subscription)
    assert subscription.failures == 1  # one message failed for good: kept for now
    sink.status = 400  # two more refused for good: three in a row
    tick(frozen_time, circle["meeting"].starts_at - timedelta(days=1))  # session tomorrow
    tick(frozen_time, circle["meeting"].starts_at - timedelta(hours=1))  # and in an hour
    assert db.session.get(PushSubscription, subscription.id) is None
    notice = db.session.scalar(
        select(Notification).where(
            Notification.user_id == ken.id, Notification.kind == "push_device_removed"
        )
    )
    assert notice is not None and notice.data == {"device": "Chrome on Android"}
    assert notice.url.endswith("/settings/notifications")


def test_a_kind_switched_off_queues_nothing_and_the_digest_starts_off(frozen_time, circle, sink):
    ken = circle["ken"]
    set_push_preferences(ken, {"inventory_due": False, "session_soon": True})
    db.session.commit()
    tick(frozen_time, circle["meeting"].inventory_due_at - timedelta(days=1))
    assert push_messages() == [] and sink.calls == []
    assert db.session.scalar(select(func.count()).select_from(ChannelDelivery)) == 0
    notices = db.session.scalars(select(Notification.kind).where(Notification.user_id == ken.id))
    assert "inventory_due" in list(notices)  # the bell always records


def test_a_member_without_a_device_costs_no_ledger_row(frozen_time, circle, sink):
    db.session.delete(circle["subscription"])
    db.session.commit()
    tick(frozen_time, circle["meeting"].inventory_due_at - timedelta(days=1))
    assert push_messages() == []
    assert db.session.scalar(select(func.count()).select_from(ChannelDelivery)) == 0


def test_quiet_hours_hold_the_push_until_the_reminder_is_released(frozen_time, circle, sink):
    ken, meeting = circle["ken"], circle["meeting"]
    ken.timezone = LA  # 10:00 in London is 02:00 in Los Angeles
    db.session.commit()
    moment = meeting.inventory_due_at - timedelta(days=1)
    tick(frozen_time, moment)
    assert sink.calls == []
    tick(frozen_time, at(LA, 2027, 5, 11, 8, 59))
    assert sink.calls == []
    tick(frozen_time, at(LA, 2027, 5, 11, 9, 0))
    assert len(sink.calls) == 1


def test_a_holiday_pause_stops_email_but_not_the_device(frozen_time, circle, sink):
    ken = circle["ken"]
    db.session.add(
        DeliverySettings(
            user_id=ken.id,
            quiet_start=datetime(2027, 1, 1, 22).time(),
            quiet_end=datetime(2027, 1, 1, 8).time(),
            reminder_time=datetime(2027, 1, 1, 9).time(),
            email_paused_until=datetime(2027, 6, 1).date(),
        )
    )
    db.session.commit()
    tick(frozen_time, circle["meeting"].inventory_due_at - timedelta(days=1))
    assert len(sink.calls) == 1


def test_a_moved_session_reaches_the_device_once(frozen_time, circle, sink):
    from cohort.meetings.changes import MOVED, tell_members

    meeting = circle["meeting"]
    organizer = factories.make_user()  # not a member: everyone in the cohort is told
    assert tell_members(organizer, meeting, MOVED, ["starts_at"]) >= 1
    assert tell_members(organizer, meeting, MOVED, ["starts_at"]) == 0  # told once
    db.session.commit()
    deliver_channels(datetime.now(UTC))
    (call,) = sink.calls
    shown = circle["device"].read(call["body"])
    assert shown["body"] == "May session has a new time or place."
    assert shown["url"].endswith(f"/sessions/{meeting.id}")


def test_two_scheduler_processes_push_each_reminder_once(app, test_config, local_push, sink):
    """Two reminders ticks, then two channel deliveries, at once against PostgreSQL: every
    device hears each reminder exactly once."""
    import subprocess
    import sys
    from pathlib import Path

    url = test_config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("separate processes share a database only on PostgreSQL here")
    now = datetime.now(UTC)
    organizer = factories.make_user()
    devices = []
    paths_of: dict[str, list[str]] = {}  # each member's devices
    for n in range(3):
        cohort = factories.make_cohort(organizer, name=f"Circle {n}")
        factories.make_meeting(cohort, starts_at=now + timedelta(minutes=50))  # within the hour
        for m in range(4):
            member = factories.make_user(display_name=f"Member {n}-{m}")
            factories.add_member(cohort, member)
            for d in range(2):  # a phone and a laptop each
                device = Device(f"{sink.url}/push/{n}-{m}-{d}")
                subscribe(member, device)
                devices.append(device)
                paths_of.setdefault(f"user-{member.id}", []).append(f"/push/{n}-{m}-{d}")
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "COHORT_DATABASE_URL": url,
        "COHORT_SECRET_KEY": "test",
        "COHORT_PUSH_ALLOW_PRIVATE": "true",
        "COHORT_VAPID_PRIVATE_KEY": TEST_CONFIG["VAPID_PRIVATE_KEY"],
        "COHORT_VAPID_SUBJECT": "mailto:admin@cohort.test",
    }
    for job in ("reminders", "deliver_channels"):
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "tick", job]
        processes = [subprocess.Popen(command, cwd=root, env=env) for _ in range(2)]
        assert [process.wait(timeout=120) for process in processes] == [0, 0]
    db.session.expire_all()
    paths = [call["path"] for call in sink.calls if call["path"].startswith("/push/")]
    # Each reminder the ledger let out reaches each of its member's devices once. Which are
    # due depends on the hour the test runs at: "the session starts soon" always, and from
    # the members' reminder time (09:00) "write your inventory" too.
    ledger = db.session.execute(
        select(ChannelDelivery.recipient, ChannelDelivery.kind).where(
            ChannelDelivery.channel == "push"
        )
    ).all()
    assert {recipient for recipient, kind in ledger if kind == "session_soon"} == set(paths_of)
    expected = [path for recipient, _ in ledger for path in paths_of[recipient]]
    assert sorted(paths) == sorted(expected)  # each device once: none twice, none missed
    assert db.session.scalar(select(func.count()).select_from(ChannelMessage)) == len(expected)
    assert all(message.status is OutboxStatus.SENT for message in push_messages())


def test_the_push_keys_command_prints_a_pair_that_belongs_together(runner):
    first = runner.invoke(args=["push", "keys"])
    assert first.exit_code == 0, first.output
    settings = dict(
        line.split("=", 1) for line in first.stdout.splitlines() if line.startswith("COHORT_")
    )
    private, public = (
        unb64(settings["COHORT_VAPID_PRIVATE_KEY"]),
        settings["COHORT_VAPID_PUBLIC_KEY"],
    )
    assert len(private) == 32 and unb64(public)[:1] == b"\x04" and len(unb64(public)) == 65
    derived = ec.derive_private_key(int.from_bytes(private, "big"), ec.SECP256R1()).public_key()
    assert unb64(public) == derived.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    second = runner.invoke(args=["push", "keys"])
    assert second.stdout != first.stdout  # a new pair each time, never a fixed one
