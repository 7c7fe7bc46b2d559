"""CSRF, security headers, production settings, error pages and request limits."""

import os
import re

import pytest
from flask import abort
from sqlalchemy import text

from cohort.config import DefaultConfig
from cohort.extensions import db

from . import factories

PASSWORD = factories.PASSWORD


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def csrf_client(make_app, app):
    """A client of an app with CSRF protection on, sharing the test database."""
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def login_with_csrf(client, email: str) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_post_without_csrf_token_is_refused(csrf_client, user):
    response = csrf_client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_logout_without_csrf_token_does_not_log_out(csrf_client, user):
    login_with_csrf(csrf_client, user.email)
    assert csrf_client.post("/logout").status_code == 400
    assert csrf_client.get("/settings/").status_code == 200


def test_expired_csrf_token_keeps_the_long_text(csrf_client, user, frozen_time):
    login_with_csrf(csrf_client, user.email)
    token = csrf_token(csrf_client.get("/settings/").get_data(as_text=True))
    long_bio = "Three months of notes about my move into product work. " * 15
    frozen_time.shift(DefaultConfig.WTF_CSRF_TIME_LIMIT + 60)
    form = {
        "display_name": "Ann",
        "locale": "en",
        "timezone": "Europe/London",
        "bio": long_bio,
        "csrf_token": token,
    }
    response = csrf_client.post("/settings/", data=form)
    page = response.get_data(as_text=True)
    assert long_bio.strip() in page.replace("&#39;", "'")
    assert "open for a long time" in page
    fresh = csrf_token(page)
    assert fresh != token
    assert csrf_client.post("/settings/", data={**form, "csrf_token": fresh}).status_code == 302


def visitor_pages() -> list[str]:
    return ["/", "/login", "/register", "/password/forgot", "/healthz", "/no-such-page"]


@pytest.mark.parametrize("path", visitor_pages())
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/settings/", "/settings/password"])
def test_pages_behind_login_are_not_cached(logged_in, path):
    assert logged_in.get(path).headers["Cache-Control"] == "no-store"


def test_visitor_pages_may_be_cached(client):
    assert client.get("/login").headers.get("Cache-Control") != "no-store"


def test_every_get_route_is_safe_and_post_routes_refuse_get(app):
    """No state change on GET: the routes that change state accept POST only."""
    state_changing = {"auth.logout", "main.set_language"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in state_changing:
            assert "GET" not in rule.methods, rule


STRONG_KEY = "b1c4f0e9a27d6e5f8c3b0a9d8e7f6a5b4c3d2e1f0a9b8c7d"
PRODUCTION = {
    "PRODUCTION": True,
    "SECRET_KEY": STRONG_KEY,
    "BASE_URL": "https://cohort.example.org",
    "TRUSTED_HOSTS": ["cohort.example.org"],
}


def test_production_needs_a_secret_key_and_base_url(make_app):
    with pytest.raises(RuntimeError, match="COHORT_SECRET_KEY"):
        make_app(**{**PRODUCTION, "SECRET_KEY": None})
    with pytest.raises(RuntimeError, match="COHORT_BASE_URL"):
        make_app(**{**PRODUCTION, "BASE_URL": DefaultConfig.BASE_URL})


@pytest.mark.parametrize("key", ["test secret key", "a" * 64, "abcd1234" * 8])
def test_production_refuses_a_weak_secret_key(make_app, key):
    with pytest.raises(RuntimeError, match="COHORT_SECRET_KEY is too weak"):
        make_app(**{**PRODUCTION, "SECRET_KEY": key})


def test_production_needs_trusted_hosts(make_app):
    for hosts in (None, []):
        with pytest.raises(RuntimeError, match="COHORT_TRUSTED_HOSTS"):
            make_app(**{**PRODUCTION, "TRUSTED_HOSTS": hosts})


def test_production_sets_secure_cookies_and_trusted_hosts(make_app, user, monkeypatch):
    # The limiter is one object per process: pointing it at Redis here would move every later
    # test's counters there. Shared storage has its own tests below.
    monkeypatch.setattr("cohort.config._require_shared_ratelimit_storage", lambda app: None)
    app = make_app(**PRODUCTION)
    client = app.test_client()
    assert client.get("/login", base_url="https://evil.example").status_code == 400
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "remember": "y"},
        base_url="https://cohort.example.org",
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)
    names = {cookie.split("=", 1)[0] for cookie in cookies}
    assert names == {"__Host-session", "__Host-remember_token"}
    assert all("Domain=" not in c and "Path=/" in c for c in cookies)
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize("uri", ["memory://", "", None, "async+memory://", "localhost:6379"])
def test_production_refuses_rate_limit_counters_kept_per_worker(make_app, uri):
    """memory:// (the default) counts in each worker: with four workers every limit would
    silently be four times higher, so production does not start."""
    with pytest.raises(RuntimeError, match="COHORT_RATELIMIT_STORAGE_URI"):
        make_app(**{**PRODUCTION, "RATELIMIT_STORAGE_URI": uri})


def test_the_storage_error_never_shows_the_storage_password(make_app):
    with pytest.raises(RuntimeError, match="COHORT_RATELIMIT_STORAGE_URI") as refused:
        make_app(
            **PRODUCTION,
            RATELIMIT_STORAGE_URI="reddis://:hunter2@cache.example.org:6379/0",  # a typo
        )
    assert "reddis://" in str(refused.value)
    assert "hunter2" not in str(refused.value)


@pytest.mark.parametrize(
    "uri",
    [
        "redis://localhost:6379/0",
        "rediss://:secret@cache.example.org:6380/1",
        "redis+sentinel://sentinel.example.org:26379/cohort",
        "memcached://localhost:11211",
    ],
)
def test_production_starts_with_shared_rate_limit_storage(uri, tmp_path):
    # The configuration alone: a whole app would point the process's one limiter at it.
    from flask import Flask

    from cohort.config import load_config

    app = Flask("cohort", instance_path=str(tmp_path))
    overrides = {**PRODUCTION, "RATELIMIT_STORAGE_URI": uri}
    load_config(app, overrides)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_configuration_comes_from_cohort_environment_variables(make_app, monkeypatch):
    monkeypatch.setenv("COHORT_MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("COHORT_PROXY_COUNT", "1")
    app = make_app()
    assert app.config["MAIL_SERVER"] == "smtp.example.org"
    assert app.config["PROXY_COUNT"] == 1


def test_database_url_variable_selects_the_database(monkeypatch, tmp_path):
    from cohort import create_app

    url = f"sqlite:///{tmp_path / 'chosen.sqlite3'}"
    monkeypatch.setenv("COHORT_DATABASE_URL", url)
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url


@pytest.fixture
def limited_client(client, real_limits):
    return client


def test_login_is_rate_limited(limited_client, user):
    client = limited_client
    statuses = [
        client.post("/login", data={"email": user.email, "password": "wrong guess"}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_rate_limit_page_is_friendly(limited_client, user):
    for _ in range(11):
        response = limited_client.post(
            "/login", data={"email": user.email, "password": "wrong guess"}
        )
    assert "Too many attempts" in response.get_data(as_text=True)


def test_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_oversized_request_is_refused_with_413(client):
    response = client.post("/login", data={"email": "a@b.org", "password": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too much to send" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "Something in the request was not right"),
        (403, "You cannot do this"),
        (500, "Something went wrong on our side"),
    ],
)
def test_friendly_error_pages(make_app, code, title):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        if code == 500:
            raise RuntimeError("a bug")
        abort(code)

    response = app.test_client().get("/boom")
    assert response.status_code == code
    assert title in response.get_data(as_text=True)


def test_templates_mark_nothing_safe_but_rendered_markdown():
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    for path in templates.rglob("*.html"):
        for match in re.finditer(r"\{\{\s*([^}]*?)\|\s*safe", path.read_text()):
            assert match.group(1).strip().endswith("_html"), (path, match.group(0))


def test_rate_limits_can_be_shared_through_redis(tmp_path, redis_url):
    """Production points the counters at Redis so every worker sees the same counts.

    Runs in its own process: the limiter is one object per process, as in production.
    """
    import subprocess
    import sys
    import uuid

    import redis

    url = redis_url
    client = redis.Redis.from_url(url)
    prefix = f"test-{uuid.uuid4().hex}"
    script = (
        "from cohort import create_app\n"
        "app = create_app({'TESTING': True, 'SECRET_KEY': 'x', 'WTF_CSRF_ENABLED': False,"
        " 'REQUIRE_CURRENT_SCHEMA': False,"
        f" 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/db.sqlite3'}})\n"
        "print(app.test_client().post('/login', data={}).status_code)\n"
    )
    env = {
        **os.environ,
        "COHORT_RATELIMIT_STORAGE_URI": url,
        "COHORT_RATELIMIT_KEY_PREFIX": prefix,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "200"
    keys = client.keys(f"*{prefix}*")
    assert keys, "no rate-limit counter was written to Redis"
    client.delete(*keys)


def test_the_error_page_survives_a_failed_database_statement(make_app, user):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/broken-query")
    def broken_query():
        db.session.commit()  # the signed-in user's attributes now need reloading
        db.session.execute(text("SELECT * FROM no_such_table"))

    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    response = client.get("/broken-query")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "Ann" in page  # the page still knows who is signed in


def test_a_busy_database_asks_to_send_again_and_other_database_errors_are_500s(make_app):
    from sqlalchemy.exc import OperationalError

    app = make_app()

    @app.post("/busy")
    def busy():
        raise OperationalError("UPDATE users", {}, Exception("database is locked"))

    @app.post("/broken")
    def broken():
        raise OperationalError("SELECT nothing", {}, Exception("no such column: nothing"))

    client = app.test_client()
    response = client.post("/busy")
    assert response.status_code == 503
    assert "Another change was being saved at the same moment" in response.get_data(as_text=True)
    assert client.post("/broken").status_code == 500
