"""Japanese details in a real browser: the searchable time-zone picker with the browser's zone
preselected, headings that wrap between phrases, translated codes, chosen cohort addresses."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cohort.auth.models import User
from cohort.cohorts import services as cohort_services
from cohort.cohorts.models import Role
from cohort.extensions import db

from .. import factories
from .conftest import PHONE
from .test_accessibility import scrolls_sideways
from .test_cohorts import log_in

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def options_shown(page: Page) -> list[str]:
    return page.eval_on_selector_all("#timezone option", "options => options.map(o => o.value)")


def search_zones(page: Page, text: str) -> None:
    page.locator("#timezone-search").fill(text)


def test_the_picker_preselects_the_browsers_zone_and_search_narrows_it(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/register")
    page.locator(".language-switcher").get_by_role("button", name="日本語").click()
    page.wait_for_load_state()
    picker = page.locator("#timezone")
    expect(picker).to_have_value("Asia/Tokyo")  # the test browser lives in Tokyo
    everything = len(options_shown(page))
    assert everything > 300
    assert page.locator("#timezone optgroup[label='アジア']").count() == 1

    search = page.get_by_label("都市名・国名で検索")
    search.fill("ろさんぜるす")  # hiragana finds the katakana name
    assert options_shown(page) == ["America/Los_Angeles"]
    expect(picker).to_have_value("America/Los_Angeles")
    expect(page.locator(".zone-search-status")).to_have_text("1件のタイムゾーンが一致します。")

    search_zones(page, "utc+5:30")
    assert "Asia/Kolkata" in options_shown(page)
    assert "Asia/Tokyo" not in options_shown(page)

    search_zones(page, "zzzz-nowhere")
    expect(page.locator(".zone-search-status")).to_contain_text("一致するタイムゾーンがありません")
    assert len(options_shown(page)) == 1  # the current choice stays, never an empty select

    search_zones(page, "")
    assert len(options_shown(page)) == everything
    search_zones(page, "tokyo")
    expect(picker).to_have_value("Asia/Tokyo")
    screenshot(page, "ja-timezone-search")

    page.locator("#email").fill("hana@example.org")
    page.locator("#display_name").fill("Hana")
    page.locator("#password").fill(factories.PASSWORD)
    page.get_by_role("button", name="アカウントを作成").click()
    page.wait_for_url(f"{live_server}/**")
    user = db.session.query(User).filter_by(email="hana@example.org").one()
    assert user.timezone == "Asia/Tokyo"


def test_the_picker_at_phone_width_in_english(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/register")
    page.get_by_label("Search by city or country").fill("new york")
    assert page.locator("#timezone").input_value() == "America/New_York"
    expect(page.locator(".zone-search-status")).to_have_text("One time zone matches.")
    assert not scrolls_sideways(page)
    screenshot(page, "en-timezone-search-phone")


def test_without_javascript_the_grouped_select_works_alone(browser, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/register")
        assert page.locator("#timezone-search").count() == 0
        assert page.locator("#timezone optgroup").count() == 10
        page.locator("#timezone").select_option("Europe/Paris")
        assert page.locator("#timezone").input_value() == "Europe/Paris"
    finally:
        context.close()


def test_japanese_pages_read_without_codes_and_headings_wrap_by_phrase(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(
        email="aiko@example.org", display_name="Aiko", locale="ja", timezone="Asia/Tokyo"
    )
    cohort = factories.make_cohort(organizer, name="土曜日のキャリアふり返りサークル")
    ken = factories.add_member(cohort, factories.make_user(display_name="Ken"))
    cohort_services.change_role(organizer, ken, Role.MENTOR)
    db.session.commit()
    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{cohort.slug}/organize/log")
    table = page.locator("main table").inner_text()
    assert "(オーガナイザー)" in table and "メンバー→メンター" in table
    for code in ("organizer", "member", "mentor", "role_changed", "joined"):
        assert code not in table
    word_break = page.eval_on_selector("main h1", "h => getComputedStyle(h).wordBreak")
    assert word_break == "auto-phrase"
    screenshot(page, "ja-organizer-log")
    phone_screenshot(page, "ja-organizer-log")

    page.goto(f"{live_server}/c/{cohort.slug}/")
    page.set_viewport_size(PHONE)
    # The cohort's long name wraps between phrases: no line starts inside 土曜日 or サークル.
    lines = page.evaluate(
        """() => {
          const h = document.querySelector('main h1, main h2');
          const text = h.firstChild.nodeType === 3 ? h.firstChild : h;
          const node = text.nodeType === 3 ? text : text.firstChild;
          const range = document.createRange();
          const starts = [];
          let top = null;
          for (let i = 0; i < node.length; i++) {
            range.setStart(node, i); range.setEnd(node, i + 1);
            const rect = range.getClientRects()[0];
            if (rect && (top === null || rect.top > top + 2)) { starts.push(i); top = rect.top; }
          }
          return {text: node.data, starts};
        }"""
    )
    name = lines["text"]
    if len(lines["starts"]) > 1 and "土曜日のキャリアふり返りサークル" in name:
        base = name.index("土曜日")
        inside = {base + 1, base + 2, base + name[base:].index("サークル") + 1}
        assert not inside & set(lines["starts"]), lines
    phone_screenshot(page, "ja-cohort-overview")


def test_an_organizer_moves_the_cohort_and_old_links_follow(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    organizer = factories.make_user(
        email="aiko@example.org", display_name="Aiko", locale="ja", timezone="Asia/Tokyo"
    )
    cohort = factories.make_cohort(organizer, name="若手の会")
    old = cohort.slug
    factories.make_cohort(organizer, name="Taken", locale="en")
    log_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/c/{old}/organize/settings")
    address = page.locator("#slug")
    expect(address).to_have_value(old)
    expect(page.locator("#slug-help")).not_to_contain_text("名前からの候補")  # nothing to romanize

    address.fill("taken")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator("#slug-error")).to_contain_text("「/c/taken/」はすでに使われています")
    screenshot(page, "ja-slug-taken")

    page.locator("#slug").fill("wakate")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url(f"{live_server}/c/wakate/organize/settings")
    page.goto(f"{live_server}/c/{old}/sessions/")
    assert page.url == f"{live_server}/c/wakate/sessions/"
    screenshot(page, "ja-slug-moved")
    phone_screenshot(page, "ja-slug-moved")


def test_creating_a_cohort_with_a_chosen_address_in_the_browsers_zone(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    user = factories.make_user(
        email="hana@example.org", display_name="Hana", locale="ja", timezone="UTC"
    )
    log_in(page, live_server, user.email)
    page.goto(f"{live_server}/c/new")
    expect(page.locator("#timezone")).to_have_value("Asia/Tokyo")  # the browser's, not UTC
    page.locator("#name").fill("新卒3年目の会")
    page.locator("#slug").fill("Shinsotsu 3")
    page.get_by_role("button", name="コホートを作成").click()
    expect(page.locator("#slug-error")).to_contain_text("半角の小文字a–z")
    expect(page.locator("#slug")).to_have_value("shinsotsu 3")  # kept, to be corrected
    page.locator("#slug").fill("shinsotsu-3")
    page.get_by_role("button", name="コホートを作成").click()
    page.wait_for_url(f"{live_server}/c/shinsotsu-3/organize/invitations")
    page.goto(f"{live_server}/c/new")
    phone_screenshot(page, "ja-cohort-new")
    screenshot(page, "ja-cohort-new")
