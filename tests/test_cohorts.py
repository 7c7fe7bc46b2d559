"""Creating and organizing cohorts: settings, roles, removal, leaving, the log, archiving."""

import re
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from cohort.cohorts import services
from cohort.cohorts.models import Cohort, EventKind, Membership, MembershipEvent, Role
from cohort.cohorts.rhythm import Rhythm, nth_weekday, upcoming_slots
from cohort.errors import DomainError
from cohort.extensions import db

from . import factories

NEW_COHORT = {
    "name": "Tuesday Circle",
    "description": "Career changers helping each other.",
    "guide": "## Our way\n\nBe kind. <script>x</script>",
    "locale": "en",
    "timezone": "Asia/Tokyo",
    "rhythm_kind": "monthly_weekday",
    "rhythm_week": "2",
    "rhythm_weekday": "5",
    "rhythm_starts_at": "10:00",
    "rhythm_minutes": "120",
    "inventory_due_days": "2",
    "feedback_due_days": "7",
}


def test_creating_a_cohort_makes_you_its_organizer(logged_in, user):
    response = logged_in.post("/c/new", data=NEW_COHORT)
    cohort = db.session.scalar(select(Cohort))
    assert response.location == f"/c/{cohort.slug}/organize/invitations"
    membership = db.session.scalar(select(Membership))
    assert (membership.user_id, membership.role) == (user.id, Role.ORGANIZER)
    assert "<h2>Our way</h2>" in cohort.guide_html
    assert "<script>" not in cohort.guide_html
    assert cohort.slug == "tuesday-circle"  # made from the name when none is chosen


def test_the_create_form_offers_the_default_guide_in_your_language(client):
    user = factories.make_user(locale="ja")
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    page = client.get("/c/new").get_data(as_text=True)
    assert "わたしたちのふりかえりかた" in page


def test_create_explains_bad_settings_and_keeps_the_text(logged_in):
    data = {**NEW_COHORT, "name": "", "rhythm_minutes": "5"}
    page = logged_in.post("/c/new", data=data).get_data(as_text=True)
    assert "This field is required" in page
    assert "Career changers helping each other." in page
    assert db.session.scalar(select(Cohort)) is None


def test_a_japanese_name_still_gets_a_readable_slug(app, user):
    cohort = factories.make_cohort(user, name="キャリアの会")
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d{2}", cohort.slug)


def test_organizers_change_settings(logged_in, user):
    cohort = factories.make_cohort(user)
    data = {
        **NEW_COHORT,
        "name": "Renamed",
        "inventory_due_days": "3",
        "first_reminder_days": "5",
        "last_reminder_days": "2",
    }
    assert logged_in.post(f"/c/{cohort.slug}/organize/settings", data=data).status_code == 302
    db.session.refresh(cohort)
    assert (cohort.name, cohort.inventory_due_days) == ("Renamed", 3)
    assert (cohort.first_reminder_days, cohort.last_reminder_days) == (5, 2)


def test_my_cohorts_lists_each_cohort_with_its_next_session(frozen_time, logged_in, user):
    factories.make_cohort(user, name="Alpha")
    other = factories.make_cohort(name="Beta")
    factories.add_member(other, user, role="mentor")
    page = logged_in.get("/c/").get_data(as_text=True)
    assert "Alpha" in page and "Beta" in page
    assert "Mentor" in page
    # 2nd Saturday of December 2026, 10:00 Tokyo, shown in Ann's zone (London): 01:00
    assert "Sat 12 Dec, 01:00" in page


def test_cohort_home_shows_guide_next_session_and_members(frozen_time, logged_in, user):
    cohort = factories.make_cohort(user)
    factories.add_member(cohort, factories.make_user(display_name="Ken"))
    page = logged_in.get(f"/c/{cohort.slug}/").get_data(as_text=True)
    assert "How we work" in page
    assert "Ken" in page
    assert "2 members" in page
    assert "Asia/Tokyo" in page  # the cohort's own time noted where zones differ


def test_member_directory_shows_role_bio_and_joined_date(logged_in, user):
    cohort = factories.make_cohort(user)
    ken = factories.make_user(display_name="Ken", bio_html="<p>Sales, 25 years.</p>")
    factories.add_member(cohort, ken, role="mentor")
    page = logged_in.get(f"/c/{cohort.slug}/members/").get_data(as_text=True)
    assert "Ken" in page and "Mentor" in page and "Sales, 25 years." in page
    assert "joined" in page
    assert logged_in.get(f"/c/{cohort.slug}/members/{ken.id}").status_code == 200


def test_role_changes_are_logged(logged_in, user):
    cohort = factories.make_cohort(user)
    membership = factories.add_member(cohort)
    url = f"/c/{cohort.slug}/organize/members/{membership.id}/role"
    assert logged_in.post(url, data={"role": "mentor"}).status_code == 302
    db.session.refresh(membership)
    assert membership.role == Role.MENTOR
    log = logged_in.get(f"/c/{cohort.slug}/organize/log").get_data(as_text=True)
    assert "role changed" in log


def test_a_cohort_always_keeps_an_organizer(app, user):
    cohort = factories.make_cohort(user)
    (own,) = db.session.scalars(select(Membership)).all()
    with pytest.raises(DomainError, match="at least one organizer"):
        services.change_role(user, own, Role.MEMBER)
    with pytest.raises(DomainError, match="at least one organizer"):
        services.leave_cohort(user, cohort)
    second = factories.add_member(cohort, role="organizer")
    services.change_role(user, own, Role.MEMBER)
    db.session.commit()
    with pytest.raises(DomainError, match="at least one organizer"):
        services.leave_cohort(second.user, cohort)


def test_remove_and_leave_end_access_and_are_logged(logged_in, user):
    cohort = factories.make_cohort(user)
    removed = factories.add_member(cohort)
    leaver = factories.add_member(cohort)
    logged_in.post(f"/c/{cohort.slug}/organize/members/{removed.id}/remove")
    services.leave_cohort(leaver.user, cohort)
    db.session.commit()
    kinds = [event.kind for event in db.session.scalars(select(MembershipEvent))]
    assert EventKind.REMOVED in kinds and EventKind.LEFT in kinds
    page = logged_in.get(f"/c/{cohort.slug}/members/").get_data(as_text=True)
    assert f">{removed.user.display_name}</a>" not in page
    assert f">{leaver.user.display_name}</a>" not in page


def test_leaving_through_the_members_page(app, client, user):
    cohort = factories.make_cohort(user)
    member = factories.make_user()
    factories.add_member(cohort, member)
    client.post("/login", data={"email": member.email, "password": factories.PASSWORD})
    assert client.post(f"/c/{cohort.slug}/leave").location == "/"
    assert client.get(f"/c/{cohort.slug}/").status_code == 404


def test_an_archived_cohort_is_read_only_for_everyone(logged_in, user):
    cohort = factories.make_cohort(user)
    member = factories.add_member(cohort)
    logged_in.post(f"/c/{cohort.slug}/organize/archive", data={"archived": "1"})
    db.session.refresh(cohort)
    assert cohort.is_archived
    assert logged_in.get(f"/c/{cohort.slug}/").status_code == 200
    assert logged_in.get(f"/c/{cohort.slug}/organize/settings").status_code == 403
    assert logged_in.post(f"/c/{cohort.slug}/organize/invitations/link").status_code == 403
    assert (
        logged_in.post(f"/c/{cohort.slug}/organize/members/{member.id}/remove").status_code == 403
    )
    with pytest.raises(Exception, match="not allowed"):
        services.leave_cohort(member.user, cohort)
    logged_in.post(f"/c/{cohort.slug}/organize/archive", data={"archived": "0"})
    db.session.refresh(cohort)
    assert not cohort.is_archived


@pytest.mark.parametrize(
    ("year", "month", "week", "weekday", "expected"),
    [
        (2026, 12, 2, 5, 12),  # 2nd Saturday
        (2027, 2, -1, 6, 28),  # last Sunday of a short month
        (2026, 11, 1, 6, 1),  # the 1st is itself a Sunday
        (2028, 2, -1, 1, 29),  # last Tuesday in a leap February
    ],
)
def test_nth_weekday(year, month, week, weekday, expected):
    assert nth_weekday(year, month, week, weekday).day == expected


def test_rhythm_keeps_local_time_across_daylight_saving():
    rhythm = Rhythm(week=2, weekday=5, starts_at=time(10, 0), minutes=120, timezone="Europe/Berlin")
    slots = upcoming_slots(rhythm, datetime(2027, 2, 1, tzinfo=UTC), 3)
    assert [slot.starts_at.hour for slot in slots] == [9, 9, 8]  # CET, CET, then CEST
    assert all((s.ends_at - s.starts_at).total_seconds() == 7200 for s in slots)


def test_a_members_home_leads_with_their_cohort_not_with_creating_one(logged_in, user):
    page = logged_in.get("/").get_data(as_text=True)
    assert 'role="button" class="secondary outline">Create a cohort' in page  # no cohort yet
    cohort = factories.make_cohort(factories.make_user(), name="Saturday Circle")
    factories.add_member(cohort, user)
    page = logged_in.get("/").get_data(as_text=True)
    assert page.index("Saturday Circle") < page.index("Create a cohort")
    assert "Starting a group of your own?" in page
