"""Downloading one's data and deleting the account in a real browser, without any script
needed: the download is a plain form POST, the deletion a password and a button."""

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from cohort.auth.models import User
from cohort.extensions import db

from .. import factories
from ..account_data import EMAIL, MARK, Person

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


@pytest.fixture
def person(live_app: Flask) -> Person:
    with live_app.test_request_context():
        return Person()


def log_in(page: Page, live_server: str, email: str = EMAIL) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_download_my_data_then_delete_my_account(
    live_server: str,
    page: Page,
    person: Person,
    screenshot: Screenshot,
    phone_screenshot: Screenshot,
) -> None:
    user_id = person.user.id
    log_in(page, live_server)
    page.goto(live_server + "/settings/")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Download my data")).to_be_visible()
    screenshot(page, "account-data")
    phone_screenshot(page, "account-data")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("cohort-data-")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    data = json.loads(archive.read("cohort-data.json"))
    assert data["profile"]["email"] == EMAIL
    assert any(MARK in json.dumps(i["answers"]) for i in data["inventories"])

    page.get_by_role("link", name="Delete account").click()
    expect(page.get_by_role("heading", name="What happens")).to_be_visible()
    expect(page.get_by_text('shown as from "a former member"')).to_be_visible()
    screenshot(page, "account-delete")
    phone_screenshot(page, "account-delete")

    page.get_by_label("Your password").fill("not my password at all")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("The password is not correct.")).to_be_visible()
    page.get_by_label("Your password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    screenshot(page, "account-deleted")
    db.session.expire_all()
    assert db.session.get(User, user_id) is None


def test_the_last_organizer_is_offered_a_hand_over_or_the_archive(
    live_server: str, page: Page, person: Person, screenshot: Screenshot
) -> None:
    mine = factories.make_cohort(person.user, name="Zelda's circle")
    factories.add_member(mine, person.peer)
    log_in(page, live_server)
    page.goto(live_server + "/settings/delete")
    heading = page.get_by_role("heading", name="First, your cohorts need an organizer")
    expect(heading).to_be_visible()
    expect(page.get_by_label("Your password")).to_have_count(0)
    screenshot(page, "account-delete-last-organizer")
    page.get_by_role("button", name="Archive Zelda's circle").click()
    expect(page).to_have_url(live_server + "/settings/delete")
    expect(page.get_by_text("The cohort is archived")).to_be_visible()
    expect(page.get_by_label("Your password")).to_be_visible()


def test_organizers_download_the_cohort_record(
    live_server: str, page: Page, person: Person
) -> None:
    log_in(page, live_server, "orga@example.org")
    page.goto(f"{live_server}/c/{person.cohort.slug}/organize/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the cohort's record (CSV)").click()
    body = Path(download_info.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Zelda Quill" in body.decode("utf-8-sig")
