"""Who might need a hand, in a real browser: an organizer reads the signals, puts a member on
the coming session's list, writes a note from a template, dismisses a signal, and reads the
cohort's health; every page axe-clean and readable on a phone."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .. import factories
from ..signal_history import History
from .conftest import PHONE
from .test_accessibility import serious_violations, small_tap_targets
from .test_cohorts import log_in
from .test_meetings import fits_a_phone

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def cohort_with_signals() -> History:
    history = History(sessions=6)
    quiet, tired, steady = (history.member(n) for n in ("Quiet Ken", "Tired Aiko", "Steady Rui"))
    for index, energy in enumerate((4, 4, 3, 4, 3, 2)):
        history.inventory(index, tired, energy=energy)
        history.inventory(index, steady, energy=4)
        history.attended(index, steady)
        history.attended(index, tired, came=index % 2 == 0)
        if index < 4:
            history.inventory(index, quiet, energy=3)
            history.attended(index, quiet)
    factories.make_meeting(history.cohort, title="December session")
    return history.commit()


def check(page: Page) -> None:
    """Axe-clean, nothing scrolling sideways and no tap target too small on a phone."""
    assert serious_violations(page) == []
    assert fits_a_phone(page)
    phone = page.context.new_page()
    try:
        phone.set_viewport_size(PHONE)
        phone.goto(page.url)
        assert small_tap_targets(phone) == []
    finally:
        phone.close()


def test_an_organizer_notices_and_reaches_out(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    history = cohort_with_signals()
    log_in(page, live_server, history.organizer.email)
    page.goto(f"{live_server}/c/{history.cohort.slug}/organize/")
    page.get_by_role("link", name="Who might need a hand").first.click()
    expect(page.get_by_role("heading", name="Who might need a hand", level=1)).to_be_visible()
    quiet = page.locator(".signal", has_text="Quiet Ken")
    expect(quiet).to_contain_text("No shared inventory for 2 sessions in a row")
    expect(page.locator(".signal", has_text="Tired Aiko")).to_contain_text("Energy at 2 of 5")
    expect(page.locator(".signal", has_text="Steady Rui")).to_have_count(0)
    screenshot(page, "signals")
    phone_screenshot(page, "signals")
    check(page)

    quiet.get_by_role("button", name="Talk at the session").click()
    expect(page.get_by_text("Added to the list of people to talk with")).to_be_visible()
    talks = page.locator(".talk-list")
    expect(talks).to_contain_text("Quiet Ken")
    expect(quiet).to_contain_text("On the list for the coming session")
    check(page)

    page.locator(".signal", has_text="Tired Aiko").get_by_role(
        "button", name="Write a personal note"
    ).click()
    body = page.get_by_label("Your note")
    assert "energy has been low" in body.input_value()
    page.get_by_label("Start from").select_option("goals")
    page.get_by_role("button", name="Use this text").click()
    assert "goals sometimes stand still" in page.get_by_label("Your note").input_value()
    page.get_by_label("Your note").fill("Hi Aiko, shall we have a coffee before the session?")
    screenshot(page, "signals-note")
    check(page)
    page.get_by_role("button", name="Send the note").click()
    expect(page.get_by_text("Your note to Tired Aiko is sent.")).to_be_visible()
    expect(page.locator(".note-list")).to_contain_text("shall we have a coffee")

    page.locator(".signal", has_text="Tired Aiko").get_by_role(
        "button", name="Dismiss for this month"
    ).click()
    expect(page.get_by_text("1 signal is dismissed")).to_be_visible()
    expect(page.locator(".signal", has_text="Tired Aiko")).to_have_count(0)

    page.get_by_role("link", name="Cohort health", exact=True).click()
    expect(page.get_by_role("heading", name="Cohort health", level=1)).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(5)
    expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
    screenshot(page, "cohort-health")
    phone_screenshot(page, "cohort-health")
    check(page)


def test_the_guide_tells_members_what_organizers_see(live_server: str, page: Page) -> None:
    history = cohort_with_signals()
    log_in(page, live_server, history.people[0].email)
    page.goto(f"{live_server}/c/{history.cohort.slug}/guide")
    expect(page.get_by_role("heading", name="What organizers can see")).to_be_visible()
    check(page)
