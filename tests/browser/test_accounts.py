"""An account's life in a real browser: register, log out, log in, switch to Japanese."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def test_register_log_out_log_in_and_switch_to_japanese(
    live_server: str, page: Page, screenshot: Screenshot, phone_screenshot: Screenshot
) -> None:
    header = page.locator("header")
    log_out = header.locator("form[action='/logout'] button")

    page.goto(live_server + "/")
    screenshot(page, "landing")
    phone_screenshot(page, "landing")

    # Pico styles links as buttons with role="button", which is how they are announced.
    page.get_by_role("button", name="Create an account").click()
    expect(page).to_have_url(live_server + "/register")
    page.get_by_label("Email").fill("ann@example.org")
    page.get_by_label("Display name").fill("Ann")
    page.get_by_label("Password").fill("a long enough passphrase")
    expect(page.get_by_label("Language")).to_have_value("en")
    # app.js preselects the browser's zone instead of the form's UTC default.
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    screenshot(page, "register")
    phone_screenshot(page, "register")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ann")
    expect(page.get_by_text("Welcome to Cohort, Ann!")).to_be_visible()
    screenshot(page, "home")

    # On a wide screen app.js opens the header menu, so its Log out button is right there.
    expect(header.locator("details.menu")).to_have_attribute("open", "")
    expect(log_out).to_have_text("Log out")
    log_out.click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    header.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("ann@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    screenshot(page, "login")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ann")

    header.get_by_role("link", name="Ann").click()
    expect(page).to_have_url(live_server + "/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    screenshot(page, "settings")
    page.get_by_label("Language").select_option(label="日本語")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("設定")
    expect(page.get_by_label("言語")).to_have_value("ja")
    screenshot(page, "settings-ja")

    log_out.click()
    # Logged out, the pages keep the language Ann chose.
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(header.get_by_role("link", name="ログイン")).to_be_visible()


def test_visitor_switches_the_landing_page_to_japanese(live_server: str, page: Page) -> None:
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.locator("footer")

    switcher.get_by_role("button", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page).to_have_url(live_server + "/")
    expect(switcher.get_by_role("button", name="日本語")).to_have_attribute("aria-pressed", "true")

    switcher.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
