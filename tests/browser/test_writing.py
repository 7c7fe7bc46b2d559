"""Writing without friction in a real browser: autosave through a reload and a dropped
connection, the preview, the short form switch, and cheers and follows in place."""

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from cohort.extensions import db
from cohort.inventories.models import Goal, Inventory
from cohort.writing import views as writing_views

from .. import factories
from ..test_inventories import session_for
from .conftest import PHONE, SCREENSHOTS
from .test_accessibility import serious_violations, small_tap_targets
from .test_cohorts import log_in

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def saved_answers() -> dict:
    db.session.expire_all()
    inventory = db.session.scalar(select(Inventory))
    return dict(inventory.answers) if inventory else {}


def phone_check(page: Page) -> None:
    phone = page.context.new_page()
    try:
        phone.set_viewport_size(PHONE)
        phone.goto(page.url)
        assert small_tap_targets(phone) == []
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        phone.close()


@pytest.fixture
def writer():
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    factories.add_member(cohort, ken)
    meeting = session_for(cohort, title="December session")
    return cohort, meeting, ken


def test_typing_is_saved_without_a_button_through_a_reload_and_a_dropped_connection(
    live_server: str,
    page: Page,
    writer,
    screenshot: Screenshot,
    phone_screenshot: Screenshot,
    allowed_console: set[str],
) -> None:
    cohort, meeting, ken = writer
    allowed_console.add("ERR_INTERNET_DISCONNECTED")  # a save tried as the network went away
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory")
    status = page.locator("[data-autosave]")
    expect(status).to_be_hidden()  # nothing typed yet: nothing to say

    page.get_by_label("What I did").fill("Led my first client workshop.")
    expect(status).to_contain_text("Saved ", timeout=10000)
    assert status.get_attribute("role") == "status"
    assert saved_answers() == {"did": "Led my first client workshop."}
    screenshot(page, "inventory-autosaved")
    page.set_viewport_size(PHONE)
    screenshot(page, "inventory-autosaved-phone")
    page.get_by_label("What I did").focus()  # the action bar with its status, as one sees it
    page.screenshot(path=SCREENSHOTS / "inventory-autosaved-phone-bar.png")
    assert small_tap_targets(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.get_by_label("What I did")).to_have_value("Led my first client workshop.")

    # The train goes into a tunnel: the text stays in the tab and is saved once back.
    page.context.set_offline(True)
    page.get_by_label("What I learned").fill("Silence is a tool in a workshop.")
    expect(status).to_have_text("Offline: kept in this tab, will save when back", timeout=10000)
    assert "learned" not in saved_answers()
    page.context.set_offline(False)
    expect(status).to_contain_text("Saved ", timeout=15000)
    assert saved_answers()["learned"] == "Silence is a tool in a workshop."
    page.reload()
    expect(page.get_by_label("What I learned")).to_have_value("Silence is a tool in a workshop.")

    # The explicit save still works after autosaves: no conflict with its own tab.
    page.get_by_label("What I did").fill("Led my first client workshop, alone.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Only you can see it.")).to_be_visible()
    assert saved_answers()["did"] == "Led my first client workshop, alone."


def test_saving_while_an_autosave_is_on_its_way_keeps_everything(
    live_server: str, page: Page, writer, monkeypatch
) -> None:
    """The Save button pressed while a slow autosave is still out: the form waits for it and
    goes with the version it made, so the new goal is saved too, not taken for a double click."""
    cohort, meeting, ken = writer
    slow = threading.Event()
    real = writing_views.jsonify

    def slow_answer(*args, **kwargs):  # saved and committed; the answer is slow to come
        slow.set()
        time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(writing_views, "jsonify", slow_answer)
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory")
    page.get_by_label("What I did").fill("Met three founders.")
    expect(page.locator("[data-autosave]")).to_have_text("Saving…", timeout=10000)
    assert slow.wait(5)
    page.get_by_label("A new goal").fill("Join a startup by spring")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Only you can see it.")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(Goal.title)) == "Join a startup by spring"
    assert saved_answers()["did"] == "Met three founders."


def test_text_typed_before_closing_the_tab_offline_comes_back(
    live_server: str, page: Page, writer, allowed_console: set[str]
) -> None:
    cohort, meeting, ken = writer
    allowed_console.add("ERR_INTERNET_DISCONNECTED")  # a save tried as the network went away
    url = f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory"
    log_in(page, live_server, ken.email)
    page.goto(url)
    # Chromium asks again for the icon of a tab closed offline; that is not the page's doing.
    page.context.route("**/favicon.svg", lambda route: route.fulfill(status=204))
    page.context.set_offline(True)
    page.get_by_label("Tactics").fill("Ask Mika for an intro.")
    expect(page.locator("[data-autosave]")).to_contain_text("Offline", timeout=10000)
    page.close()  # the tab is closed before the connection is back
    assert "tactics" not in saved_answers()
    page.context.set_offline(False)
    again = page.context.new_page()
    again.goto(url)
    expect(again.get_by_label("Tactics")).to_have_value("Ask Mika for an intro.")
    expect(again.locator("[data-autosave]")).to_contain_text("Saved ", timeout=10000)
    assert saved_answers()["tactics"] == "Ask Mika for an intro."


def test_an_answer_is_previewed_as_readers_will_see_it(
    live_server: str, page: Page, writer, screenshot: Screenshot
) -> None:
    cohort, meeting, ken = writer
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory")
    answer = page.get_by_label("What went well or was praised")
    answer.fill("**The client** said <script>x()</script> thanks\n\n- one\n- two")
    button = page.locator("#section-praised").get_by_role("button", name="Preview")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    region = page.get_by_role("region", name="Preview of What went well or was praised")
    expect(region.locator("strong")).to_have_text("The client")
    expect(region.locator("li")).to_have_count(2)
    expect(region.locator("script")).to_have_count(0)
    expect(button).to_have_text("Hide preview")
    expect(button).to_have_attribute("aria-expanded", "true")
    assert serious_violations(page) == []
    region.scroll_into_view_if_needed()
    full = screenshot(page, "inventory-preview")
    page.screenshot(path=full.with_name("inventory-preview-view.png"))
    button.click()
    expect(region).to_be_hidden()


def test_the_short_form_switch_loses_nothing(
    live_server: str, page: Page, writer, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    cohort, meeting, ken = writer
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory")
    page.get_by_label("WILL — what I want to realise").fill("Products people love.")
    page.get_by_label("What I did").fill("A workshop.")
    page.get_by_role("button", name="Use the short form").click()
    expect(page.get_by_label("WILL — what I want to realise")).to_have_count(0)
    expect(page.get_by_label("What I did")).to_have_value("A workshop.")
    expect(page.get_by_text("Short form: your energy")).to_be_visible()
    screenshot(page, "inventory-short-form")
    phone_screenshot(page, "inventory-short-form")
    phone_check(page)
    page.get_by_label("What I did").fill("A workshop, then a retro.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Only you can see it.")).to_be_visible()
    assert saved_answers()["will"] == "Products people love."  # hidden, kept
    page.get_by_role("button", name="Show the full form").click()
    expect(page.get_by_label("WILL — what I want to realise")).to_have_value(
        "Products people love."
    )
    expect(page.get_by_label("What I did")).to_have_value("A workshop, then a retro.")


def test_cheer_and_follow_update_in_place(
    live_server: str, page: Page, writer, screenshot: Screenshot
) -> None:
    cohort, meeting, ken = writer
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    factories.add_member(cohort, aiko)
    inventory = factories.make_shared_inventory(meeting, aiko, did="Shipped the beta.")
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/inventories/{inventory.id}")
    page.evaluate("window.stayedHere = true")
    cheer = page.locator(".cheer-button").first
    expect(cheer).to_have_attribute("aria-pressed", "false")
    cheer.click()
    expect(page.locator(".cheer-button").first).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".cheer-button").first).to_be_focused()
    expect(page.locator(".flashes")).to_contain_text("You cheered Aiko on.")
    assert page.evaluate("window.stayedHere === true")  # no page load
    page.locator(".cheer-button").first.click()
    expect(page.locator(".cheer-button").first).to_have_attribute("aria-pressed", "false")

    page.goto(f"{live_server}/c/{cohort.slug}/members/{aiko.id}")
    page.evaluate("window.stayedHere = true")
    page.get_by_role("button", name="Follow Aiko", exact=True).click()
    expect(page.get_by_role("button", name="Unfollow Aiko", exact=True)).to_be_focused()
    expect(page.locator(".flashes")).to_contain_text("You follow Aiko.")
    page.get_by_role("button", name="Unfollow Aiko", exact=True).click()
    expect(page.get_by_role("button", name="Follow Aiko", exact=True)).to_be_focused()
    expect(page.locator(".flashes")).to_contain_text("You no longer follow Aiko.")
    assert page.evaluate("window.stayedHere === true")
    screenshot(page, "follow-in-place")


def test_rsvp_and_helpful_update_in_place(live_server: str, page: Page, writer) -> None:
    cohort, meeting, ken = writer
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    factories.add_member(cohort, aiko)
    inventory = factories.make_shared_inventory(meeting, ken, did="Ran the retro.")
    factories.make_feedback(inventory, aiko)
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}")
    page.evaluate("window.stayedHere = true")
    page.get_by_role("button", name="Maybe").click()
    expect(page.get_by_role("button", name="Maybe")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Maybe")).to_be_focused()
    page.get_by_role("button", name="Going", exact=True).click()
    expect(page.get_by_role("button", name="Going", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("button", name="Maybe")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.stayedHere === true")

    page.goto(f"{live_server}/c/{cohort.slug}/inventories/{inventory.id}")
    page.evaluate("window.stayedHere = true")
    page.get_by_role("button", name="Mark as helpful").click()
    expect(page.get_by_role("button", name="Unmark helpful")).to_be_focused()
    assert page.evaluate("window.stayedHere === true")


def test_autosave_speaks_japanese(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="美香", locale="ja")
    cohort = factories.make_cohort(organizer, name="土曜の会")
    meeting = session_for(cohort, title="12月の会")
    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory")
    page.get_by_label("やったこと").fill("初めてのワークショップ。")
    expect(page.locator("[data-autosave]")).to_contain_text("に保存しました", timeout=10000)
    expect(page.get_by_role("button", name="プレビュー").first).to_be_visible()
    expect(page.get_by_role("button", name="ショートフォームを使う")).to_be_visible()
    page.get_by_role("button", name="ショートフォームを使う").click()
    expect(page.get_by_label("やったこと")).to_have_value("初めてのワークショップ。")
    phone_screenshot(page, "ja-inventory-short-form")

    # The organizer's page for the core questions, in Japanese, on a desk and on a phone.
    page.goto(f"{live_server}/c/{cohort.slug}/organize/short-form")
    expect(page.get_by_role("heading", name="ショートフォーム", level=1)).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "ja-short-form-setting")
    phone_screenshot(page, "ja-short-form-setting")
    phone_check(page)
    page.get_by_label("メンバーは最初からショートフォームで書く").check()
    page.get_by_role("button", name="ショートフォームを保存する").click()
    expect(page.get_by_text("ショートフォームを保存しました。")).to_be_visible()


def test_a_second_tab_leaves_the_text_the_first_is_writing_to_it(
    live_server: str, page: Page, writer
) -> None:
    cohort, meeting, ken = writer
    url = f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory"
    log_in(page, live_server, ken.email)
    page.goto(url)
    page.get_by_label("Tactics").fill("Ask Mika for an intro.")
    other = page.context.new_page()  # e.g. the same form opened again on a glance
    other.goto(url)
    expect(other.get_by_label("Tactics")).to_have_value("")
    other.close()  # a tab that restored the text would save it here, as a second writer
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Only you can see it.")).to_be_visible()
    assert saved_answers()["tactics"] == "Ask Mika for an intro."
