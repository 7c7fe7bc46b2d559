"""Web Push devices: the subscribe route refuses what it cannot keep, members test and remove
their own devices and choose push per kind; the service worker, the manifest and the VAPID
keys; deletion and export."""

import json

import pytest
from sqlalchemy import func, select

from cohort.account.deletion import delete_account
from cohort.account.export import small_sections
from cohort.delivery.channels.push import _kept_keys
from cohort.delivery.devices import label_of, set_push_preferences
from cohort.delivery.models import PushSubscription
from cohort.extensions import db

from . import factories
from .conftest import TEST_CONFIG
from .push_clients import Device, local_push, sink, subscribe, unb64

__all__ = ["local_push", "sink"]  # fixtures

CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def post(client, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        "/settings/notifications/devices",
        data=data,
        content_type="application/json",
        headers={"User-Agent": CHROME_ANDROID, **headers},
    )


def test_a_member_turns_notifications_on_and_off(app, logged_in, user, local_push, sink):
    device = Device(f"{sink.url}/push/ann")
    response = post(logged_in, device.json())
    assert response.status_code == 201
    assert response.json["label"] == "Chrome on Android"
    assert post(logged_in, device.json()).status_code == 201  # again: the same device
    (kept,) = db.session.scalars(select(PushSubscription)).all()
    assert (kept.user_id, kept.endpoint, kept.label) == (
        user.id,
        device.endpoint,
        response.json["label"],
    )
    page = logged_in.get("/settings/notifications").get_data(as_text=True)
    assert "Chrome on Android" in page and "Send a test notification" in page
    # Before its script runs (or without JavaScript) the section says what it needs.
    assert "Turning notifications on needs JavaScript" in page
    assert "data-push-on hidden" in page
    assert TEST_CONFIG["VAPID_PUBLIC_KEY"] in page
    removed = logged_in.post(f"/settings/notifications/devices/{kept.id}/remove")
    assert removed.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("{not json", "not a push subscription"),
        ([1, 2], "not a push subscription"),
        ({"endpoint": "https://push.example.org/x"}, "not a push subscription"),
        ({"endpoint": 5, "keys": {}}, "not a push subscription"),
        ({"endpoint": "http://push.example.org/x", "keys": {}}, "https://"),
        ({"endpoint": "https://127.0.0.1/x", "keys": {}}, "private network"),
        ({"endpoint": "https://10.0.0.8/x", "keys": {}}, "private network"),
        ({"endpoint": "https://93.184.216.34/x", "keys": {"p256dh": "abc", "auth": "x"}}, "keys"),
    ],
)
def test_the_subscribe_route_refuses_plainly(app, logged_in, body, why):
    response = post(logged_in, body)
    assert response.status_code == 400
    assert why in response.json["error"]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_a_device_of_another_account_moves_to_whoever_turned_it_on(app, logged_in, user):
    other = factories.make_user()
    device = Device("https://93.184.216.34/push/shared-laptop")
    subscribe(other, device)
    assert post(logged_in, device.json()).status_code == 201
    (kept,) = db.session.scalars(select(PushSubscription)).all()
    assert kept.user_id == user.id


def test_too_many_devices_are_refused(app, logged_in, user):
    app.config["PUSH_MAX_DEVICES"] = 2
    try:
        for n in range(2):
            assert post(logged_in, Device(f"https://93.184.216.34/p/{n}").json()).status_code == 201
        refused = post(logged_in, Device("https://93.184.216.34/p/3").json())
    finally:
        app.config["PUSH_MAX_DEVICES"] = 10
    assert refused.status_code == 400
    assert "2 devices already" in refused.json["error"]


def test_subscribing_is_rate_limited(app, logged_in, real_limits):
    statuses = [post(logged_in, {}).status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]


def test_a_test_notification_goes_at_once_and_a_gone_device_is_removed(
    app, logged_in, user, local_push, sink
):
    device = Device(f"{sink.url}/push/ann")
    subscription = subscribe(user, device)
    response = logged_in.post(f"/settings/notifications/devices/{subscription.id}/test")
    assert response.status_code == 302
    shown = device.read(sink.calls[0]["body"])
    assert shown["body"] == "Notifications are on for this device."
    sink.status = 410
    logged_in.post(f"/settings/notifications/devices/{subscription.id}/test")
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    page = logged_in.get("/settings/notifications").get_data(as_text=True)
    assert "no longer accepts notifications" in page


def test_nobody_tests_or_removes_someone_elses_device(app, logged_in, user):
    other = factories.make_user()
    subscription = subscribe(other, Device("https://93.184.216.34/push/theirs"))
    for action in ("test", "remove"):
        url = f"/settings/notifications/devices/{subscription.id}/{action}"
        assert logged_in.post(url).status_code == 404
    assert db.session.get(PushSubscription, subscription.id) is not None


def test_the_grid_saves_push_choices_beside_email(app, logged_in, user):
    data = {
        "quiet_start": "22:00",
        "quiet_end": "08:00",
        "reminder_time": "09:00",
        "inventory_due": "1",
        "push-session_soon": "1",
        "push-digest": "1",
    }
    assert logged_in.post("/settings/notifications", data=data).status_code == 302
    from cohort.delivery.devices import push_preferences
    from cohort.delivery.outbox import email_enabled

    choices = push_preferences(user)
    assert choices["session_soon"] and choices["digest"] and not choices["inventory_due"]
    assert email_enabled(user, "inventory_due") and not email_enabled(user, "session_soon")


# The app's own files, keys, deletion and export ---------------------------------------------


def test_the_service_worker_and_manifest_are_served(app, client):
    worker = client.get("/service-worker.js")
    assert worker.mimetype == "text/javascript"
    assert b"showNotification" in worker.data and b"notificationclick" in worker.data
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.json
    assert body["display"] == "standalone" and body["start_url"] == "/"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in body["icons"])
    for icon in body["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == "image/png"
        response.close()
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'rel="apple-touch-icon"' in page
    policy = worker.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "script-src 'self'" in policy


def test_keys_are_made_once_and_kept_private(tmp_path):
    first = _kept_keys(tmp_path)
    assert _kept_keys(tmp_path) == first
    assert (tmp_path / "vapid.json").stat().st_mode & 0o777 == 0o600
    assert len(unb64(first["public_key"])) == 65 and len(unb64(first["private_key"])) == 32


def test_device_labels_are_short():
    assert label_of(CHROME_ANDROID) == "Chrome on Android"
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )
    assert label_of(iphone) == "Safari on iPhone"
    assert label_of("") == "A web browser"


def test_deleting_the_account_removes_its_devices(app, user):
    subscribe(user, Device("https://93.184.216.34/push/gone"))
    set_push_preferences(user, {"nudge": True})
    db.session.commit()
    with app.test_request_context():
        delete_account(user, factories.PASSWORD)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_the_export_lists_devices_by_name_only(app, user):
    subscribe(user, Device("https://93.184.216.34/push/secret-endpoint"))
    set_push_preferences(user, {"nudge": True})
    db.session.commit()
    data = dict(small_sections(user))
    assert [device["label"] for device in data["push_devices"]] == ["Chrome on Android"]
    assert "secret-endpoint" not in json.dumps(data, default=str)
    assert {"push_kind": "nudge", "enabled": True} in data["push_preferences"]


def renew(client, old: dict, new: dict):
    return client.post(
        "/service-worker/renew",
        data=json.dumps({"old": old, "new": new}),
        content_type="application/json",
    )


def test_a_replaced_subscription_moves_the_device_without_a_session(
    app, logged_in, user, local_push, sink
):
    before, after = Device(f"{sink.url}/push/before"), Device(f"{sink.url}/push/after")
    subscription = subscribe(user, before)
    subscription.failures = 2
    db.session.commit()
    stranger = app.test_client()  # the service worker may call long after the session ended
    assert renew(stranger, before.json(), after.json()).status_code == 204
    db.session.refresh(subscription)
    assert (subscription.endpoint, subscription.auth, subscription.failures) == (
        after.endpoint,
        after.json()["keys"]["auth"],
        0,
    )
    assert (subscription.user_id, subscription.label) == (user.id, "Chrome on Android")
    logged_in.post(f"/settings/notifications/devices/{subscription.id}/test")
    assert sink.calls[-1]["path"] == "/push/after"  # encrypted with the new keys
    assert after.read(sink.calls[-1]["body"])["body"] == "Notifications are on for this device."


def test_a_renewal_must_prove_the_old_subscription(app, client, user):
    before = Device("https://93.184.216.34/push/before")
    subscription = subscribe(user, before)
    after = Device("https://93.184.216.34/push/after").json()
    guessed = {**before.json(), "keys": Device(before.endpoint).json()["keys"]}
    assert renew(client, guessed, after).status_code == 400  # the right endpoint, not its secret
    unknown = Device("https://93.184.216.34/push/nobody").json()
    assert "does not receive" in renew(client, unknown, after).json["error"]
    bad_new = {"endpoint": "http://93.184.216.34/x", "keys": {}}
    assert "https://" in renew(client, before.json(), bad_new).json["error"]
    assert renew(client, "old", after).status_code == 400
    as_form = client.post("/service-worker/renew", data={"old": "x", "new": "y"})
    assert as_form.status_code == 415  # another site's form is never JSON
    db.session.refresh(subscription)
    assert subscription.endpoint == before.endpoint


def test_a_renewal_onto_a_subscription_kept_already_leaves_one_device(app, client, user):
    before, after = Device("https://93.184.216.34/push/a"), Device("https://93.184.216.34/push/b")
    subscribe(user, before)
    subscribe(user, after)  # the member turned it on again from the settings page first
    assert renew(client, before.json(), after.json()).status_code == 204
    kept = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert kept == [after.endpoint]
