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
    expect(page.get_by_role("heading", name="Organizer overview", level=1)).to_be_visible()
    page.locator(".subnav").get_by_role("link", name="Members and roles").click()
    page.get_by_label("Role of Ken").select_option(label="Mentor")
    page.get_by_role("row", name="Ken").get_by_role("button", name="Change").click()
    expect(page.get_by_text("Ken is now Mentor.")).to_be_visible()
    expect(page.get_by_label("Role of Ken")).to_have_value("mentor")
    expect(page.get_by_role("heading", name="Members and roles", level=1)).to_be_visible()
    screenshot(page, "organizer-members")
    phone_screenshot(page, "organizer-members")


def a_busy_month():
    """Mika's circle mid-month: last session's feedback under way (Daniel shared after the
    assignments were made), the coming session half shared, answers coming in."""
    from sqlalchemy import select

    from cohort.cohorts.models import RhythmKind
    from cohort.extensions import db
    from cohort.feedback.models import FeedbackAssignment
    from cohort.feedback.services import assign_feedback_rotation
    from cohort.inventories.models import Inventory
    from cohort.inventories.services import InventoryInput, pause_month, save_inventory

    from ..test_inventories import session_for

    mika = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(mika, name="Saturday Circle", rhythm_kind=RhythmKind.MANUAL)
    names = ["Ken", "Aiko", "Haruto", "Yui", "Sota", "Emma", "Daniel", "Noah"]
    people = {name: factories.make_user(display_name=name) for name in names}
    for user in people.values():
        factories.add_member(cohort, user)
    factories.add_member(cohort, factories.make_user(display_name="Mo Tanaka"), role="mentor")

    last = session_for(cohort, days_ahead=-4, title="November session")
    for name in ("Ken", "Aiko", "Haruto", "Yui", "Sota"):
        factories.make_shared_inventory(last, people[name], did="Ran my first workshop.")
    assign_feedback_rotation(mika, last)
    db.session.commit()
    assignments = db.session.scalars(
        select(FeedbackAssignment).where(FeedbackAssignment.meeting_id == last.id)
    ).all()
    for assignment in assignments[:4]:
        factories.make_feedback(
            db.session.get(Inventory, assignment.inventory_id), assignment.giver
        )
    factories.make_shared_inventory(last, people["Daniel"], did="Wrote my first design doc.")

    coming = session_for(cohort, days_ahead=12, title="December session")
    for name in ("Ken", "Aiko", "Sota"):
        factories.make_shared_inventory(coming, people[name], did="Asked for a stretch project.")
    for name in ("Haruto", "Emma"):
        save_inventory(people[name], coming, InventoryInput(answers={"did": "Half done"}), 0)
    pause_month(people["Yui"], coming)
    db.session.commit()
    answers = {"Ken": "going", "Aiko": "going", "Sota": "going", "Haruto": "maybe"}
    answers |= {"Emma": "going", "Yui": "not_going", "Daniel": "maybe"}
    for name, answer in answers.items():
        factories.make_attendance(coming, people[name], rsvp=answer)
    factories.make_attendance(coming, mika, rsvp="going")
    return mika, cohort


def test_the_organizer_overview_shows_the_month_at_a_glance(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    mika, cohort = a_busy_month()
    log_in(page, live_server, mika.email)
    page.goto(f"{live_server}/c/{cohort.slug}/")
    page.get_by_role("link", name="Organize").click()

    expect(page.get_by_role("heading", name="Organizer overview", level=1)).to_be_visible()
    coming = page.get_by_role("region", name="Coming session")
    expect(
        coming.get_by_role("list", name="Inventory counts").get_by_role("listitem")
    ).to_have_text(["3 shared", "2 draft", "3 not started", "1 paused"])
    expect(coming).to_contain_text("December session")
    expect(coming.get_by_role("list", name="Not shared yet")).to_contain_text("Haruto")
    expect(coming).to_contain_text("5 going · 2 maybe · 1 not going")
    feedback = page.get_by_role("region", name="Feedback", exact=True)
    expect(feedback).to_contain_text("November session")
    expect(feedback.get_by_role("list", name="No feedback yet")).to_contain_text("Daniel")
    expect(feedback).to_contain_text("1 shared inventory has no reviewers yet.")
    screenshot(page, "organizer-dashboard")
    phone_screenshot(page, "organizer-dashboard")

    coming.get_by_role("button", name="Send a reminder").click()
    expect(page.get_by_role("button", name="Remind them now")).to_be_visible()
