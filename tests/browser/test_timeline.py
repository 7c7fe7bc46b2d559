"""Watching peers grow in a real browser: follow two peers, see their new inventories in the
feed, cheer one, open a timeline with its charts, and compare a month with the one before."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from cohort.delivery.models import Notification
from cohort.extensions import db
from cohort.inventories.models import Goal

from .. import factories
from ..test_inventories import session_for
from ..test_timeline import months_ago, write
from .conftest import PHONE
from .test_accessibility import scrolls_sideways, serious_violations
from .test_cohorts import log_in

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def check_accessible(page: Page) -> None:
    """No serious axe-core violation here, and nothing scrolls sideways on a phone."""
    assert serious_violations(page) == []
    phone = page.context.new_page()
    try:
        phone.set_viewport_size(PHONE)
        phone.goto(page.url)
        assert not scrolls_sideways(phone), page.url
    finally:
        phone.close()


def kens_past_months(cohort, ken) -> None:
    """Three months of Ken's: energy and ratings moving, a goal growing, one month skipped."""
    write(
        ken,
        months_ago(cohort, 4),
        energy=2,
        ratings={"skills": 2, "experience": 3, "network": 1, "money": 3, "time": 2},
        answers={"did": "Mapped my current role.", "try": "Ask for a stretch project."},
        new_goals=[("Move into product management", "")],
    )
    goal = db.session.scalar(select(Goal))
    months_ago(cohort, 3)  # skipped: a gap, never a zero
    for n, energy, percent in ((2, 3, 30), (1, 3, 45)):
        write(
            ken,
            months_ago(cohort, n),
            energy=energy,
            ratings={"skills": 3, "experience": 3, "network": 2, "money": 3, "time": 2},
            answers={"did": f"Month {n}: shadowed a product manager."},
            goal_progress={goal.id: (percent, "", "active")},
        )


def test_member_follows_two_peers_sees_their_months_cheers_and_reads_a_timeline(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    mika = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(mika, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    for person in (ken, aiko):
        factories.add_member(cohort, person)
    kens_past_months(cohort, ken)

    log_in(page, live_server, aiko.email)
    page.goto(f"{live_server}/c/{cohort.slug}/members/")
    for name in ("Ken", "Mika"):
        page.get_by_role("button", name=f"Follow {name}", exact=True).click()
        expect(page.get_by_text(f"You follow {name}.")).to_be_visible()
    expect(page.get_by_role("button", name="Unfollow Ken", exact=True)).to_be_visible()
    page.goto(f"{live_server}/following")
    expect(page.get_by_role("heading", name="You follow 2 people")).to_be_visible()
    check_accessible(page)

    # Both share this month's inventory; the feed shows them, newest first.
    goal = db.session.scalar(select(Goal))
    this_month = session_for(cohort, days_ahead=-1, title="November session")
    write(
        ken,
        this_month,
        energy=4,
        ratings={"skills": 4, "experience": 3, "network": 3, "money": 3, "time": 2},
        answers={"did": "Led the discovery for a new feature.", "will": "Build for people"},
        goal_progress={goal.id: (100, "Offered the PM role", "achieved")},
    )
    write(mika, this_month, energy=3, answers={"did": "Ran the first retrospective."})
    page.get_by_role("link", name="Feed", exact=True).click()
    feed = page.locator(".feed")
    expect(feed).to_contain_text("Led the discovery for a new feature.")
    expect(feed).to_contain_text("Ran the first retrospective.")
    kens = page.locator(".feed-item", has_text="Led the discovery")
    expect(kens).to_contain_text("Goal achieved: Move into product management")

    kens.locator(":scope > .cheer").get_by_role("button", name="Cheer").click()
    expect(page.get_by_text("You cheered Ken on.")).to_be_visible()
    kens = page.locator(".feed-item", has_text="Led the discovery")
    expect(kens.locator(".cheer-button[aria-pressed='true']")).to_have_count(1)
    expect(kens).to_contain_text("1 cheer")
    check_accessible(page)
    screenshot(page, "feed")
    phone_screenshot(page, "feed")
    assert (
        db.session.scalar(select(Notification.kind).where(Notification.user_id == ken.id))
        == "cheered"
    )
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.locator(".home-feed")).to_contain_text("Led the discovery for a new feature.")
    check_accessible(page)
    page.go_back()
    kens = page.locator(".feed-item", has_text="Led the discovery")

    # Ken's timeline: charts drawn on the server, their numbers in a table, the gap kept.
    kens.get_by_role("link", name="Ken's timeline").click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(7)
    expect(page.locator("svg.chart").first).to_be_visible()
    energy = page.locator("figure.chart-panel", has_text="Energy")
    expect(energy.locator("circle")).to_have_count(4)
    expect(energy.locator("rect.chart-gap")).to_have_count(1)
    expect(page.get_by_text("No inventory this month.")).to_be_visible()
    page.get_by_text("Show the numbers").first.click()
    expect(page.get_by_role("table").first).to_contain_text("no inventory")
    check_accessible(page)
    screenshot(page, "timeline")
    phone_screenshot(page, "timeline")

    # What changed since last month, for this month.
    newest = page.locator(f"#month-{this_month.id}")
    newest.get_by_role("link", name="What changed since last month").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What changed in")
    ratings = page.locator("table.compare-table").first
    expect(ratings.get_by_role("row", name="Energy")).to_contain_text("↑ +1")
    goals = page.locator("section", has=page.get_by_role("heading", name="Goals"))
    expect(goals).to_contain_text("45%")
    expect(goals).to_contain_text("100%")
    expect(goals).to_contain_text("achieved")
    expect(page.get_by_text("Led the discovery for a new feature.")).to_be_visible()
    check_accessible(page)
    screenshot(page, "timeline-month")
    phone_screenshot(page, "timeline-month")
