"""The demo in a real browser: the main pages at desktop and phone widths (the README shows the
desktop ones), and a crawl of every link the demo organizer and a demo member can reach.

``UPDATE_DOCS_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_demo.py`` refreshes the
compressed screenshots under docs/screenshots/.
"""

import os
from collections import deque
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from cohort.auth.models import User
from cohort.cohorts.models import Cohort
from cohort.database import utcnow
from cohort.demo.builder import DEMO_PASSWORD
from cohort.demo.install import install_demo
from cohort.extensions import db
from cohort.inventories.models import Inventory, InventoryStatus
from cohort.meetings.models import Meeting

from .test_cohorts import log_in

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
DOCS = Path(__file__).parents[2] / "docs" / "screenshots"
README_VIEWPORT = {"width": 1280, "height": 800}
MAX_PAGES = 600  # a safety net: the demo has a few hundred pages per person
SKIP = (".ics", ".csv", ".md", "/logout", "/calendar/")  # downloads are not pages
SCROLL_TO_TOP = "e => scrollTo(0, e.getBoundingClientRect().top + scrollY - 24)"


@pytest.fixture
def demo(live_app: Flask) -> dict:
    with live_app.test_request_context():
        install_demo(utcnow())
        db.session.commit()
    en = db.session.scalar(select(Cohort).where(Cohort.locale == "en"))
    ja = db.session.scalar(select(Cohort).where(Cohort.locale == "ja"))
    return {"en": en, "ja": ja}


def email(key: str) -> str:
    return f"{key}@demo.example.org"


def latest_past_session(cohort: Cohort) -> Meeting:
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.cohort_id == cohort.id, Meeting.starts_at < utcnow())
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


def next_session(cohort: Cohort) -> Meeting:
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.cohort_id == cohort.id, Meeting.starts_at > utcnow())
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def shared_inventory(cohort: Cohort, key: str, meeting: Meeting) -> Inventory:
    return db.session.scalar(
        select(Inventory)
        .join(User, Inventory.user_id == User.id)
        .where(
            Inventory.meeting_id == meeting.id,
            User.email == email(key),
            Inventory.status == InventoryStatus.SHARED,
        )
    )


def user_id(key: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == email(key)))


def for_readme(page: Page, name: str, focus: str | None = None) -> None:
    """A compressed desktop screenshot for the README, when asked to refresh them; ``focus``
    scrolls the part worth showing to the top."""
    if not os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        return
    from PIL import Image

    DOCS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(README_VIEWPORT)
    if focus:
        page.locator(focus).evaluate(SCROLL_TO_TOP)
    path = DOCS / f"{name}.png"
    page.screenshot(path=path)
    image = Image.open(path).convert("RGB").quantize(colors=96, dither=Image.Dither.NONE)
    image.save(path, optimize=True)


def show(page: Page, url: str, name: str, shots: tuple, heading: str, focus=None) -> None:
    page.goto(url)
    expect(page.locator("main")).to_contain_text(heading)
    for_readme(page, name, focus)
    screenshot, phone_screenshot = shots
    screenshot(page, f"demo-{name}")
    phone_screenshot(page, f"demo-{name}")


def test_the_main_pages_of_the_demo_have_content(
    live_server: str, page: Page, demo: dict, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    cohort = demo["en"]
    base = f"{live_server}/c/{cohort.slug}"
    session = latest_past_session(cohort)
    coming = next_session(cohort)
    tom = shared_inventory(cohort, "tom", session)
    shots = (screenshot, phone_screenshot)
    pages = [
        (f"{base}/", "cohort-home", "Thursday Evening Circle", None),
        (f"{base}/sessions/{session.id}", "month", session.title, "#inventories-heading"),
        (f"{base}/inventories/{tom.id}", "inventory", tom.answers["try"][:20], None),
        (f"{base}/feedback", "feedback", "Feedback", None),
        (f"{base}/members/{user_id('tom')}", "timeline", "Tom Becker", "#ratings-chart-heading"),
        (f"{live_server}/feed", "feed", "Feed", None),
    ]
    log_in(page, live_server, email("tom"), DEMO_PASSWORD)
    expect(page.locator("main")).to_contain_text("Thursday Evening Circle")
    for_readme(page, "home")
    for url, name, heading, focus in pages:
        show(page, url, name, shots, heading, focus)
    page.goto(f"{base}/members/{user_id('tom')}")
    expect(page.locator("main svg").first).to_be_visible()  # the charts have data to draw

    page.locator("header form[action='/logout'] button").click()
    log_in(page, live_server, email("priya"), DEMO_PASSWORD)
    show(page, f"{base}/organize/", "organize", shots, coming.title)

    page.locator("header form[action='/logout'] button").click()
    ja = demo["ja"]
    log_in(page, live_server, email("kenichi"), DEMO_PASSWORD)
    ja_session = latest_past_session(ja)
    url = f"{live_server}/c/{ja.slug}/sessions/{ja_session.id}"
    show(page, url, "month-ja", shots, ja_session.title, "#inventories-heading")


def crawl(page: Page, base: str) -> list[str]:
    """Every same-site link reachable from the home page, each opened once; returns the paths.
    The page fixture fails the test on any 4xx/5xx response or console error on the way."""
    queue, seen = deque([base + "/"]), {base + "/"}
    while queue:
        url = queue.popleft()
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = urldefrag(href)[0]
            wanted = link.startswith(base) and not any(part in link for part in SKIP)
            if wanted and link not in seen:
                seen.add(link)
                queue.append(link)
        assert len(seen) <= MAX_PAGES, "the crawl found far more pages than the demo has"
    return sorted(urlsplit(url).path for url in seen)


@pytest.mark.parametrize("key", ["priya", "kenichi"])
def test_every_link_in_the_demo_works(live_server: str, page: Page, demo: dict, key: str) -> None:
    log_in(page, live_server, email(key), DEMO_PASSWORD)
    paths = crawl(page, live_server)
    assert len(paths) > 100, "six months of a cohort make well over a hundred pages"
    cohort = demo["en" if key == "priya" else "ja"]
    reached = {path.split("/")[3] for path in paths if path.startswith(f"/c/{cohort.slug}/")}
    assert {"sessions", "inventories", "members", "guide", "feedback"} <= reached
    if key == "priya":
        assert "organize" in reached


def test_a_phone_shows_unread_notifications_on_the_closed_menu(
    live_server: str, page: Page, demo: dict, phone_screenshot: Screenshot
) -> None:
    from cohort.delivery.models import Notification

    tom = user_id("tom")
    unread = db.session.scalar(
        select(func.count()).where(Notification.user_id == tom, Notification.read_at.is_(None))
    )
    assert unread, "the demo leaves Tom something unread"
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_server, email("tom"), DEMO_PASSWORD)
    badge = page.locator("details.menu > summary .menu-count")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text(str(unread))
    phone_screenshot(page, "menu-with-unread")
    page.locator("details.menu > summary").click()
    expect(badge).to_be_hidden()  # open, the count sits on the Notifications link instead
    expect(page.locator("details.menu .bell .count")).to_be_visible()
