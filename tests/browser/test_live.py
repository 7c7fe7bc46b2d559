"""A session run live, in two browsers: the facilitator starts it and moves on twice while a
member's page follows without a reload; the member's note becomes a prefilled feedback form;
the facilitator ends it and the minutes appear on the member's session page. Every page is
axe-clean and fits a phone; the projector view is checked at 1920×1080."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ..test_live import Room
from .conftest import DESKTOP
from .test_accessibility import serious_violations, small_tap_targets
from .test_cohorts import log_in
from .test_meetings import fits_a_phone

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


@pytest.fixture
def second_context(browser: Browser) -> Iterator[tuple[BrowserContext, list[str]]]:
    """Another person's browser, failing the test on any error response or script error."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Asia/Tokyo")
    problems: list[str] = []
    context.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    context.on("weberror", lambda e: problems.append(f"script error: {e.error}"))
    context.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    yield context, problems
    context.close()
    assert problems == []


def check(page: Page) -> None:
    assert serious_violations(page) == []
    assert fits_a_phone(page)
    phone = page.context.new_page()
    try:
        phone.set_viewport_size({"width": 375, "height": 812})
        phone.goto(page.url)
        assert small_tap_targets(phone) == []
    finally:
        phone.close()


def test_the_room_follows_the_facilitator(
    live_server: str,
    page: Page,
    second_context,
    screenshot: Screenshot,
    phone_screenshot: Screenshot,
) -> None:
    room = Room()
    slug, meeting_id = room.cohort.slug, room.meeting.id
    live = f"{live_server}/c/{slug}/sessions/{meeting_id}/live"
    session_page = f"{live_server}/c/{slug}/sessions/{meeting_id}"

    # The member opens the live page before it starts.
    context, _problems = second_context
    member = context.new_page()
    log_in(member, live_server, room.members[2].email)  # Chie
    member.goto(live)
    expect(member.locator("#live-now")).to_contain_text("has not started yet")

    # The facilitator starts it: opening, then Aiko, then Ben.
    log_in(page, live_server, room.organizer.email)
    page.goto(session_page)
    page.get_by_role("button", name="Prepare and start the session").click()
    check(page)
    page.get_by_label("In the order people shared").check()
    page.get_by_label("Break (minutes)").fill("10")
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("[data-live='current']")).to_have_text("Opening")
    expect(member.locator("[data-live='current']")).to_have_text("Opening", timeout=10_000)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("[data-live='current']")).to_have_text("Aiko")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("[data-live='current']")).to_have_text("Ben")
    expect(page.locator("#live-panel")).to_contain_text("Ben asks")
    page.get_by_role("button", name="Check in Chie").click()
    expect(page.locator("#live-people")).to_contain_text("here")

    # The member's page followed without a reload: same document, new speaker and panel.
    member.evaluate("window.__sameDocument = true")
    expect(member.locator("[data-live='current']")).to_have_text("Ben", timeout=10_000)
    expect(member.locator("#live-panel")).to_contain_text("Ben asks", timeout=10_000)
    expect(member.locator("[data-live='next']")).to_have_text("Break")
    assert member.evaluate("window.__sameDocument === true")
    expect(member.locator("#live-listener")).to_be_visible(timeout=10_000)
    check(member)
    screenshot(page, "live-facilitator")
    phone_screenshot(page, "live-facilitator")
    screenshot(member, "live-member")
    phone_screenshot(member, "live-member")

    projector = page.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(live + "?view=projector")
    expect(projector.locator(".live-speaker")).to_have_text("Ben")
    assert serious_violations(projector) == []
    projector.screenshot(
        path=screenshot(projector, "live-projector").with_name("live-projector.png")
    )
    projector.close()

    # The member's note about Ben becomes the start of their feedback on Ben's inventory.
    member.get_by_role("textbox", name="My notes").fill(
        "You named the trade-off clearly; what would you drop?"
    )
    member.get_by_role("button", name="Save my note").click()
    expect(member.locator(".flash-success")).to_contain_text("Only you see it")
    member.get_by_role("button", name="Start my feedback from this note").click()
    expect(member.locator("textarea").first).to_have_value(
        "You named the trade-off clearly; what would you drop?"
    )
    assert "/feedback" in member.url

    # The member waits on the session page; the facilitator ends the session.
    member.goto(session_page)
    expect(member.locator("#live-now")).to_contain_text("Ben")
    page.goto(live)
    page.get_by_role("textbox", name="Session notes").fill("- Next session: **January 9**")
    page.get_by_role("button", name="Save the notes").click()
    page.get_by_role("button", name="End the session").click()
    expect(page.locator("#minutes")).to_contain_text("January 9")
    expect(member.locator("#minutes")).to_contain_text("Aiko", timeout=10_000)
    expect(member.locator("#minutes")).to_contain_text("1 feedback draft was started")
    expect(member.locator("#checkout")).to_be_visible()
    member.get_by_label("4").check()
    member.get_by_role("button", name="Save my check-out").click()
    expect(member.locator(".flash-success")).to_contain_text("check-out is saved")
    check(member)
    screenshot(member, "live-minutes")
    phone_screenshot(member, "live-minutes")

    # The same pages in Japanese.
    member.locator("footer").get_by_role("button", name="日本語").click()
    member.goto(session_page)
    expect(member.locator("#minutes")).to_contain_text("議事録")
    expect(member.locator("#minutes")).to_contain_text("話した人")
    check(member)
    phone_screenshot(member, "live-minutes-ja")
    member.goto(live)
    expect(member.locator("#live-now")).to_contain_text("セッションは終了しました")
    phone_screenshot(member, "live-member-ja")
