"""The quarter review and parts of life in a real browser: a member tags a goal and rates their
month's split, opens the quarter review from the inventory form, writes and shares it, and a
peer reads it from the timeline's quarter marker; phones stack the three months."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .. import factories
from ..test_quarters import ken_quarter
from .test_cohorts import log_in, log_out
from .test_signals import check

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def a_cohort_with_kens_quarter():
    mika = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(mika, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    for person in (ken, aiko):
        factories.add_member(cohort, person)
    ken_quarter(cohort, ken, aiko)
    meeting = factories.make_meeting(cohort, title="Quarter session")
    return cohort, ken, aiko, meeting


def test_a_member_writes_and_shares_a_quarter_review_a_peer_reads(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    cohort, ken, aiko, meeting = a_cohort_with_kens_quarter()
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory")
    # Parts of life on the form: the split of the month, and a tag on the goal.
    page.get_by_label("Main job", exact=True).select_option("4")
    page.get_by_label("Parallel career", exact=True).select_option("2")
    page.get_by_label("Part of life", exact=True).first.select_option("parallel")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Only you can see it.")).to_be_visible()
    expect(page.get_by_label("Parallel career", exact=True)).to_have_value("2")
    page.locator("#section-energy").scroll_into_view_if_needed()
    phone_screenshot(page, "inventory-parts-of-life")

    # "Write your quarter review" in a quarter's month, "Look back at the quarter now" otherwise.
    page.locator(f"main a[href$='/sessions/{meeting.id}/quarter']").click()
    expect(page.get_by_role("heading", name="Your quarter review")).to_be_visible()
    expect(page.locator(".quarter-month")).to_have_count(3)
    expect(page.get_by_text("Late meetings drain my evenings again.").first).to_be_visible()
    page.get_by_label("Is my WILL still true?").fill("Still true: rural clinics first.")
    page.get_by_label("The plan for the next quarter").fill("A second clinic by the summer.")
    check(page)
    screenshot(page, "quarter-write")
    phone_screenshot(page, "quarter-write")
    page.get_by_role("button", name="Share with the cohort").click()
    expect(page.get_by_text("Your quarter review is shared with Saturday Circle.")).to_be_visible()
    expect(page.get_by_text("A second clinic by the summer.")).to_be_visible()
    log_out(page)

    log_in(page, live_server, aiko.email)
    page.goto(f"{live_server}/c/{cohort.slug}/members/{ken.id}")
    expect(page.locator(".badge.quarter-marker")).to_have_count(1)
    page.get_by_role("link", name="The quarter side by side").click()
    expect(page.get_by_role("heading", name="Quarter review")).to_be_visible()
    expect(page.get_by_text("Still true: rural clinics first.")).to_be_visible()
    check(page)
    screenshot(page, "quarter-read")
    phone_screenshot(page, "quarter-read")
    # On a phone the months stack, each with its change in view.
    page.set_viewport_size({"width": 375, "height": 812})
    boxes = [month.bounding_box() for month in page.locator(".quarter-month").all()]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    assert all(box["x"] == boxes[0]["x"] for box in boxes)
    expect(page.locator(".quarter-month").nth(1).locator(".change").first).to_be_visible()

    page.get_by_role("link", name="The inventory, with its feedback and cheers").click()
    expect(page.get_by_role("heading", name="Time and energy this month")).to_be_visible()
    expect(page.get_by_text("Main job: 4 of 5 (67%)")).to_be_visible()


def test_a_timeline_shows_one_part_of_life_without_scripts(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    cohort, ken, aiko, _meeting = a_cohort_with_kens_quarter()
    log_in(page, live_server, aiko.email)
    page.goto(f"{live_server}/c/{cohort.slug}/members/{ken.id}")
    expect(page.get_by_text("Launch the clinic app").first).to_be_visible()
    page.get_by_role("link", name="Learning", exact=True).click()
    expect(page).to_have_url(f"{live_server}/c/{cohort.slug}/members/{ken.id}?area=learning")
    expect(page.locator(".area-filter a[aria-current='true']")).to_have_text("Learning")
    expect(page.get_by_text("Launch the clinic app")).to_have_count(0)
    check(page)
    phone_screenshot(page, "timeline-one-part")


def test_an_organizer_renames_a_part_of_life_and_picks_quarter_months(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    cohort, _ken, _aiko, _meeting = a_cohort_with_kens_quarter()
    log_in(page, live_server, "mika@example.org")
    page.goto(f"{live_server}/c/{cohort.slug}/organize/")
    page.get_by_role("link", name="Parts of life and quarters").click()
    expect(page.get_by_role("heading", name="Parts of life and quarters")).to_be_visible()
    expect(page.get_by_label("March")).to_be_checked()
    check(page)
    phone_screenshot(page, "parts-of-life-settings")
    page.get_by_label("Part 2 in English").fill("Side project")
    page.get_by_label("Part 2 in Japanese").fill("サイドプロジェクト")
    page.get_by_label("March").uncheck()
    page.get_by_label("April").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The parts of life and quarter months are saved.")).to_be_visible()
    expect(page.get_by_label("Part 2 in English")).to_have_value("Side project")
    expect(page.get_by_label("April")).to_be_checked()
    expect(page.get_by_label("March")).not_to_be_checked()


def test_the_feed_and_the_session_page_mark_a_quarter_review(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    from ..test_quarter_marks import shared_quarter

    cohort, ken, aiko, _meeting = a_cohort_with_kens_quarter()
    meeting, review, _month = shared_quarter(cohort, ken, aiko)
    log_in(page, live_server, "mika@example.org")
    for url, name in (
        ("/feed?scope=cohorts", "feed-quarter"),
        (f"/c/{cohort.slug}/sessions/{meeting.id}", "session-quarter"),
    ):
        page.goto(live_server + url)
        expect(page.locator(".quarter-marker")).to_have_count(1)
        expect(page.locator(".quarter-marker")).to_have_text("◆ Quarter review")
        page.locator(".quarter-marker").scroll_into_view_if_needed()
        check(page)
        screenshot(page, name)
        phone_screenshot(page, name)
    page.locator(f"main a[href$='/inventories/{review.id}/quarter']").click()
    expect(page.get_by_text("Second clinic by June")).to_be_visible()
