"""Crawl every page reachable for a visitor, a member and an organizer, in both languages:
no serious or critical axe-core violation, no 4xx/5xx, no console or CSP error, and nothing
that scrolls sideways on a 375 px phone."""

import json
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from .. import factories
from ..test_inventories import session_for
from .conftest import PHONE
from .test_cohorts import log_in

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
MAX_PAGES = 60
SKIP = (".ics", ".csv", "/year.md", "/logout", "/calendar/")


def populated_cohort():
    """A cohort with a session, a shared inventory and a draft, so pages have content."""
    from cohort.companion.services import update_preference
    from cohort.extensions import db
    from cohort.inventories import services

    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    member = factories.make_user(email="ken@example.org", display_name="Ken")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    factories.add_member(cohort, member)
    factories.add_member(cohort, factories.make_user(display_name="Aiko"), role="mentor")
    meeting = session_for(cohort, title="December session")
    inventory = services.save_inventory(
        member,
        meeting,
        services.InventoryInput(
            answers={"did": "Led a workshop.", "try": "Ask for a stretch project."},
            energy=4,
            new_goals=[("Move into product management", "")],
            new_tasks=["Coffee with a PM"],
        ),
        0,
    )
    services.share_inventory(member, inventory)
    update_preference(member, enabled=True, use_model=False)  # the form shows the companion
    db.session.commit()
    return {"organizer": organizer, "member": member}


def links_on(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url = urldefrag(href)[0]
        if url.startswith(base) and not any(part in url for part in SKIP):
            found.append(url)
    return found


def serious_violations(page: Page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        for v in json.loads(result)["violations"]
        if v["impact"] in ("serious", "critical")
    ]


SMALL_TARGETS = """() => [...document.querySelectorAll(
  'button, input:not([type=hidden]), select, textarea, [role=button], nav a, summary')]
  .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden'))
  .filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
  .map(e => e.outerHTML.slice(0, 80))"""


def small_tap_targets(page: Page) -> list[str]:
    """Controls under WCAG 2.2's 24 × 24 px minimum (inline text links are exempt)."""
    return page.evaluate(SMALL_TARGETS)


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def crawl(page: Page, base: str, phone: Page) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    queue, seen = deque([base + "/"]), {base + "/"}
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = page.goto(url)
        path = urlsplit(url).path
        found = []
        if response is None or response.status >= 400:
            found.append(f"HTTP {response.status if response else 'no response'}")
        found += serious_violations(page)
        phone.goto(url)
        if scrolls_sideways(phone):
            found.append("scrolls sideways at 375 px")
        found += [f"small tap target: {html}" for html in small_tap_targets(phone)]
        if found:
            problems[path] = found
        for link in links_on(page, base):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    assert len(seen) > 3, "the crawl found almost nothing to check"
    return problems


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("role", ["visitor", "member", "organizer"])
def test_every_reachable_page_is_accessible(
    live_server: str, page: Page, browser: Browser, role: str, locale: str
) -> None:
    people = populated_cohort()
    phone = page.context.new_page()
    phone.set_viewport_size(PHONE)
    if role != "visitor":
        log_in(page, live_server, people[role].email)
    page.goto(live_server + "/")
    page.locator("footer").get_by_role(
        "button", name="日本語" if locale == "ja" else "English"
    ).click()
    problems = crawl(page, live_server, phone)
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
