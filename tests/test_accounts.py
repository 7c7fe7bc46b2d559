"""Register, log in and out, remember me, settings and sessions ending."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from cohort.auth.models import User
from cohort.extensions import db

from . import factories

REGISTRATION = {
    "email": "Ann@Example.org ",
    "display_name": "Ann",
    "password": "a long enough passphrase",
    "locale": "ja",
    "timezone": "Asia/Tokyo",
}


def test_register_creates_account_and_logs_in(client):
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert (user.email, user.locale, user.timezone) == ("ann@example.org", "ja", "Asia/Tokyo")
    assert client.get("/settings/").status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-email"}, "Invalid email address"),
        ({"password": "short"}, "at least 8"),
        ({"password": "password123"}, "most common"),
        ({"display_name": ""}, "This field is required"),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list."),
    ],
)
def test_register_explains_bad_input_and_keeps_it(client, change, message):
    response = client.post("/register", data={**REGISTRATION, **change})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert "Ann" in response.get_data(as_text=True)  # what was typed is still there
    assert db.session.scalar(select(User)) is None


def test_register_refuses_a_taken_email_whatever_its_case(client, user):
    response = client.post("/register", data={**REGISTRATION, "email": "ANN@example.org"})
    assert "already exists" in response.get_data(as_text=True)


def test_login_with_wrong_password_fails_without_saying_which_part(auth, user):
    wrong_password = auth.login(user.email, "not the password at all")
    unknown_email = auth.login("nobody@example.org")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert "The email or password is not correct." in wrong_password.get_data(as_text=True)
    assert "The email or password is not correct." in unknown_email.get_data(as_text=True)


def test_login_redirects_only_to_local_pages(client, user):
    data = {"email": user.email, "password": factories.PASSWORD}
    assert client.post("/login?next=/settings/", data=data).location == "/settings/"
    client.post("/logout")
    assert client.post("/login?next=https://evil.example/", data=data).location == "/"
    client.post("/logout")
    assert client.post("/login?next=//evil.example/", data=data).location == "/"


def test_logout_is_post_only(logged_in):
    assert logged_in.get("/logout").status_code == 405
    assert logged_in.get("/settings/").status_code == 200


def test_session_cookie_replayed_after_logout_is_rejected(logged_in):
    stolen = logged_in.get_cookie("session").value
    logged_in.post("/logout")
    logged_in.set_cookie("session", stolen)
    response = logged_in.get("/settings/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_remember_me_keeps_the_user_logged_in_after_the_session_ends(auth, client, user):
    auth.login(user.email, remember=True)
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")
    assert client.get("/settings/").status_code == 200


def test_logout_elsewhere_ends_remembered_logins(app, auth, client, user):
    auth.login(user.email, remember=True)
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    other_device.post("/logout")
    client.delete_cookie("session")  # only the remember-me cookie is left
    assert client.get("/settings/").status_code == 302


def test_change_password_needs_the_current_one(logged_in, user):
    response = logged_in.post(
        "/settings/password",
        data={"current_password": "wrong guess here", "new_password": "another fine passphrase"},
    )
    assert "The current password is not correct." in response.get_data(as_text=True)


def test_change_password_ends_other_sessions_but_keeps_this_one(app, logged_in, user):
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    response = logged_in.post(
        "/settings/password",
        data={"current_password": factories.PASSWORD, "new_password": "another fine passphrase"},
    )
    assert response.status_code == 302
    assert logged_in.get("/settings/").status_code == 200
    assert other_device.get("/settings/").status_code == 302
    logged_in.post("/logout")
    assert (
        logged_in.post(
            "/login", data={"email": user.email, "password": "another fine passphrase"}
        ).status_code
        == 302
    )


def test_profile_settings_are_saved_and_bio_is_sanitized(logged_in, user):
    response = logged_in.post(
        "/settings/",
        data={
            "display_name": "Ann B.",
            "locale": "ja",
            "timezone": "Asia/Tokyo",
            "bio": "I build **teams**. <script>alert(1)</script>",
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.locale, user.timezone) == ("Ann B.", "ja", "Asia/Tokyo")
    assert "<strong>teams</strong>" in user.bio_html
    assert "<script>" not in user.bio_html
    page = logged_in.get("/settings/").get_data(as_text=True)
    assert '<html lang="ja">' in page


def test_change_email_needs_a_fresh_login(auth, client, user):
    auth.login(user.email, remember=True)
    client.delete_cookie("session")  # back through the remember-me cookie: not fresh
    response = client.get("/settings/email")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def confirmation_link(message) -> str:
    (link,) = re.findall(r"https?://\S+/settings/email/confirm/\S+", message.body)
    return urlsplit(link).path


def test_a_new_email_address_changes_only_once_confirmed(logged_in, user, outbox):
    response = logged_in.post("/settings/email", data={"email": "Ann.New@Example.org"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "ann@example.org"  # a typo cannot lock anyone out
    assert [message.to for message in outbox] == [["ann.new@example.org"]]
    link = confirmation_link(outbox[0])

    page = logged_in.get(link)  # opening the link (or a mail scanner) changes nothing
    assert "Use ann.new@example.org" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "ann@example.org"

    assert logged_in.post(link).status_code == 302
    db.session.refresh(user)
    assert user.email == "ann.new@example.org"
    assert outbox[1].to == ["ann@example.org"]
    assert "ann.new@example.org" in outbox[1].body
    assert logged_in.post(link).status_code == 410  # used once
    assert logged_in.get(link).status_code == 410


def test_a_confirmation_link_expires_and_belongs_to_one_account(
    frozen_time, logged_in, user, outbox, client
):
    logged_in.post("/settings/email", data={"email": "ann.new@example.org"})
    link = confirmation_link(outbox[0])
    factories.make_user(email="ken@example.org")
    other = client.application.test_client()
    other.post("/login", data={"email": "ken@example.org", "password": factories.PASSWORD})
    assert other.post(link).status_code == 410  # Ken cannot take Ann's new address
    for _ in range(5):  # a day and more later, the member having kept the session in use
        frozen_time.shift(timedelta(hours=5))
        logged_in.get("/settings/")
    response = logged_in.get(link)
    assert response.status_code == 410
    assert "expired or was already used" in response.get_data(as_text=True)


def test_an_address_taken_before_confirming_is_refused(logged_in, user, outbox):
    logged_in.post("/settings/email", data={"email": "ann.new@example.org"})
    link = confirmation_link(outbox[0])
    factories.make_user(email="ann.new@example.org")
    response = logged_in.post(link, follow_redirects=True)
    assert "already exists" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "ann@example.org"


def test_change_email_refuses_an_address_in_use(logged_in, user):
    factories.make_user(email="taken@example.org")
    response = logged_in.post("/settings/email", data={"email": "taken@example.org"})
    assert "already exists" in response.get_data(as_text=True)


def test_create_admin_command(runner):
    result = runner.invoke(
        args=["users", "create-admin", "Admin@Example.org", "--password", "a long admin phrase"]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin.is_admin


def test_create_admin_promotes_an_existing_account(runner, user):
    result = runner.invoke(args=["users", "create-admin", user.email])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.is_admin
