"""A cohort's start in a real browser: create it, invite, a newcomer joins, roles change."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .. import factories

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def log_in(page: Page, base: str, email: str, password: str = factories.PASSWORD) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.locator("header form[action='/logout'] button").click()


def test_organizer_invites_a_newcomer_who_registers_and_lands_in_the_cohort(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    log_in(page, live_server, organizer.email)

    page.goto(live_server + "/c/new")
    page.get_by_label("Name").fill("Saturday Career Circle")
    page.get_by_label("Short description").fill("Ten people, one honest hour a month.")
    expect(page.get_by_label("Guide")).to_contain_text("How we reflect together")
    screenshot(page, "cohort-new")
    phone_screenshot(page, "cohort-new")
    page.get_by_role("button", name="Create cohort").click()

    expect(page.get_by_role("heading", name="Invitations", level=1)).to_be_visible()
    page.get_by_label("How many people can join with it").fill("5")
    page.get_by_role("button", name="Create a link").click()
    link_field = page.get_by_label("Share this link with the people you want to invite:")
    link = link_field.input_value()
    assert "/join/" in link
    screenshot(page, "cohort-invitations")
    # Links carry the configured public address; the test server listens elsewhere.
    join_url = live_server + "/join/" + link.rsplit("/join/", 1)[1]
    log_out(page)

    page.goto(join_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Saturday Career Circle")
    expect(page.get_by_text("Mika invites you to this cohort.")).to_be_visible()
    screenshot(page, "cohort-join")
    phone_screenshot(page, "cohort-join")
    page.get_by_role("button", name="Create an account and join").click()
    page.get_by_label("Email").fill("ken@example.org")
    page.get_by_label("Display name").fill("Ken")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()

    expect(page.locator(".cohort-name")).to_contain_text("Saturday Career Circle")
    expect(page.get_by_text("Ten people, one honest hour a month.")).to_be_visible()
    screenshot(page, "cohort-overview")
    phone_screenshot(page, "cohort-overview")
    log_out(page)

    log_in(page, live_server, organizer.email)
    page.goto(live_server + "/c/")
    page.get_by_role("link", name="Saturday Career Circle").click()
    page.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("link", name="Ken")).to_be_visible()
    screenshot(page, "cohort-members")

    page.get_by_role("link", name="Organize").click()
    page.get_by_label("Role of Ken").select_option(label="Mentor")
    page.get_by_role("row", name="Ken").get_by_role("button", name="Change").click()
    expect(page.get_by_text("Ken is now Mentor.")).to_be_visible()
    expect(page.get_by_label("Role of Ken")).to_have_value("mentor")
    screenshot(page, "organizer-dashboard")
    phone_screenshot(page, "organizer-dashboard")
