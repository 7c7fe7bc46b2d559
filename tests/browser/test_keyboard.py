"""The monthly loop without a mouse: Tab / Shift-Tab / Enter / Space only, with a visible
focus ring on every control reached and a skip link first."""

import pytest
from playwright.sync_api import Locator, Page, expect

from .. import factories
from ..test_inventories import session_for

pytestmark = pytest.mark.browser

FOCUS_VISIBLE = """e => {
  const s = getComputedStyle(e);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
}"""


def tab_to(page: Page, target: Locator, limit: int = 300) -> None:
    """Press Tab until ``target`` has the focus; it must show a focus ring."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("e => e === document.activeElement", handle):
            assert page.evaluate(FOCUS_VISIBLE, handle), "focus is not visible"
            return
    raise AssertionError(f"Tab never reached {target}")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def log_in_by_keyboard(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    main = page.locator("main")
    type_into(page, main.get_by_label("Email"), email)
    type_into(page, main.get_by_label("Password"), factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="My cohorts")).to_be_visible()


def log_out_by_keyboard(page: Page) -> None:
    tab_to(page, page.locator("header form[action='/logout'] button"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def test_write_share_and_give_feedback_with_the_keyboard_only(live_server: str, page: Page):
    organizer = factories.make_user(display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    aiko = factories.make_user(email="aiko@example.org", display_name="Aiko")
    for member in (ken, aiko):
        factories.add_member(cohort, member)
    meeting = session_for(cohort, title="December session")

    log_in_by_keyboard(page, live_server, ken.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}/inventory")
    energy = page.get_by_role("group", name="Energy (1 = drained, 5 = full of energy)")
    tab_to(page, energy.get_by_label("1"))
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # radios move with the arrow keys
    expect(energy.get_by_label("4")).to_be_checked()
    type_into(page, page.get_by_label("What I did"), "Led my first client workshop.")
    type_into(page, page.get_by_label("What I want feedback on"), "How do I show impact?")
    tab_to(page, page.get_by_role("button", name="Share with the cohort"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your inventory is shared with Saturday Circle.")).to_be_visible()
    log_out_by_keyboard(page)

    log_in_by_keyboard(page, live_server, aiko.email)
    page.goto(f"{live_server}/c/{cohort.slug}/sessions/{meeting.id}")
    tab_to(page, page.get_by_role("link", name="Give Ken feedback"))
    page.keyboard.press("Enter")
    type_into(
        page,
        page.get_by_label("Your answer to what they asked"),
        "Quote the client's own words: they show the impact better than numbers.",
    )
    type_into(page, page.get_by_label("Situation"), "In the workshop, when the projector failed")
    type_into(page, page.get_by_label("Behaviour"), "You moved to the whiteboard and kept calm")
    type_into(page, page.get_by_label("Impact"), "The client stayed engaged and booked again")
    tab_to(page, page.get_by_label("Calm under pressure"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Calm under pressure")).to_be_checked()
    type_into(
        page,
        page.get_by_label("One question to think with"),
        "What would you show a new client first?",
    )
    tab_to(page, page.get_by_role("button", name="Send feedback"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your feedback is with Ken.")).to_be_visible()
