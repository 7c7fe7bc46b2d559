"""The companion in a real browser, built-in engine only: ask, ask again, pin, dismiss; and
the same form without JavaScript keeps every typed word."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cohort.companion.services import update_preference
from cohort.extensions import db

from .. import factories
from ..test_inventories import session_for
from .conftest import DESKTOP, PHONE, SCREENSHOTS
from .test_accessibility import serious_violations
from .test_cohorts import log_in

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
VAGUE = "You wrote “a lot”. What is one example of it from this month?"


def circle_with_companion():
    organizer = factories.make_user(email="mika@example.org", display_name="Mika")
    cohort = factories.make_cohort(organizer, name="Saturday Circle")
    ken = factories.make_user(email="ken@example.org", display_name="Ken")
    factories.add_member(cohort, ken)
    update_preference(ken, enabled=True, use_model=False)
    db.session.commit()
    meeting = session_for(cohort, title="December session")
    return ken, f"/c/{cohort.slug}/sessions/{meeting.id}/inventory"


def test_ask_ask_again_pin_and_dismiss(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
):
    ken, path = circle_with_companion()
    log_in(page, live_server, ken.email)
    page.goto(live_server + path)
    did = page.locator("#section-did")
    page.get_by_label("What I did").fill("I learned a lot this month.")
    with page.expect_response(lambda r: r.url.endswith("/companion")) as asked:
        did.get_by_role("button", name="Ask me a question").click()
    assert asked.value.status == 200
    questions = did.locator(".companion-question")
    expect(questions.first).to_have_text(VAGUE)
    first_round = questions.all_inner_texts()
    assert 1 <= len(first_round) <= 3
    expect(page).to_have_url(live_server + path)  # asked in place: no page was sent
    screenshot(page, "companion-form")
    did.screenshot(path=SCREENSHOTS / "companion-questions.png")
    page.set_viewport_size(PHONE)
    did.screenshot(path=SCREENSHOTS / "companion-questions-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    assert serious_violations(page) == []

    did.get_by_role("button", name="Ask again").click()
    expect(did.get_by_text(VAGUE)).to_have_count(0)
    second_round = questions.all_inner_texts()
    assert second_round and set(second_round).isdisjoint(first_round)

    pinned = second_round[0]
    did.locator("li", has_text=pinned).get_by_role("button", name="Pin to my answer").click()
    answer = page.get_by_label("What I did")
    expect(answer).to_have_value(f"I learned a lot this month.\n\n### {pinned}\n\n")
    expect(answer).to_be_focused()
    expect(did.get_by_text(pinned)).to_have_count(0)

    did.get_by_role("button", name="Dismiss").click()
    expect(questions).to_have_count(0)

    # Enter in a one-line field still saves the draft, with the pinned heading in it.
    page.get_by_label("A new goal").press("Enter")
    expect(page.get_by_text("Draft saved. Only you can see it.")).to_be_visible()
    expect(page.get_by_label("What I did")).to_have_value(
        f"I learned a lot this month.\n\n### {pinned}"
    )

    # The settings page says what is sent where.
    page.get_by_role("link", name="Ken").click()
    page.get_by_role("link", name="Companion").click()
    expect(page.get_by_role("heading", name="What is sent where")).to_be_visible()
    expect(page.get_by_label("Show “Ask me a question” beside my answers")).to_be_checked()
    screenshot(page, "companion-settings")
    phone_screenshot(page, "companion-settings")


def test_without_javascript_the_form_comes_back_with_questions(live_server: str, browser: Browser):
    ken, path = circle_with_companion()
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP, locale="en-US")
    try:
        page = context.new_page()
        log_in(page, live_server, ken.email)
        page.goto(live_server + path)
        page.get_by_label("What I did").fill("I learned a lot this month.")
        page.get_by_label("What I learned").fill("Patience pays.")
        page.locator("#section-did").get_by_role("button", name="Ask me a question").click()
        did = page.locator("#section-did")
        expect(did.locator(".companion-question").first).to_have_text(VAGUE)
        expect(page.get_by_label("What I did")).to_have_value("I learned a lot this month.")
        expect(page.get_by_label("What I learned")).to_have_value("Patience pays.")
        did.locator("li", has_text=VAGUE).get_by_role("button", name="Pin to my answer").click()
        expect(page.get_by_label("What I did")).to_have_value(
            f"I learned a lot this month.\n\n### {VAGUE}\n\n"
        )
    finally:
        context.close()


def test_a_japanese_member_gets_questions_in_japanese(live_server: str, page: Page):
    ken, path = circle_with_companion()
    ken.locale = "ja"
    db.session.commit()
    log_in(page, live_server, ken.email)
    page.goto(live_server + path)
    did = page.locator("#section-did")
    did.locator("textarea").fill("今月は仕事をしっかりやった")
    did.get_by_role("button", name="問いかけてもらう").click()
    expect(did.locator(".companion-question").first).to_have_text(
        "「しっかり」と書いていますね。今月の具体的な例を一つ挙げるとしたら何ですか？"
    )
    did.get_by_role("button", name="回答に見出しとして入れる").first.click()
    expect(did.locator("textarea")).to_have_value(
        "今月は仕事をしっかりやった\n\n### 「しっかり」と書いていますね。"
        "今月の具体的な例を一つ挙げるとしたら何ですか？\n\n"
    )


def test_an_organizer_chooses_the_engine(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
):
    _ken, path = circle_with_companion()
    log_in(page, live_server, "mika@example.org")
    page.goto(live_server + path.split("/sessions/")[0] + "/organize/settings")
    page.get_by_role("navigation", name="Organize").get_by_role("link", name="Companion").click()
    expect(page.get_by_label("Built-in questions only: nothing leaves Cohort")).to_be_checked()
    expect(page.get_by_text("This server has no language model set up")).to_be_visible()
    screenshot(page, "companion-organize")
    phone_screenshot(page, "companion-organize")
    page.get_by_label("Off: no companion in this cohort").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The companion setting is saved.")).to_be_visible()
    expect(page.get_by_label("Off: no companion in this cohort")).to_be_checked()
