"""Limits keyed on the account a login or reset names (from any address), and on the member
behind writes that notify someone or send an email. Per-address limits: test_security.py."""

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import func, select

from cohort.delivery.models import OutboundEmail
from cohort.extensions import db, limiter
from cohort.ratelimits import check_only_views_limits

from . import factories
from .test_feedback import form_data
from .test_inventories import session_for

PAUSED = "Too many attempts for this account. Please wait a few minutes and try again."
RESET_PAUSED = "Too many reset requests for this email address."


def from_address(n: int) -> dict:
    return {"environ_base": {"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250 + 1}"}}


def log_in(client, email: str, password: str, n: int = 0):
    return client.post("/login", data={"email": email, "password": password}, **from_address(n))


# Login, per account --------------------------------------------------------------------------


def test_failed_logins_against_one_account_from_many_addresses_pause_it(
    client, user, real_limits, frozen_time
):
    """Ten wrong passwords, each from another address (so no per-address limit is reached),
    pause the account: even the right password waits, then works again after the window."""
    for n in range(10):
        assert log_in(client, user.email, "wrong guess", n).status_code == 200
    paused = log_in(client, user.email, factories.PASSWORD, 10)
    assert paused.status_code == 429
    assert PAUSED in paused.get_data(as_text=True)
    assert log_in(client, " ANN@example.org ", factories.PASSWORD, 11).status_code == 429

    frozen_time.shift(timedelta(minutes=10, seconds=1))
    assert log_in(client, user.email, factories.PASSWORD, 12).status_code == 302


def test_a_paused_account_leaves_other_accounts_alone(client, user, real_limits):
    other = factories.make_user(email="ken@example.org")
    for n in range(10):
        log_in(client, user.email, "wrong guess", n)
    assert log_in(client, user.email, factories.PASSWORD, 20).status_code == 429
    assert log_in(client, other.email, factories.PASSWORD, 21).status_code == 302


def test_successful_logins_do_not_count(app, user, real_limits):
    for n in range(12):
        client = app.test_client()
        assert log_in(client, user.email, factories.PASSWORD, n).status_code == 302


def test_an_unknown_email_is_paused_the_same_way(client, user, real_limits):
    """Nobody learns from the pause whether an account exists."""
    answers = {}
    for email in (user.email, "nobody@example.org"):
        statuses = [log_in(client, email, "wrong guess", n).status_code for n in range(11)]
        page = log_in(client, email, "wrong guess", 11).get_data(as_text=True)
        answers[email] = (statuses, PAUSED in page)
    assert answers[user.email] == answers["nobody@example.org"] == ([200] * 10 + [429], True)


def test_the_account_limit_is_configurable(client, user, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "2 per minute")
    statuses = [log_in(client, user.email, "wrong guess", n).status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_the_account_limit_holds_across_workers_through_redis(tmp_path, redis_url):
    """Two processes (two workers) share the count when the storage is Redis."""
    import redis

    url = redis_url
    client = redis.Redis.from_url(url)
    prefix = f"test-abuse-{uuid.uuid4().hex}"
    script = (
        "import sys\n"
        "from cohort import create_app\n"
        "from cohort.extensions import db\n"
        "app = create_app({'TESTING': True, 'SECRET_KEY': 'x', 'WTF_CSRF_ENABLED': False,"
        " 'REQUIRE_CURRENT_SCHEMA': False, 'RATELIMIT_LOGIN_ACCOUNT': '2 per minute',"
        f" 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/db.sqlite3'}})\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "data = {'email': 'ann@example.org', 'password': 'wrong guess'}\n"
        "for n in range(int(sys.argv[1])):\n"
        "    environ = {'REMOTE_ADDR': f'10.1.{sys.argv[1]}.{n + 1}'}\n"
        "    print(app.test_client().post('/login', data=data, environ_base=environ).status_code)\n"
    )
    env = {
        **os.environ,
        "COHORT_RATELIMIT_STORAGE_URI": url,
        "COHORT_RATELIMIT_KEY_PREFIX": prefix,
    }

    def worker(attempts: int) -> list[str]:
        result = subprocess.run(
            [sys.executable, "-c", script, str(attempts)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.split()

    try:
        assert worker(2) == ["200", "200"]
        assert worker(1) == ["429"]  # another worker, another address: the same account
    finally:
        keys = client.keys(f"*{prefix}*")
        if keys:
            client.delete(*keys)
    assert keys, "no rate-limit counter was written to Redis"


# Password reset, per email -------------------------------------------------------------------


def ask_for_reset(client, email: str, n: int = 0):
    return client.post("/password/forgot", data={"email": email}, **from_address(n))


def reset_emails() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboundEmail))


def test_reset_links_for_one_email_are_limited_from_any_address(client, user, real_limits):
    statuses = [ask_for_reset(client, user.email, n).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert reset_emails() == 3
    page = ask_for_reset(client, user.email.upper(), 5).get_data(as_text=True)
    assert RESET_PAUSED in page
    assert reset_emails() == 3
    other = factories.make_user(email="ken@example.org")
    assert ask_for_reset(client, other.email, 6).status_code == 302
    assert reset_emails() == 4


def test_an_unknown_email_gets_the_same_reset_answers(client, user, real_limits):
    def answers(email: str) -> list[int]:
        return [ask_for_reset(client, email, n).status_code for n in range(4)]

    assert answers(user.email) == answers("nobody@example.org") == [302, 302, 302, 429]


# Writes that notify or email, per member ---------------------------------------------------


@pytest.fixture
def members(app, user):
    """Ann organizes with Bo; Ken shared an inventory asking for feedback; Aiko is a member.
    One client per person, each signed in."""
    cohort = factories.make_cohort(user, name="Circle")
    people = {"Ann": user}
    for name, role in (("Bo", "organizer"), ("Ken", "member"), ("Aiko", "member")):
        people[name] = factories.make_user(display_name=name, email=f"{name.lower()}@example.org")
        factories.add_member(cohort, people[name], role=role)
    meeting = session_for(cohort)
    inventory = factories.make_shared_inventory(meeting, people["Ken"], feedback_ask="How?")
    clients = {}
    for name, person in people.items():
        clients[name] = app.test_client()
        assert log_in(clients[name], person.email, factories.PASSWORD).status_code == 302
    return SimpleNamespace(
        cohort=cohort, meeting=meeting, inventory=inventory, people=people, clients=clients
    )


def tiny_limit(app, monkeypatch, key: str) -> None:
    monkeypatch.setitem(app.config, key, "2 per hour")


def test_cheers_are_limited_per_member(app, members, monkeypatch):
    tiny_limit(app, monkeypatch, "RATELIMIT_CHEERS")
    url = f"/c/{members.cohort.slug}/inventories/{members.inventory.id}/cheer"
    ann, aiko = members.clients["Ann"], members.clients["Aiko"]
    assert ann.post(url, data={"action": "add"}).status_code == 302
    assert ann.post(url, data={"action": "remove"}).status_code == 302
    refused = ann.post(url, data={"action": "add"}, **from_address(7))  # another address too
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert aiko.post(url, data={"action": "add"}).status_code == 302


def test_feedback_replies_and_helpful_marks_share_one_limit_per_member(app, members, monkeypatch):
    from cohort.feedback.models import Feedback

    tiny_limit(app, monkeypatch, "RATELIMIT_FEEDBACK")
    slug, inventory = members.cohort.slug, members.inventory
    give = f"/c/{slug}/inventories/{inventory.id}/feedback"
    aiko, bo, ken = (members.clients[name] for name in ("Aiko", "Bo", "Ken"))
    assert aiko.post(give, data=form_data()).status_code == 302
    assert aiko.post(give, data=form_data(impact="Edited once")).status_code == 302
    assert aiko.post(give, data=form_data(impact="Edited twice")).status_code == 429
    assert bo.post(give, data=form_data()).status_code == 302

    feedback = db.session.scalar(
        select(Feedback).where(Feedback.giver_id == members.people["Aiko"].id)
    )
    reply = f"/c/{slug}/feedback/{feedback.id}/reply"
    helpful = f"/c/{slug}/feedback/{feedback.id}/helpful"
    assert ken.post(reply, data={"reply": "Thank you!"}).status_code == 302
    assert ken.post(helpful, data={"value": "1"}).status_code == 302
    assert ken.post(reply, data={"reply": "Thanks again!"}).status_code == 429


def test_nudges_are_limited_per_organizer(app, members, monkeypatch):
    tiny_limit(app, monkeypatch, "RATELIMIT_NUDGES")
    url = f"/c/{members.cohort.slug}/organize/sessions/{members.meeting.id}/nudge"
    ann, bo = members.clients["Ann"], members.clients["Bo"]
    assert [ann.post(url, data={"message": "Hi"}).status_code for _ in range(3)] == [
        302,
        302,
        429,
    ]
    assert bo.post(url, data={"message": "Hi"}).status_code == 302


def test_email_invitations_are_limited_per_organizer(app, members, monkeypatch, outbox):
    tiny_limit(app, monkeypatch, "RATELIMIT_INVITATIONS")
    url = f"/c/{members.cohort.slug}/organize/invitations/email"
    ann, bo = members.clients["Ann"], members.clients["Bo"]

    def invite(client, n: int):
        data = {"email": f"guest{n}@example.org", "valid_days": 7, "role": "member"}
        return client.post(url, data=data).status_code

    assert [invite(ann, n) for n in range(3)] == [302, 302, 429]
    assert len(outbox) == 2
    assert invite(bo, 3) == 302


# Flask-Limiter's look before every request -----------------------------------------------------


def test_no_app_wide_limit_means_no_look_before_every_request(app, monkeypatch):
    """Every limit of the app decorates its view and is checked there (the tests above), so
    the look Flask-Limiter makes before every request is left out; an app-wide limit, were
    one set, would keep it."""
    assert limiter._check_request_limit not in app.before_request_funcs[None]

    def hooked() -> Flask:
        other = Flask(__name__)
        other.before_request(limiter._check_request_limit)
        return other

    bare = hooked()
    check_only_views_limits(bare)
    assert limiter._check_request_limit not in bare.before_request_funcs[None]
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", ["1 per minute"])
    kept = hooked()
    check_only_views_limits(kept)
    assert limiter._check_request_limit in kept.before_request_funcs[None]
