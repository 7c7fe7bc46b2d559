"""Invitations: shareable links and personal ones, redemption in every situation, and
single use even under concurrent requests."""

import re
import threading

from sqlalchemy import func, select

from cohort.cohorts import services
from cohort.cohorts.models import Invitation, Membership, MembershipStatus
from cohort.extensions import db

from . import factories

REGISTRATION = {
    "email": "new@example.org",
    "display_name": "Newcomer",
    "password": "a long enough passphrase",
    "locale": "en",
    "timezone": "Europe/Paris",
}


def membership_of(user, cohort) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.cohort_id == cohort.id)
    )


def test_a_link_is_shown_once_and_stored_only_as_a_hash(logged_in, user):
    cohort = factories.make_cohort(user)
    url = f"/c/{cohort.slug}/organize/invitations"
    response = logged_in.post(url + "/link", data={"max_uses": 10, "valid_days": 7})
    assert response.location == url
    page = logged_in.get(url).get_data(as_text=True)
    link = re.search(r'value="(http://cohort\.test/join/[^"]+)"', page).group(1)
    token = link.rsplit("/", 1)[1]
    invitation = db.session.scalar(select(Invitation))
    assert token not in invitation.token_hash
    assert invitation.max_uses == 10
    assert link not in logged_in.get(url).get_data(as_text=True)  # shown only once


def test_a_signed_in_user_joins_with_one_click(app, client):
    organizer = factories.make_user(display_name="Mika")
    cohort = factories.make_cohort(organizer)
    issued = factories.make_invitation(cohort, organizer, max_uses=3)
    guest = factories.make_user()
    client.post("/login", data={"email": guest.email, "password": factories.PASSWORD})
    page = client.get(f"/join/{issued.token}").get_data(as_text=True)
    assert cohort.name in page and "Mika invites you" in page
    assert client.post(f"/join/{issued.token}").location == f"/c/{cohort.slug}/"
    assert membership_of(guest, cohort).invitation_id == issued.invitation.id


def test_a_new_visitor_registers_and_lands_in_the_cohort(app, client):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    issued = factories.make_invitation(cohort, organizer, role="mentor")
    page = client.get(f"/join/{issued.token}").get_data(as_text=True)
    assert "Create an account and join" in page
    response = client.post("/register", data=REGISTRATION)
    assert response.location == f"/c/{cohort.slug}/"
    newcomer = db.session.scalar(select(Membership).where(Membership.user_id != organizer.id))
    assert newcomer.role.value == "mentor"


def test_someone_with_an_account_logs_in_and_comes_back_to_join(app, client):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    issued = factories.make_invitation(cohort, organizer)
    guest = factories.make_user()
    join_url = f"/join/{issued.token}"
    page = client.get(join_url).get_data(as_text=True)
    login_url = re.search(r'href="(/login\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.post(login_url, data={"email": guest.email, "password": factories.PASSWORD})
    assert response.location == join_url
    client.post(join_url)
    assert membership_of(guest, cohort).status == MembershipStatus.ACTIVE


def test_a_personal_invitation_is_emailed_and_bound_to_its_address(logged_in, user, outbox):
    cohort = factories.make_cohort(user)
    response = logged_in.post(
        f"/c/{cohort.slug}/organize/invitations/email",
        data={"email": "Ken@Example.org", "valid_days": 7, "role": "member"},
    )
    assert response.status_code == 302
    (message,) = outbox
    assert message.to == ["ken@example.org"]
    token = re.search(r"/join/(\S+)", message.body).group(1)
    invitation = services.find_invitation(token)
    stranger = factories.make_user(email="other@example.org")
    assert services.invitation_problem(invitation, stranger, services.utcnow()) == "other_email"
    ken = factories.make_user(email="ken@example.org")
    services.redeem_invitation(ken, invitation)
    db.session.commit()
    assert membership_of(ken, cohort) is not None


def test_personal_invitations_refuse_current_members(logged_in, user):
    cohort = factories.make_cohort(user)
    page = logged_in.post(
        f"/c/{cohort.slug}/organize/invitations/email",
        data={"email": user.email, "valid_days": 7, "role": "member"},
    ).get_data(as_text=True)
    assert "is already a member" in page


def test_expired_revoked_and_used_invitations_are_explained(app, client, frozen_time):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    expired = factories.make_invitation(cohort, organizer, valid_days=1)
    revoked = factories.make_invitation(cohort, organizer)
    used = factories.make_invitation(cohort, organizer)
    services.revoke_invitation(organizer, revoked.invitation)
    services.redeem_invitation(factories.make_user(), used.invitation)
    db.session.commit()
    frozen_time.shift(2 * 24 * 3600)
    pages = {
        name: client.get(f"/join/{issued.token}").get_data(as_text=True)
        for name, issued in [("expired", expired), ("revoked", revoked), ("used", used)]
    }
    assert "has expired" in pages["expired"]
    assert "withdrawn" in pages["revoked"]
    assert "already been used" in pages["used"]
    assert client.get("/join/not-a-real-token").status_code == 404


def test_a_single_use_invitation_cannot_be_used_twice(app):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    issued = factories.make_invitation(cohort, organizer)
    services.redeem_invitation(factories.make_user(), issued.invitation)
    db.session.commit()
    second = factories.make_user()
    try:
        services.redeem_invitation(second, issued.invitation)
    except services.DomainError as error:
        assert "already been used" in str(error.message)
    db.session.rollback()
    assert membership_of(second, cohort) is None


def test_concurrent_redemptions_of_a_single_use_invitation_admit_exactly_one(app):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    issued = factories.make_invitation(cohort, organizer)
    guests = [factories.make_user() for _ in range(4)]
    guest_ids = [guest.id for guest in guests]
    start = threading.Barrier(len(guests))
    outcomes: list[str] = []

    def redeem(user_id: int) -> None:
        with app.app_context():
            from cohort.auth.models import User

            user = db.session.get(User, user_id)
            invitation = services.find_invitation(issued.token)
            start.wait()
            try:
                services.redeem_invitation(user, invitation)
                db.session.commit()
                outcomes.append("joined")
            except services.DomainError:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # SQLite: "database is locked" counts as refused
                db.session.rollback()
                outcomes.append(f"refused: {type(error).__name__}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=redeem, args=(uid,)) for uid in guest_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    joined = db.session.scalar(
        select(func.count()).select_from(Membership).where(Membership.user_id.in_(guest_ids))
    )
    assert outcomes.count("joined") == 1, outcomes
    assert joined == 1
    assert db.session.get(Invitation, issued.invitation.id).use_count == 1


def test_rejoining_after_leaving_reuses_the_membership(app):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    guest = factories.make_user()
    factories.add_member(cohort, guest, status="left")
    issued = factories.make_invitation(cohort, organizer)
    services.redeem_invitation(guest, issued.invitation)
    db.session.commit()
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == guest.id))
    assert [m.status for m in memberships] == [MembershipStatus.ACTIVE]


def test_joining_is_rate_limited(app, client, real_limits):
    statuses = {client.get("/join/guess-" + str(n)).status_code for n in range(31)}
    assert 429 in statuses


def test_a_removed_member_needs_a_new_personal_invitation_to_come_back(app, client, frozen_time):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    guest = factories.make_user(email="gone@example.org")
    shared_link = factories.make_invitation(cohort, organizer, max_uses=10)
    earlier_personal = factories.make_invitation(cohort, organizer, email="gone@example.org")
    services.redeem_invitation(guest, shared_link.invitation)
    frozen_time.shift(60)
    services.remove_member(organizer, membership_of(guest, cohort))
    db.session.commit()
    frozen_time.shift(60)
    newer_link = factories.make_invitation(cohort, organizer, max_uses=10)
    client.post("/login", data={"email": guest.email, "password": factories.PASSWORD})
    for issued in (shared_link, earlier_personal, newer_link):
        page = client.get(f"/join/{issued.token}").get_data(as_text=True)
        assert "You were removed from this cohort" in page
        client.post(f"/join/{issued.token}")
        assert membership_of(guest, cohort).status == MembershipStatus.REMOVED
    again = factories.make_invitation(cohort, organizer, email="gone@example.org")
    client.post(f"/join/{again.token}")
    assert membership_of(guest, cohort).status == MembershipStatus.ACTIVE
