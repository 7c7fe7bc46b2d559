"""Small things a real browser must show: copy buttons that copy and say so, cheer buttons that
say their state, the organizer pages' links all in reach, and forms that cannot be sent twice."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .. import factories
from ..test_inventories import session_for
from .conftest import DESKTOP, PHONE
from .test_accessibility import scrolls_sideways
from .test_cohorts import log_in

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def test_the_copy_button_copies_the_new_invitation_link_and_says_so(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{cohort.slug}/organize/invitations")
    page.get_by_role("button", name="Create a link").click()
    link = page.get_by_label("Share this link with the people you want to invite:").input_value()
    assert "/join/" in link

    status = page.locator(".new-link [role='status']")
    expect(status).to_be_empty()
    page.get_by_role("button", name="Copy the link").click()
    expect(status).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    screenshot(page, "polish-copy-link")
    phone_screenshot(page, "polish-copy-link")


def test_a_cheer_button_says_cheered_once_pressed_and_cheer_when_taken_back(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    factories.add_member(cohort, ken)
    factories.add_member(cohort, aiko)
    meeting = session_for(cohort, days_ahead=-1, title="December session")
    long_month = "\n\n".join(["I ran my first client workshop and learned a lot from it."] * 30)
    inventory = factories.make_shared_inventory(meeting, ken, did=long_month)

    log_in(page, live_server, aiko.email)
    page.goto(f"{live_server}/c/{cohort.slug}/inventories/{inventory.id}")
    top = page.locator(".inventory-actions")
    expect(top.get_by_role("button", name="Give feedback")).to_be_in_viewport()
    cheer = top.locator("button.cheer-button")
    expect(cheer).to_be_in_viewport()
    expect(cheer).to_have_text(re.compile(r"^Cheer Ken's .+ inventory$"))
    expect(cheer).to_have_attribute("aria-pressed", "false")
    screenshot(page, "polish-inventory-top")
    phone_screenshot(page, "polish-inventory-top")

    cheer.click()
    cheer = page.locator(".inventory-actions button.cheer-button")
    expect(cheer).to_have_attribute("aria-pressed", "true")
    expect(cheer).to_have_text(re.compile(r"^Cheered Ken's .+ inventory$"))
    expect(page.locator("#cheers button.cheer-button").last).to_contain_text("Cheered")
    screenshot(page, "polish-inventory-cheered")

    cheer.click()
    cheer = page.locator(".inventory-actions button.cheer-button")
    expect(cheer).to_have_attribute("aria-pressed", "false")
    expect(cheer).to_have_text(re.compile(r"^Cheer Ken's .+ inventory$"))


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_every_organizer_page_link_is_in_reach_on_desktop_and_phone(
    live_server: str, page: Page, screenshot: Screenshot, locale: str
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="Mika", locale=locale)
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    log_in(page, live_server, organizer.email)
    settings = page.locator(".subnav a[href$='/organize/settings']")

    page.goto(f"{live_server}/c/{cohort.slug}/organize/")
    box = settings.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"]
    list_box = page.locator(".subnav ul").bounding_box()
    assert list_box and box["x"] + box["width"] <= list_box["x"] + list_box["width"] + 0.5
    screenshot(page, f"polish-organizer-nav-{locale}")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/c/{cohort.slug}/organize/")
    assert not scrolls_sideways(page)
    nav_list = page.locator(".subnav ul")
    assert nav_list.evaluate("list => list.scrollWidth > list.clientWidth")
    assert nav_list.evaluate("list => getComputedStyle(list).overflowX") == "auto"
    settings.scroll_into_view_if_needed()
    expect(settings).to_be_in_viewport(ratio=0.99)
    assert not scrolls_sideways(page)
    screenshot(page, f"polish-organizer-nav-{locale}-phone")


def test_a_form_being_sent_is_busy_and_cannot_be_sent_twice(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    log_in(page, live_server, organizer.email)
    invitations = f"{live_server}/c/{cohort.slug}/organize/invitations"
    posts: list[str] = []
    page.context.on("request", lambda r: r.method == "POST" and posts.append(r.url))

    # A double click sends the form once.
    page.goto(invitations)
    page.get_by_role("button", name="Create a link").dblclick()
    expect(page.get_by_text("The invitation link is ready.")).to_be_visible()
    assert posts == [f"{invitations}/link"]

    # While the answer is on its way the button is busy and a second submit goes nowhere.
    # (The answer opens in another tab here, so the page that sent it can still be looked at.)
    page.goto(invitations)
    form = page.locator("form[action$='/invitations/link']")
    form.evaluate("form => { form.target = '_blank'; }")
    button = form.get_by_role("button", name="Create a link")
    with page.expect_popup() as answer:
        button.click()
    answer.value.wait_for_load_state()
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-busy", "true")
    screenshot(page, "polish-busy-button")
    form.evaluate("form => form.requestSubmit()")
    page.wait_for_timeout(300)
    assert len(posts) == 2


def test_the_pressed_button_still_says_what_to_do_share_not_save(
    live_server: str, page: Page
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    factories.add_member(cohort, ken)
    meeting = session_for(cohort, title="December session")
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory")
    page.get_by_label("What I did").fill("Led my first client workshop.")
    page.get_by_role("button", name="Share with the cohort").click()
    expect(page.get_by_text("Members of Saturday Circle can see this.")).to_be_visible()


def test_removing_a_member_asks_first_on_a_page_that_says_what_will_happen(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    factories.add_member(cohort, factories.make_user(email="ken@example.org", display_name="Ken"))
    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{cohort.slug}/organize/members")

    # Going back changes nothing.
    page.get_by_role("button", name="Remove Ken").click()
    expect(page.get_by_role("heading", name="Remove Ken from Saturday Circle?")).to_be_visible()
    expect(page.locator(".confirm-consequences li")).to_have_count(4)
    screenshot(page, "polish-confirm-remove")
    phone_screenshot(page, "polish-confirm-remove")
    page.get_by_role("button", name="Go back without changing anything").click()
    expect(page.get_by_role("button", name="Remove Ken")).to_be_visible()

    # Pressing the page's own button removes him.
    page.get_by_role("button", name="Remove Ken").click()
    page.locator(".confirm-actions").get_by_role("button", name="Remove Ken").click()
    expect(page.get_by_text("Ken was removed from the cohort.")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Ken")).to_have_count(0)
