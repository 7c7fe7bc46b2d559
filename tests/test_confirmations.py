"""Destructive actions ask first, on a page of their own: its GET says what will happen and
changes nothing; only the POST from its button acts."""

import pytest

from cohort.cohorts.models import Invitation, MembershipStatus
from cohort.cohorts.services import create_invitation
from cohort.extensions import db
from cohort.meetings.models import Meeting, MeetingStatus

from . import factories


@pytest.fixture
def cohort(app, user):
    return factories.make_cohort(user, name="Saturday Circle")


def confirmation(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "What will happen" in page
    assert f'<form method="post" action="{path}"' in page
    return page


def test_removing_a_member_is_confirmed_on_its_own_page(logged_in, cohort):
    ken = factories.make_user(display_name="Ken")
    membership = factories.add_member(cohort, ken)
    base = f"/c/{cohort.slug}/organize"
    members = logged_in.get(f"{base}/members").get_data(as_text=True)
    path = f"{base}/members/{membership.id}/remove"
    assert f'<a href="{path}" role="button"' in members  # a link to the page, not a form that acts

    page = confirmation(logged_in, path)
    assert "Remove Ken from Saturday Circle?" in page
    assert "new personal invitation" in page
    assert f'href="{base}/members"' in page  # the way back
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.ACTIVE

    assert logged_in.post(path).location == f"{base}/members"
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.REMOVED
    # Once removed, the page leads back to the list instead of offering the act again.
    assert logged_in.get(path).location == f"{base}/members"


def test_archiving_is_confirmed_and_bringing_back_is_not(logged_in, cohort):
    base = f"/c/{cohort.slug}/organize"
    page = confirmation(logged_in, f"{base}/archive")
    assert "No reminders are sent for this cohort." in page
    assert '<input type="hidden" name="archived" value="1">' in page
    db.session.refresh(cohort)
    assert not cohort.is_archived

    logged_in.post(f"{base}/archive", data={"archived": "1"})
    db.session.refresh(cohort)
    assert cohort.is_archived
    assert logged_in.get(f"{base}/archive").location == f"{base}/"
    overview = logged_in.get(f"{base}/").get_data(as_text=True)
    assert "Bring the cohort back" in overview  # one press, nothing is lost by it
    logged_in.post(f"{base}/archive", data={"archived": "0"})
    db.session.refresh(cohort)
    assert not cohort.is_archived


def test_cancelling_a_session_is_confirmed(logged_in, cohort):
    meeting = factories.make_meeting(cohort, title="December session")
    base = f"/c/{cohort.slug}/organize/sessions/{meeting.id}"
    assert f'href="{base}/cancel"' in logged_in.get(f"{base}/edit").get_data(as_text=True)

    page = confirmation(logged_in, f"{base}/cancel")
    assert "Cancel December session?" in page
    assert "cannot be brought back" in page
    assert db.session.get(Meeting, meeting.id).status != MeetingStatus.CANCELLED

    logged_in.post(f"{base}/cancel")
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.CANCELLED
    assert logged_in.get(f"{base}/cancel").status_code == 302


def test_withdrawing_an_invitation_is_confirmed(logged_in, user, cohort):
    issued = create_invitation(user, cohort, max_uses=5, valid_days=7)
    db.session.commit()
    base = f"/c/{cohort.slug}/organize/invitations"
    path = f"{base}/{issued.invitation.id}/revoke"
    assert f'<a href="{path}" role="button"' in logged_in.get(base).get_data(as_text=True)

    page = confirmation(logged_in, path)
    assert "People who already joined through it stay members." in page
    assert db.session.get(Invitation, issued.invitation.id).revoked_at is None

    logged_in.post(path)
    db.session.expire_all()
    assert db.session.get(Invitation, issued.invitation.id).revoked_at is not None


def test_a_member_gets_no_confirmation_page(client, cohort):
    member = factories.make_user()
    membership = factories.add_member(cohort, member)
    client.post("/login", data={"email": member.email, "password": factories.PASSWORD})
    path = f"/c/{cohort.slug}/organize/members/{membership.id}/remove"
    assert client.get(path).status_code == 403
