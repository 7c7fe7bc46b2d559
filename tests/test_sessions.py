"""How long a sign-in lasts: a fresh session at sign-in, an idle timeout, a lifetime."""

from datetime import timedelta

from . import factories


def signed_in(client) -> bool:
    return client.get("/settings/").status_code == 200


def test_signing_in_starts_a_new_session(client, user):
    with client.session_transaction() as session:
        session["csrf_token"] = "planted before sign-in"
        session["something"] = "left from the anonymous visit"
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    with client.session_transaction() as session:
        assert "csrf_token" not in session
        assert "something" not in session
        assert "_user_id" in session


def test_a_session_without_remember_me_ends_after_a_day_unused(frozen_time, auth, client, user):
    auth.login(user.email)
    frozen_time.shift(timedelta(hours=23))
    assert signed_in(client)
    frozen_time.shift(timedelta(hours=23))  # 23 hours since the last page: still in use
    assert signed_in(client)
    frozen_time.shift(timedelta(hours=25))
    response = client.get("/settings/", follow_redirects=True)
    assert "You were logged out after 24 hours without activity" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_remember_me_outlasts_idle_days_but_not_the_lifetime(frozen_time, auth, client, user):
    auth.login(user.email, remember=True)
    frozen_time.shift(timedelta(days=3))
    assert signed_in(client)
    client.delete_cookie("session")  # the browser was closed: the remember-me cookie is left
    frozen_time.shift(timedelta(days=3))
    assert signed_in(client)
    for _ in range(9):  # in use every few days, until past a month after signing in
        frozen_time.shift(timedelta(days=3))
        client.get("/")
    assert not signed_in(client)


def test_a_copied_remember_me_cookie_dies_with_the_lifetime(frozen_time, app, auth, client, user):
    auth.login(user.email, remember=True)
    stolen = client.get_cookie("remember_token").value
    frozen_time.shift(timedelta(days=31))
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)  # replayed whatever its expiry date said
    assert not signed_in(thief)


def test_the_lifetime_and_idle_timeout_are_settings(frozen_time, make_app, user):
    app = make_app(SESSION_IDLE_TIMEOUT=3600, SESSION_LIFETIME=7200)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    frozen_time.shift(timedelta(minutes=59))
    assert signed_in(client)
    frozen_time.shift(timedelta(minutes=61))
    assert not signed_in(client)
    client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "remember": "y"}
    )
    frozen_time.shift(timedelta(minutes=100))
    assert signed_in(client)
    frozen_time.shift(timedelta(minutes=21))
    assert not signed_in(client)


def _session_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_answers_that_change_nothing_leave_the_session_cookie_alone(auth, client, user):
    """A late answer to a request that began before a form was posted must not send the older
    session back: the browser would lose the flash message the post left in its cookie."""
    auth.login(user.email)
    client.get("/settings/")  # the idle clock was set at sign-in: nothing to change now
    before_post = client.get_cookie("session").value
    assert _session_cookies(client.get("/settings/")) == []
    late = client.application.test_client()  # a static file asked for before the post...
    late.set_cookie("session", before_post)
    response = late.get("/static/css/app.css")
    response.close()
    assert response.status_code == 200
    assert _session_cookies(response) == []  # ...answers without a cookie to overwrite
