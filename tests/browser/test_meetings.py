"""Sessions in a real browser: an organizer schedules one, a member answers, both on a phone."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cohort.database import utcnow

from .. import factories
from .conftest import PHONE
from .test_cohorts import log_in, log_out

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def fits_a_phone(page: Page) -> bool:
    """Opens the page's URL at 375 px in a second tab: nothing may scroll sideways."""
    phone = page.context.new_page()
    try:
        phone.set_viewport_size(PHONE)
        phone.goto(page.url)
        return phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        phone.close()


def test_an_organizer_schedules_a_session_and_a_member_answers(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    mika = factories.make_user(email="mika@example.org", display_name="Mika")
    ken = factories.make_user(email="ken@example.org", display_name="Ken", timezone="Asia/Tokyo")
    cohort = factories.make_cohort(mika, name="Saturday Career Circle", timezone="Europe/Berlin")
    factories.add_member(cohort, ken)
    day = (utcnow() + timedelta(days=20)).date()

    log_in(page, live_server, mika.email)
    page.goto(f"{live_server}/c/{cohort.slug}/")
    page.get_by_role("link", name="Sessions", exact=True).click()
    expect(page.get_by_role("heading", name="Coming up")).to_be_visible()
    page.get_by_role("button", name="Add a session").click()
    page.get_by_label("Title").fill("Extra: CV clinic")
    page.get_by_label("Starts").fill(f"{day}T18:30")
    page.get_by_label("Ends").fill(f"{day}T20:00")
    page.get_by_label("Online link").fill("https://meet.example.org/cv")
    page.get_by_label("Agenda").fill("1. Swap CVs\n2. **One** question each")
    page.get_by_label("Inventories due").fill(f"{day - timedelta(days=1)}T18:30")
    page.get_by_label("Feedback due").fill(f"{day + timedelta(days=7)}T20:00")
    screenshot(page, "session-new")
    assert fits_a_phone(page)
    page.get_by_role("button", name="Schedule the session").click()

    expect(page.get_by_role("heading", name="Extra: CV clinic", level=1)).to_be_visible()
    expect(page.get_by_text("In the cohort's time zone (Europe/Berlin)")).to_be_visible()
    expect(page.get_by_role("link", name="Join the video call")).to_be_visible()
    session_url = page.url
    log_out(page)

    log_in(page, live_server, ken.email)
    page.goto(session_url)
    page.get_by_role("button", name="Going", exact=True).click()
    expect(page.get_by_text("Your answer is saved: Going.")).to_be_visible()
    expect(page.get_by_role("button", name="Going", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_text("Going (1)")).to_be_visible()
    screenshot(page, "session")
    phone_screenshot(page, "session")
    assert fits_a_phone(page)

    page.goto(f"{live_server}/settings/calendar")
    page.get_by_role("button", name="Create my calendar address").click()
    address = page.get_by_label("Add this address to your calendar app")
    assert "/calendar/" in address.input_value()
    screenshot(page, "settings-calendar")
    assert fits_a_phone(page)
