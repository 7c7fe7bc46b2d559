"""The organizers' overview: the coming session's inventories and answers, the open feedback,
empty states, who may see it, the members-and-roles page, and its query count."""

import re

import pytest

from cohort.cohorts.models import RhythmKind, Role
from cohort.database import utcnow
from cohort.extensions import db
from cohort.feedback.services import add_assignment
from cohort.inventories.services import InventoryInput, pause_month, save_inventory
from cohort.organizer.dashboard import organizer_dashboard

from . import factories
from .test_inventories import session_for


@pytest.fixture
def cohort(app, user):
    """Ann's cohort, scheduled by hand: only the sessions a test makes exist."""
    return factories.make_cohort(user, name="Saturday Circle", rhythm_kind=RhythmKind.MANUAL)


def person(cohort, name: str, role: str = "member"):
    member = factories.make_user(display_name=name)
    factories.add_member(cohort, member, role=role)
    return member


def draft(meeting, member):
    save_inventory(member, meeting, InventoryInput(answers={"did": "Half written."}), 0)
    db.session.commit()


def pause(meeting, member):
    pause_month(member, meeting)
    db.session.commit()


def assign(user, inventory, giver):
    add_assignment(user, inventory, giver.id)
    db.session.commit()


def section(page: str, heading_id: str) -> str:
    """The HTML from a heading to the end of the list or paragraph that follows it."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</ul>", start)]


def count(page: str, label: str) -> list[int]:
    return [int(n) for n in re.findall(rf"<strong>(\d+)</strong> {label}</li>", page)]


def test_the_overview_shows_the_coming_session_its_inventories_and_answers(logged_in, user, cohort):
    meeting = session_for(cohort, title="December session")
    ken, aiko, haruto, yui = (person(cohort, n) for n in ("Ken", "Aiko", "Haruto", "Yui"))
    person(cohort, "Sota")  # not started
    person(cohort, "Mo", role="mentor")  # mentors write no inventory
    factories.make_shared_inventory(meeting, ken)
    factories.make_shared_inventory(meeting, aiko)
    draft(meeting, haruto)
    pause(meeting, yui)
    for member, answer in ((ken, "going"), (aiko, "going"), (haruto, "maybe"), (yui, "not_going")):
        factories.make_attendance(meeting, member, rsvp=answer)

    page = logged_in.get(f"/c/{cohort.slug}/organize/").get_data(as_text=True)

    assert "December session" in page
    assert count(page, "shared")[0] == 2
    assert count(page, "draft") == [1]
    assert count(page, "not started") == [2]  # Sota and Ann herself
    assert count(page, "paused") == [1]
    waiting = section(page, "not-shared-heading")
    assert "Haruto" in waiting and "Sota" in waiting and "Ann" in waiting
    assert not any(name in waiting for name in ("Ken", "Aiko", "Yui", "Mo"))
    assert "2 going · 1 maybe · 1 not going" in page
    base = f"/c/{cohort.slug}/organize/sessions/{meeting.id}"
    assert f'href="{base}/inventories#waiting-heading"' in page  # Send a reminder
    assert f'href="{base}/inventories.csv"' in page
    assert f'href="/c/{cohort.slug}/organize/sessions/"' in page
    assert "Send a reminder" in page


def test_no_reminder_is_offered_once_inventories_are_due(logged_in, user, cohort):
    session_for(cohort, days_ahead=1)  # due the day before yesterday, the session is tomorrow
    page = logged_in.get(f"/c/{cohort.slug}/organize/").get_data(as_text=True)
    assert "They were due" in page
    assert "Send a reminder" not in page


def test_the_feedback_summary_counts_inventories_without_feedback_and_pieces_owed(
    logged_in, user, cohort
):
    meeting = session_for(cohort, days_ahead=-3, title="November session")  # feedback open
    ken, aiko, haruto, yui = (person(cohort, n) for n in ("Ken", "Aiko", "Haruto", "Yui"))
    inventories = {m: factories.make_shared_inventory(meeting, m) for m in (ken, aiko, haruto)}
    pause(meeting, yui)
    assign(user, inventories[ken], aiko)
    assign(user, inventories[ken], haruto)
    assign(user, inventories[aiko], ken)
    factories.make_feedback(inventories[ken], aiko)  # asked, and given
    factories.make_feedback(inventories[aiko], user)  # given unasked

    summary = organizer_dashboard(cohort, utcnow()).feedback
    assert summary.meeting == meeting and summary.is_open
    assert (summary.shared, summary.owed, summary.unassigned) == (3, 2, 1)
    assert [row.id for row in summary.without_feedback] == [inventories[haruto].id]

    page = logged_in.get(f"/c/{cohort.slug}/organize/").get_data(as_text=True)
    assert count(page, "without feedback") == [1]
    assert count(page, "pieces owed") == [2]
    missing = section(page, "without-feedback-heading")
    assert f'/c/{cohort.slug}/inventories/{inventories[haruto].id}">Haruto</a>' in missing
    assert "1 shared inventory has no reviewers yet." in page
    assert "Assign newly shared inventories" in page
    assert f'href="/c/{cohort.slug}/organize/sessions/{meeting.id}/feedback"' in page
    assert "No session is scheduled yet." in page  # November is over and nothing comes next


def test_each_session_gets_its_own_inventories_even_when_the_coming_one_has_none(user, cohort):
    """The two sessions and their inventories come in one statement: a session without any
    inventory is still there, and each session's list holds its own only."""
    past = session_for(cohort, days_ahead=-3, title="November session")  # feedback open
    coming = session_for(cohort, days_ahead=10, title="December session")
    ken, aiko = person(cohort, "Ken"), person(cohort, "Aiko")
    shared = [factories.make_shared_inventory(past, member) for member in (ken, aiko)]
    assign(user, shared[0], aiko)

    dashboard = organizer_dashboard(cohort, utcnow())
    assert dashboard.coming.meeting == coming and dashboard.feedback.meeting == past
    assert dashboard.coming.overview.shared == []
    assert {m.display_name for m in dashboard.coming.overview.not_started} >= {"Ken", "Aiko"}
    assert (dashboard.feedback.shared, dashboard.feedback.unassigned) == (2, 1)
    assert dashboard.feedback.assignment_count == 1
    assert [row.id for row in dashboard.feedback.without_feedback] == [i.id for i in shared]

    draft(coming, ken)
    dashboard = organizer_dashboard(cohort, utcnow())
    assert [m.display_name for m in dashboard.coming.overview.drafts] == ["Ken"]
    assert dashboard.feedback.shared == 2


def test_the_overview_says_when_nobody_has_been_asked_for_feedback(logged_in, user, cohort):
    meeting = session_for(cohort, days_ahead=-1)
    ken = person(cohort, "Ken")
    factories.make_shared_inventory(meeting, ken)
    page = logged_in.get(f"/c/{cohort.slug}/organize/").get_data(as_text=True)
    assert "Nobody has been asked to give feedback for this session yet." in page
    coverage = f"/c/{cohort.slug}/organize/sessions/{meeting.id}/feedback"
    assert f'<a href="{coverage}" role="button">Generate assignments</a>' in page


def test_closed_feedback_is_said_and_offers_no_assignments(logged_in, user, cohort):
    meeting = session_for(cohort, days_ahead=-30)  # its feedback closed three weeks ago
    factories.make_shared_inventory(meeting, person(cohort, "Ken"))
    page = logged_in.get(f"/c/{cohort.slug}/organize/").get_data(as_text=True)
    assert "Feedback for this session is closed." in page
    assert "Generate assignments" not in page


def test_with_no_session_the_overview_says_what_to_do_first(logged_in, user, cohort):
    page = logged_in.get(f"/c/{cohort.slug}/organize/").get_data(as_text=True)
    assert "No session is scheduled yet." in page
    assert f'href="/c/{cohort.slug}/organize/sessions/new"' in page
    assert "Feedback is organized per session." in page
    assert "Archive the cohort" in page


def test_an_archived_cohorts_overview_is_a_read_only_note(logged_in, user):
    cohort = factories.make_cohort(user, is_archived=True)
    session_for(cohort)
    page = logged_in.get(f"/c/{cohort.slug}/organize/").get_data(as_text=True)
    assert "There is nothing to prepare while the cohort is archived" in page
    assert "/organize/sessions/new" not in page
    assert "Send a reminder" not in page
    assert "Bring the cohort back" in page


@pytest.mark.parametrize("path", ["/organize/", "/organize/members"])
def test_only_organizers_see_the_overview_and_the_members_page(client, cohort, path):
    member, outsider = factories.make_user(), factories.make_user()
    factories.add_member(cohort, member)
    for who, status in ((outsider, 404), (member, 403)):
        client.post("/login", data={"email": who.email, "password": factories.PASSWORD})
        assert client.get(f"/c/{cohort.slug}{path}").status_code == status
        client.post("/logout")


def test_members_and_roles_have_their_own_page(logged_in, user, cohort):
    membership = factories.add_member(cohort, factories.make_user(display_name="Ken"))
    base = f"/c/{cohort.slug}/organize"
    page = logged_in.get(f"{base}/members").get_data(as_text=True)
    assert "Members and roles" in page and "Role of Ken" in page and "Remove Ken" in page
    assert f'href="{base}/members" aria-current="page"' in page
    response = logged_in.post(f"{base}/members/{membership.id}/role", data={"role": "mentor"})
    assert response.location == f"{base}/members"
    db.session.refresh(membership)
    assert membership.role == Role.MENTOR
    assert logged_in.post(f"{base}/members/{membership.id}/remove").location == f"{base}/members"
    overview = logged_in.get(f"{base}/").get_data(as_text=True)
    assert "Role of Ken" not in overview
    assert f'href="{base}/" aria-current="page">Overview</a>' in overview


def test_the_overview_runs_as_many_queries_for_25_members_as_for_5(
    logged_in, user, cohort, count_queries
):
    """Members in every state, with answers, assignments and feedback given."""
    coming = session_for(cohort, title="December session")
    open_feedback = session_for(cohort, days_ahead=-3, title="November session")
    given = []

    def add_members(n):
        for i in range(n):
            member = person(cohort, f"Member {i}")
            factories.make_attendance(coming, member, rsvp="going")
            if i % 3 == 0:
                factories.make_shared_inventory(coming, member)
            elif i % 3 == 1:
                draft(coming, member)
            inventory = factories.make_shared_inventory(open_feedback, member)
            assign(user, inventory, user)
            if i % 2:
                given.append(factories.make_feedback(inventory, user))
        db.session.expire_all()

    url = f"/c/{cohort.slug}/organize/"
    add_members(5)
    with count_queries() as few:
        assert logged_in.get(url).status_code == 200
    add_members(20)
    with count_queries() as many:
        page = logged_in.get(url).get_data(as_text=True)
    assert count(page, "pieces owed") == [25 - len(given)]
    assert count(page, "going") == [] and "25 going" in page
    assert many.count == few.count
