"""Settings → "Delete my account": after it, no row of any table points at the person or
holds their text, except the feedback they gave (kept for its recipients, from "a former
member") and the confirmation email to the old address."""

import pytest
from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text, select

from cohort.account.deletion import FATES, Fate, classify, unclassified, user_columns
from cohort.auth.models import User
from cohort.cohorts.models import Membership
from cohort.delivery.models import OutboundEmail
from cohort.extensions import db
from cohort.feedback.models import Feedback

from . import factories
from .account_data import EMAIL, MARK, NAME, Person


@pytest.fixture
def person(app):
    with app.test_request_context():
        return Person()


def login(client, email=EMAIL):
    response = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302


def delete_account(client, password=factories.PASSWORD):
    return client.post("/settings/delete", data={"password": password})


def _text_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if isinstance(c.type, String | Text | JSON)]


def _allowed(table: Table, row, column: Column) -> bool:
    """What the policy keeps on purpose."""
    if table.name == "feedback":  # what they gave stays, without their name
        return row.giver_id is None
    if table.name == "outbound_emails":  # the confirmation to the old address
        return row.kind == "account_deleted" and row.user_id is None
    return False


def leftovers(user_id: int, markers: list[str]) -> list[str]:
    """Every row of every table that points at ``user_id`` or holds one of ``markers``."""
    found = []
    for column in user_columns():
        count = db.session.scalar(select(db.func.count()).where(column == user_id))
        if count:
            found.append(f"{column.table.name}.{column.name}: {count} row(s) point at the user")
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            for column in _text_columns(table):
                value = str(getattr(row, column.key))
                for marker in markers:
                    if marker.casefold() in value.casefold() and not _allowed(table, row, column):
                        found.append(f"{table.name}.{column.name} holds {marker!r}: {value[:80]}")
    return found


def test_the_world_points_at_the_person_before(person):
    """The walk below finds things when they are there (so it can fail)."""
    found = leftovers(person.user.id, [EMAIL, NAME, MARK])
    tables = {line.split(".")[0] for line in found}
    assert {
        "users", "memberships", "inventories", "inventory_revisions", "goals", "goal_progress",
        "tasks", "feedback", "feedback_assignments", "cheers", "follows", "attendances",
        "notifications", "outbound_emails", "email_preferences", "password_reset_tokens",
        "invitations", "membership_events", "reminder_deliveries",
    } <= tables  # fmt: skip


def test_nothing_of_the_person_is_left(client, person, outbox):
    user_id = person.user.id
    given_id, received_id = person.given.id, person.received.id
    login(client)
    response = delete_account(client)
    assert response.status_code == 302
    db.session.expire_all()
    assert leftovers(user_id, [EMAIL, NAME, MARK]) == []
    # The feedback they gave stays for its recipient, with its reply; what they received went
    # with their inventory.
    given = db.session.get(Feedback, given_id)
    assert given is not None and given.giver_id is None and given.situation == f"{MARK} given"
    assert given.reply == "Thanks, Zelda"
    assert db.session.get(Feedback, received_id) is None
    # Their cohorts go on.
    assert db.session.scalar(select(db.func.count()).select_from(Membership)) > 0
    # The confirmation went to the old address although the account is gone.
    assert [message.to for message in outbox] == [[EMAIL]]
    assert "deleted" in outbox[0].subject
    sent = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "account_deleted"))
    assert sent.status == "sent"


def test_every_column_pointing_at_users_has_a_fate():
    assert unclassified() == []
    assert set(FATES) == {f"{c.table.name}.{c.name}" for c in user_columns()}


def test_a_new_table_pointing_at_users_is_caught_until_classified(app):
    table = Table(
        "scrapbook_entries",
        db.metadata,
        Column("id", Integer, primary_key=True),
        Column("author_id", ForeignKey("users.id")),
    )
    try:
        assert unclassified() == ["scrapbook_entries.author_id"]
        classify("scrapbook_entries.author_id", Fate.DELETE)
        assert unclassified() == []
    finally:
        FATES.pop("scrapbook_entries.author_id", None)
        db.metadata.remove(table)


def test_recipients_see_feedback_from_a_former_member(client, person, app):
    login(client)
    delete_account(client)
    login(client, "peer.private@example.org")
    page = client.get(f"/c/{person.cohort.slug}/inventories/{person.peer_inventory.id}").get_data(
        as_text=True
    )
    assert f"{MARK} given" in page
    assert "From a former member" in page
    assert NAME not in page
    bell = client.get("/notifications").get_data(as_text=True)
    assert "a former member cheered you on" in bell
    assert "a former member gave feedback" in bell
    assert NAME not in bell


def test_the_address_can_register_again_and_finds_nothing(client, person):
    old_id = person.user.id
    login(client)
    delete_account(client)
    response = client.post(
        "/register",
        data={
            "email": EMAIL,
            "display_name": "Zelda again",
            "password": "another long passphrase",
            "locale": "en",
            "timezone": "UTC",
        },
    )
    assert response.status_code == 302
    again = db.session.scalar(select(User).where(User.email == EMAIL))
    assert again is not None and again.id != old_id
    assert client.get(f"/c/{person.cohort.slug}/").status_code == 404
    assert MARK not in client.get("/").get_data(as_text=True)


def test_every_session_ends(make_app, person):
    app = make_app()
    other_device = app.test_client()
    this_device = app.test_client()
    with app.app_context():
        login(other_device)
        login(this_device)
        assert other_device.get("/settings/").status_code == 200
        delete_account(this_device)
        assert other_device.get("/settings/").status_code == 302
        assert this_device.get("/settings/").status_code == 302


def test_a_wrong_password_deletes_nothing(client, person, outbox):
    login(client)
    response = delete_account(client, password="not my password at all")
    assert response.status_code == 200
    assert "The password is not correct." in response.get_data(as_text=True)
    assert db.session.get(User, person.user.id) is not None
    assert outbox == []


def test_the_last_organizer_hands_over_or_archives_first(client, person):
    user_id = person.user.id
    mine = factories.make_cohort(person.user, name="Zelda's own circle")
    factories.add_member(mine, person.peer)
    login(client)
    page = client.get("/settings/delete").get_data(as_text=True)
    assert "Zelda&#39;s own circle" in page or "Zelda's own circle" in page
    assert f"/c/{mine.slug}/organize/members" in page
    assert f"/c/{mine.slug}/organize/archive" in page
    assert 'name="password"' not in page
    delete_account(client)
    assert db.session.get(User, user_id) is not None
    # Archiving it from that page clears the way.
    back = client.post(
        f"/c/{mine.slug}/organize/archive", data={"archived": "1", "next": "/settings/delete"}
    )
    assert back.headers["Location"] == "/settings/delete"
    assert 'name="password"' in client.get("/settings/delete").get_data(as_text=True)
    assert delete_account(client).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None


def test_the_policy_is_written_in_both_languages(client, person):
    login(client)
    english = client.get("/settings/delete").get_data(as_text=True)
    assert "a former member" in english and "logged out everywhere" in english
    person.user.locale = "ja"
    db.session.commit()
    japanese = client.get("/settings/delete").get_data(as_text=True)
    assert "logged out everywhere" not in japanese
    assert "元メンバー" in japanese
