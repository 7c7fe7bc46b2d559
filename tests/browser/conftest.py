"""A live server with CSRF on, one Chromium per run, and pages that fail the test on any
console error (CSP violations included), uncaught script error or unexpected 4xx/5xx."""

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Response, sync_playwright
from werkzeug.serving import make_server

from cohort.extensions import db, limiter

from ..conftest import clean_database

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# Chromium repeats every failed load as a console error; those are judged by their status.
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")


@pytest.fixture
def live_app(make_app) -> Iterator[Flask]:
    """The app on the shared test database with CSRF on, as browsers really submit forms."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
        db.session.remove()
        clean_database()
        limiter.reset()


class Served:
    """The app as the live server runs it: each response read whole and closed before it is
    handed to the server, and a count of the requests in progress.

    Werkzeug's development server closes the response only after draining the socket, and a
    browser that drops a request (a favicon while navigating away) makes that drain raise:
    the open static file is then left to the garbage collector, whose ResourceWarning fails
    whichever test happens to be running. Its request threads are daemons the server does
    not wait for: a request the browser made last could still hold a database connection
    when the test's engine is disposed, and that connection, checked in to a pool nobody
    holds any more, is collected unclosed (the same warning, in a later test)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.in_progress = 0
        self.changed = threading.Condition()

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        with self.changed:
            self.in_progress += 1
        try:
            body = self.app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()
        finally:
            with self.changed:
                self.in_progress -= 1
                self.changed.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.in_progress == 0, timeout)


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve ``live_app`` on a free local port in a thread; yields the base URL. The test's
    database and engine go only once the requests still in progress have ended."""
    served = Served(live_app)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        if not served.wait_until_idle(timeout=30):
            pytest.fail("A request to the live server was still running 30 s after the test")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium: Playwright's own browsers cannot be downloaded here."""
    if not CHROMIUM.exists():
        message = "Chromium not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the browser tests.", pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def allowed_statuses() -> set[int]:
    """HTTP error statuses the test expects; add to it, e.g. ``allowed_statuses.add(404)``."""
    return set()


@pytest.fixture
def allowed_console() -> set[str]:
    """Console errors the test causes on purpose, by a part of their text (e.g. a request
    failing while the test has taken the browser offline)."""
    return set()


@pytest.fixture
def page(browser: Browser, allowed_statuses: set[int], allowed_console: set[str]) -> Iterator[Page]:
    """A Tokyo-based English-speaking visitor's tab; problems seen in any tab of its context
    fail the test at teardown, so a CSP violation cannot slip by unnoticed."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Asia/Tokyo")
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        failed = FAILED_LOAD.search(message.text)
        if failed and int(failed.group(1)) in allowed_statuses:
            return
        if any(part in message.text for part in allowed_console):
            return
        problems.append(f"console error on {message.page and message.page.url}: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.status not in allowed_statuses:
            problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")

    def on_page_error(error: Error) -> None:
        problems.append(f"uncaught script error: {error}")

    context.on("console", on_console)
    context.on("response", on_response)
    context.on("weberror", lambda web_error: on_page_error(web_error.error))
    page = context.new_page()
    yield page
    context.close()
    if problems:
        pytest.fail("The browser saw problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, "name")`` saves a full-page PNG under tests/browser/screenshots/."""

    def take(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def phone_screenshot(screenshot: Callable[[Page, str], Path]) -> Callable[[Page, str], Path]:
    """``phone_screenshot(page, "name")`` shows the page's URL at 375x812 in a second tab of
    the same context (same cookies), so the desktop tab keeps its state and layout."""

    def take(page: Page, name: str) -> Path:
        phone = page.context.new_page()
        try:
            phone.set_viewport_size(PHONE)
            phone.goto(page.url)
            return screenshot(phone, f"{name}-phone")
        finally:
            phone.close()

    return take
