"""The monthly loop's second half in a real browser: assignments, feedback, reply, helpful,
and the blind-spot map."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .. import factories
from ..test_inventories import session_for
from .test_cohorts import log_in, log_out

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def test_assigned_feedback_is_given_answered_and_shows_on_the_blind_spot_map(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    factories.add_member(cohort, ken)
    factories.add_member(cohort, aiko)
    meeting = session_for(cohort, title="December session")
    factories.make_shared_inventory(
        meeting,
        ken,
        self_traits=["calm_under_pressure", "plans_ahead"],
        did="Led my first client workshop.",
        feedback_ask="How do I show impact without numbers?",
    )
    factories.make_shared_inventory(meeting, aiko, did="Mentored two juniors.")

    # The organizer generates the assignments with one click.
    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{cohort.slug}/organize/")
    page.locator(".subnav").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", name="Feedback December session")).to_be_visible()
    page.get_by_role("button", name="Generate assignments").click()
    expect(page.get_by_text("4 assignments made. Each reviewer was notified.")).to_be_visible()
    expect(page.get_by_role("article", name="Ken").locator(".reviewers")).to_contain_text("Aiko")
    screenshot(page, "feedback-coverage")
    phone_screenshot(page, "feedback-coverage")
    log_out(page)

    # Aiko sees what she owes, with its due time, and gives feedback beside the inventory.
    log_in(page, live_server, aiko.email)
    page.goto(f"{live_server}/c/{cohort.slug}/")
    page.locator(".tabs").get_by_role("link", name="Feedback").click()
    owed = page.locator(".owed-item", has_text="Ken")
    expect(owed).to_contain_text("December session")
    expect(owed).to_contain_text("due")
    owed.get_by_role("button", name="Give feedback to Ken").click()
    expect(page.get_by_text("How do I show impact without numbers?")).to_be_visible()
    expect(page.locator(".feedback-inventory")).to_contain_text("Led my first client workshop.")
    page.get_by_label("Your answer to what they asked").fill("Short.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("A little more, please: at least 20 characters.")).to_be_visible()
    expect(page.get_by_text("Pick one to three traits.").last).to_be_visible()
    page.get_by_label("Your answer to what they asked").fill(
        "Quote the client: their own words show the impact better than numbers."
    )
    page.get_by_label("Situation").fill("In the workshop, when the projector failed")
    page.get_by_label("Behaviour").fill("You switched to the whiteboard and kept smiling")
    page.get_by_label("Impact").fill("The client stayed engaged and booked a second session")
    page.get_by_label("Calm under pressure").check()
    page.get_by_label("Explains clearly").check()
    page.get_by_label("One question to think with").fill(
        "What would you do with a whole day of workshops?"
    )
    screenshot(page, "feedback-give")
    phone_screenshot(page, "feedback-give")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Your feedback is with Ken.")).to_be_visible()
    expect(page.locator(".feedback-card", has_text="From Aiko")).to_be_visible()
    screenshot(page, "feedback-on-inventory")
    log_out(page)

    # Ken reads it, replies once and marks it helpful.
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/feedback")
    card = page.locator(".feedback-card", has_text="From Aiko")
    expect(card).to_contain_text("The client stayed engaged")
    expect(card).to_contain_text("Explains clearly")
    card.get_by_label("Reply to Aiko").fill("Thank you! I will quote the client next time.")
    card.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is sent to Aiko.")).to_be_visible()
    card = page.locator(".feedback-card", has_text="From Aiko")
    card.get_by_role("button", name="Mark as helpful").click()
    expect(page.get_by_text("Marked as helpful.")).to_be_visible()
    card = page.locator(".feedback-card", has_text="From Aiko")
    expect(card).to_contain_text("Reply from Ken")
    expect(card.get_by_label("Reply to Aiko")).to_have_count(0)
    expect(card.locator(".badge-helpful")).to_be_visible()
    screenshot(page, "feedback-inbox")
    phone_screenshot(page, "feedback-inbox")

    # The blind-spot map: what Ken and his peers both see, and what only one side sees.
    page.locator(".tabs").get_by_role("link", name="Members").click()
    page.locator("main").get_by_role("link", name="Ken", exact=True).click()
    spots = page.locator(".blind-spot-map")
    expect(spots.locator(".quadrant-both")).to_contain_text("Calm under pressure")
    expect(spots.locator(".quadrant-peers")).to_contain_text("Explains clearly")
    expect(spots.locator(".quadrant-self")).to_contain_text("Plans ahead")
    spots.scroll_into_view_if_needed()
    screenshot(page, "blind-spot-map")
    phone_screenshot(page, "blind-spot-map")


def test_on_a_phone_the_feedback_form_starts_on_the_first_screen(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    """What the giver needs stays above the form, the rest of the inventory is one tap away,
    and the Send bar never covers the field being written in."""
    from .conftest import PHONE

    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    factories.add_member(cohort, ken)
    meeting = session_for(cohort, title="December session")
    from cohort.extensions import db
    from cohort.inventories import services

    answers = {
        "did": "Led my first client workshop.",
        "learned": "Preparing the room matters as much as the slides.",
        "feedback_ask": "How do I show impact without numbers?",
        "try": "Ask the client for one sentence I may quote.",
    }
    inventory = services.save_inventory(
        ken, meeting, services.InventoryInput(answers=answers, energy=4), 0
    )
    services.share_inventory(ken, inventory)
    db.session.commit()
    inventory_id = inventory.id
    page.set_viewport_size(PHONE)
    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{cohort.slug}/inventories/{inventory_id}/feedback")

    brief = page.locator(".feedback-brief")
    expect(brief).to_contain_text("4 of 5")
    expect(brief).to_contain_text("Ask the client for one sentence I may quote.")
    whole = page.locator(".feedback-inventory-whole")
    expect(whole.get_by_text("Preparing the room matters")).to_be_hidden()
    first_field = page.get_by_label("Your answer to what they asked")
    assert first_field.bounding_box()["y"] < PHONE["height"], "the first field is below the fold"
    screenshot(page, "feedback-give-first-screen-phone")

    whole.locator("summary").click()
    expect(whole.get_by_text("Preparing the room matters")).to_be_visible()

    # Writing in a field with the keyboard open (a shorter viewport, the field brought to its
    # bottom edge as a phone does): the Send bar steps aside instead of covering it.
    page.set_viewport_size({"width": PHONE["width"], "height": 420})
    last = page.get_by_label("Situation")
    last.fill("In the workshop")
    last.evaluate("field => field.scrollIntoView({block: 'end'})")
    field, bar = last.bounding_box(), page.locator(".sticky-actions").bounding_box()
    overlaps = field["y"] < bar["y"] + bar["height"] and bar["y"] < field["y"] + field["height"]
    assert not overlaps, f"the Send bar {bar} covers the field {field}"
