"""The year in review in a real browser: a member opens their year from their page, shares it,
prints it to PDF (A4 pages, their text, no navigation) and downloads it as Markdown; an
organizer closes a season and reads its archive."""

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from cohort.database import utcnow
from cohort.extensions import db
from cohort.meetings.models import Meeting

from .. import factories
from ..test_year import ken_year
from .test_cohorts import log_in, log_out
from .test_timeline import check_accessible

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
A4_HEIGHT = 841.9  # points


def a_cohort_with_kens_year():
    mika = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(mika, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    for person in (ken, aiko):
        factories.add_member(cohort, person)
    ken_year(cohort, ken, aiko)
    return cohort, mika, ken


def test_member_reads_shares_prints_and_downloads_their_year(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    cohort, _mika, ken = a_cohort_with_kens_year()
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/members/{ken.id}")
    page.get_by_role("button", name="My year in review").click()
    expect(page.get_by_role("heading", name="My year in Saturday Circle")).to_be_visible()
    expect(page.get_by_text("4 months written")).to_be_visible()
    expect(page.get_by_text("Only you see this page.")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(8)
    check_accessible(page)
    screenshot(page, "year-review")
    phone_screenshot(page, "year-review")

    page.get_by_role("button", name="Share my year with the cohort").click()
    expect(page.get_by_text("Your year is shared with Saturday Circle.")).to_be_visible()
    expect(page.get_by_role("button", name="Stop sharing my year")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("svg.chart").first).to_be_visible()  # charts are printed
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    page.emulate_media(media="screen")
    assert len(pdf.pages) >= 5  # the overview, then each of the four months on its own page
    assert all(abs(float(p.mediabox.height) - A4_HEIGHT) < 2 for p in pdf.pages)
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Lead a small team well" in text and "Promoted to team lead" in text
    assert "Become team lead" in text
    assert "Log out" not in text and "Download as Markdown" not in text
    last_page = pdf.pages[-1].extract_text()
    assert "Promoted to team lead" in last_page and "Took over the billing squad" not in last_page

    with page.expect_download() as download:
        page.get_by_role("button", name="Download as Markdown").click()
    path = download.value.path()
    markdown = Path(path).read_text(encoding="utf-8")
    assert markdown.startswith("# Ken's year in Saturday Circle")
    assert "Lead a small team well" in markdown

    page.get_by_label("Twelve months from").fill("2001-01")
    page.get_by_role("button", name="Show these months").click()
    expect(page.get_by_role("heading", name="Nothing written in these months")).to_be_visible()


def test_organizer_closes_a_season_and_everyone_reads_its_archive(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    cohort, mika, ken = a_cohort_with_kens_year()
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.starts_at < utcnow()).order_by(Meeting.starts_at)
    ).all()
    zone = ZoneInfo(cohort.timezone)
    first: date = meetings[0].starts_at.astimezone(zone).date()
    last: date = meetings[-1].starts_at.astimezone(zone).date()
    log_in(page, live_server, mika.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/")
    page.get_by_role("link", name="Closed seasons and my year").click()
    page.get_by_label("Season name").fill("2026")
    page.get_by_label("First day").fill(last.isoformat())
    page.get_by_label("Last day").fill(first.isoformat())
    page.get_by_role("button", name="Close this season").click()
    expect(page.get_by_text("The season must end on or after its first day.")).to_be_visible()
    expect(page.get_by_label("Season name")).to_have_value("2026")
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Last day").fill(last.isoformat())
    page.get_by_role("button", name="Close this season").click()
    expect(page.get_by_text("The season 2026 is closed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Season 2026")).to_be_visible()
    expect(page.get_by_text("Share rate", exact=True)).to_be_visible()
    check_accessible(page)
    screenshot(page, "season-archive")
    phone_screenshot(page, "season-archive")

    log_out(page)
    log_in(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meetings[0].id}")
    expect(page.get_by_text("This session belongs to a closed season")).to_be_visible()
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/seasons")
    page.get_by_role("link", name="My year in this season").click()
    expect(page.get_by_text("Season 2026 ·")).to_be_visible()
    expect(page.get_by_text("4 months written")).to_be_visible()
