"""The monthly loop's first half in a real browser: write over two sittings, share, read."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .. import factories
from ..test_inventories import session_for
from .test_cohorts import log_in, log_out

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def test_member_writes_in_two_sittings_shares_and_peers_and_organizers_see_it(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    factories.add_member(cohort, ken)
    meeting = session_for(cohort, title="December session")
    form_url = f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory"

    log_in(page, live_server, ken.email)
    page.goto(form_url)
    expect(page.get_by_text("Draft: only you can see this until you share it.")).to_be_visible()
    page.get_by_role("group", name="Energy (1 = drained, 5 = full of energy)").get_by_label(
        "4"
    ).check()
    page.get_by_label("What I did").fill("Led my first client workshop.")
    page.get_by_label("A new goal").fill("Move into product management")
    page.get_by_label("Tasks for next month").fill("Coffee with a PM\nFinish the course")
    screenshot(page, "inventory-form")
    phone_screenshot(page, "inventory-form")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Only you can see it.")).to_be_visible()

    # The second sitting: the draft is still there; finish and share.
    page.goto(form_url)
    expect(page.get_by_label("What I did")).to_have_value("Led my first client workshop.")
    page.get_by_label("Try — next month's plan").fill("Ask for a stretch project.")
    page.get_by_label("What I want feedback on").fill("How do I show impact without numbers?")
    page.get_by_role("button", name="Share with the cohort").click()
    expect(page.get_by_text("Your inventory is shared with Saturday Circle.")).to_be_visible()
    expect(page.get_by_text("Members of Saturday Circle can see this.")).to_be_visible()
    screenshot(page, "inventory-shared")
    log_out(page)

    # A peer reads it on the month page.
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    factories.add_member(cohort, aiko)
    log_in(page, live_server, aiko.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}")
    card = page.locator(".inventory-card", has_text="Ken")
    expect(card).to_contain_text("Led my first client workshop.")
    expect(card).to_contain_text("How do I show impact without numbers?")
    screenshot(page, "month-page")
    phone_screenshot(page, "month-page")
    log_out(page)

    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{cohort.slug}/organize/sessions/{meeting.id}/inventories")
    expect(page.locator(".counts")).to_contain_text("1 shared")
    page.get_by_role("link", name="Ken").click()
    expect(page.get_by_text("Led my first client workshop.")).to_be_visible()
    expect(page.get_by_text("Move into product management")).to_be_visible()
    screenshot(page, "inventory-read")
    phone_screenshot(page, "inventory-read")
