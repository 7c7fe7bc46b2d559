"""Mentoring in a real browser: a member asks for a mentor, the organizer proposes the
suggested one, the mentor accepts and writes the agreement, the pair logs a one-to-one with a
next step, and both answer a review that shows the other's answers only once both are in;
every page axe-clean and usable on a phone."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cohort.extensions import db
from cohort.inventories.models import Goal
from cohort.mentoring import services

from .. import factories
from .test_cohorts import log_in, log_out
from .test_signals import check

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def test_request_pairing_one_to_one_and_review(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(display_name="Olga Organizer")
    cohort = factories.make_cohort(organizer, name="Evening Circle")
    member = factories.make_user(display_name="Mia Member")
    mentor = factories.make_user(display_name="Dana Mentor")
    factories.add_member(cohort, member)
    factories.add_member(cohort, mentor, role="mentor")
    services.save_profile(
        mentor,
        cohort,
        services.ProfileInput(fields="data analysis, SQL", roles_held="Data lead", years=9),
    )
    db.session.add(Goal(user_id=member.id, title="Learn SQL well"))
    db.session.commit()
    base = f"{live_server}/c/{cohort.slug}/mentoring"

    # The member asks.
    log_in(page, live_server, member.email)
    page.goto(f"{live_server}/c/{cohort.slug}/")
    page.get_by_role("link", name="Mentoring").click()
    page.get_by_role("button", name="Ask for a mentor").click()
    page.get_by_label("What would you like help with?").fill(
        "I want to move into data analysis within a year."
    )
    page.get_by_label("Learn SQL well").check()
    check(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request is sent to the organizers.")).to_be_visible()
    log_out(page)

    # The organizer sees the suggestion and proposes it.
    log_in(page, live_server, organizer.email)
    page.goto(base)
    request = page.locator("#request-1, .card", has_text="Mia Member").first
    expect(request).to_contain_text("Dana Mentor")
    expect(request).to_contain_text("data analysis")
    screenshot(page, "mentoring-organizer")
    phone_screenshot(page, "mentoring-organizer")
    check(page)
    request.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Proposed. The mentor accepts or declines.")).to_be_visible()
    log_out(page)

    # The mentor accepts and writes the agreement.
    log_in(page, live_server, mentor.email)
    page.goto(base)
    page.get_by_role("button", name="Accept").click()
    page.get_by_label("How often you meet").fill("Every two weeks")
    page.get_by_label("How you contact each other").fill("Video call")
    check(page)
    page.get_by_role("button", name="Save the agreement").click()
    expect(page.get_by_text("Last changed by Dana Mentor")).to_be_visible()

    # A one-to-one with a next step for the mentee.
    page.get_by_role("button", name="Log a one-to-one").click()
    page.get_by_label("Notes").fill("We chose SQL first.")
    page.locator("#step_1").fill("Finish chapter three")
    page.locator("#owner_1").select_option("mentee")
    check(page)
    page.get_by_role("button", name="Save the one-to-one").click()
    expect(page.get_by_text("The one-to-one is logged.")).to_be_visible()
    expect(page.locator("#steps")).to_contain_text("Finish chapter three")
    expect(page.locator("#log")).to_contain_text("We chose SQL first.")
    screenshot(page, "mentoring-pair")
    phone_screenshot(page, "mentoring-pair")
    check(page)

    # A phase of the plan, added and then reshaped in place.
    plan = page.locator("#plan")
    plan.get_by_text("Add a phase").click()
    plan.get_by_label("Phase", exact=True).fill("Learn")
    plan.get_by_role("button", name="Add the phase").click()
    expect(page.get_by_text("The phase is added to the plan.")).to_be_visible()
    plan.get_by_text("Edit the phase").click()
    plan.locator("[id$='-name']").fill("Learn SQL")
    plan.locator("[id$='-last']").fill("4")
    check(page)
    screenshot(page, "mentoring-phase-edit")
    desktop = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 812})  # the open form, as a phone sees it
    screenshot(page, "mentoring-phase-edit-phone")
    page.set_viewport_size(desktop)
    plan.get_by_role("button", name="Save the phase").click()
    expect(page.get_by_text("The phase is saved.")).to_be_visible()
    expect(page.locator("#plan")).to_contain_text("Learn SQL")
    expect(page.locator("#plan")).to_contain_text("months 1–4")

    # The mentor's review answers wait for the mentee's.
    page.get_by_role("link", name="Open the review").click()
    page.get_by_label("5", exact=True).check()
    page.get_by_label("What should change?").fill("Nothing yet")
    page.get_by_label("Continue as we are").check()
    check(page)
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_text("You answered. The other side's answers show")).to_be_visible()
    log_out(page)

    log_in(page, live_server, member.email)
    page.goto(base)
    page.get_by_role("button", name="Open your space").click()
    expect(page.locator("#log")).to_contain_text("We chose SQL first.")
    page.get_by_role("link", name="Open the review").click()
    expect(page.get_by_text("Nothing yet")).to_have_count(0)  # not before both answered
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Change the focus").check()
    page.get_by_role("button", name="Send your answers").click()
    completed = page.locator("section", has_text="Completed reviews")
    expect(completed).to_contain_text("Nothing yet")
    expect(completed).to_contain_text("Helping: 5 of 5")
    screenshot(page, "mentoring-review")
    phone_screenshot(page, "mentoring-review")
    check(page)
    log_out(page)

    # The organizer sees the review happened and asked for a change, not what it said.
    log_in(page, live_server, organizer.email)
    page.goto(base)
    expect(page.get_by_text("asked to change focus")).to_be_visible()
    expect(page.get_by_text("Nothing yet")).to_have_count(0)
