"""Notification settings and the cohort chat in a real browser: a member chooses quiet hours,
a reminder time and a holiday pause, turns notifications on for a device and tries them; an
organizer sets the cohort's chat. Every page axe-clean and usable on a phone."""

import json
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from cohort.delivery.models import ChatWebhook, DeliverySettings, PushSubscription
from cohort.extensions import db

from .. import factories
from ..http_sinks import Sink
from ..push_clients import Device
from .test_cohorts import log_in
from .test_signals import check

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def test_a_member_sets_their_hours_and_pauses_email(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    member = factories.make_user(display_name="Ann", timezone="Asia/Tokyo")
    log_in(page, live_server, member.email)
    page.goto(f"{live_server}/settings/notifications")
    expect(page.get_by_role("heading", name="Your hours")).to_be_visible()
    expect(page.get_by_label("Quiet from")).to_have_value("22:00")
    page.get_by_label("Quiet from").select_option("23:00")
    page.get_by_label("Quiet until").select_option("07:00")
    page.get_by_label("Reminder time").select_option("07:30")
    page.get_by_label("Pause all email until").fill("2027-01-04")
    digest = "A digest before each session, when you have not been around"
    page.get_by_role("checkbox", name=f"By email {digest}").uncheck()
    screenshot(page, "notification-settings")
    phone_screenshot(page, "notification-settings")
    check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    expect(page.get_by_label("Reminder time")).to_have_value("07:30")
    check(page)
    db.session.expire_all()
    saved = db.session.get(DeliverySettings, member.id)
    assert (saved.quiet_start, saved.quiet_end) == (time(23), time(7))
    assert saved.email_paused_until == date(2027, 1, 4)


def test_an_organizer_sets_the_cohort_chat(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(display_name="Olga")
    cohort = factories.make_cohort(organizer)
    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{cohort.slug}/organize/")
    page.get_by_role("link", name="Chat", exact=True).click()
    expect(page.get_by_role("heading", name="Cohort chat", level=1)).to_be_visible()
    page.get_by_label("Incoming webhook address").fill("http://chat.example.org/hook")
    page.get_by_label("Post to this chat").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Use an https:// address.")).to_be_visible()
    check(page)
    page.get_by_label("Incoming webhook address").fill("https://93.184.216.34/hooks/abc")
    page.get_by_label("Chat tool").select_option("discord")
    screenshot(page, "cohort-chat")
    phone_screenshot(page, "cohort-chat")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The chat setting is saved.")).to_be_visible()
    check(page)
    db.session.expire_all()
    hook = db.session.get(ChatWebhook, cohort.id)
    assert (hook.style, hook.enabled) == ("discord", True)


def test_the_settings_read_well_in_japanese(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    member = factories.make_user(display_name="春香", locale="ja", timezone="Asia/Tokyo")
    log_in(page, live_server, member.email)
    page.goto(f"{live_server}/settings/notifications")
    expect(page.get_by_role("heading", name="通知の時間帯")).to_be_visible()
    expect(page.get_by_label("リマインダーの時刻")).to_have_value("09:00")
    screenshot(page, "notification-settings-ja")
    phone_screenshot(page, "notification-settings-ja")
    check(page)


# Web Push: the browser's own PushManager.subscribe is stubbed (headless Chromium has no push
# service) with a subscription whose endpoint is the local sink and whose keys are real.
STUB_SUBSCRIBE = """
window.__subscribed = null;
PushManager.prototype.subscribe = function (options) {
  var json = %s;
  window.__subscribed = new Uint8Array(options.applicationServerKey).length;
  return Promise.resolve({ endpoint: json.endpoint, toJSON: function () { return json; } });
};
"""


def test_a_member_turns_notifications_on_for_this_device_and_tries_them(
    live_app, live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    live_app.config.update(PUSH_ALLOW_PRIVATE=True, PUSH_TIMEOUT=2)
    member = factories.make_user(display_name="Ann")
    with Sink() as sink:
        sink.status = 201
        device = Device(f"{sink.url}/push/ann-laptop")
        page.context.grant_permissions(["notifications"], origin=live_server)
        page.add_init_script(STUB_SUBSCRIBE % json.dumps(device.json()))
        log_in(page, live_server, member.email)
        page.goto(f"{live_server}/settings/notifications")
        manifest = page.locator("link[rel=manifest]").get_attribute("href")
        assert page.request.get(live_server + manifest).json()["display"] == "standalone"
        page.get_by_role("button", name="Turn on notifications on this device").click()
        expect(page.get_by_text("Chrome on Linux", exact=True)).to_be_visible()
        registered = "navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))"
        assert page.evaluate(registered)
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        db.session.expire_all()
        (kept,) = db.session.scalars(select(PushSubscription)).all()
        assert (kept.user_id, kept.endpoint) == (member.id, device.endpoint)
        expect(
            page.get_by_role("checkbox", name="On devices Reminders of an upcoming session")
        ).to_be_checked()
        screenshot(page, "notification-devices")
        phone_screenshot(page, "notification-devices")
        check(page)
        page.get_by_role("button", name="Send a test notification").click()
        expect(
            page.get_by_text("A test notification is on its way to Chrome on Linux.")
        ).to_be_visible()
        (call,) = sink.calls
        assert device.read(call["body"])["body"] == "Notifications are on for this device."
        page.get_by_role("button", name="Remove").click()
        expect(page.get_by_text("Notifications are off for Chrome on Linux.")).to_be_visible()
        check(page)


def test_the_device_section_speaks_japanese_and_says_when_a_browser_cannot(
    live_server: str, page: Page
) -> None:
    member = factories.make_user(display_name="春香", locale="ja", timezone="Asia/Tokyo")
    log_in(page, live_server, member.email)
    page.goto(f"{live_server}/settings/notifications")
    expect(page.get_by_role("heading", name="デバイスへの通知")).to_be_visible()
    expect(page.get_by_role("button", name="このデバイスで通知をオンにする")).to_be_visible()
    expect(page.get_by_role("columnheader", name="デバイス")).to_be_visible()
    expect(page.get_by_role("columnheader", name="メール", exact=True)).to_be_visible()
    check(page)
    page.add_init_script("delete window.PushManager;")
    page.reload()
    expect(page.get_by_text("このブラウザーではCohortの通知を表示できません。")).to_be_visible()
    expect(page.get_by_role("button", name="このデバイスで通知をオンにする")).to_be_hidden()
