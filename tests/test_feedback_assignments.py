"""Feedback assignments: generating the rotation, regenerating, adjusting by hand, what members
owe, the organizers' coverage, the missing-feedback alert, and the pages' query counts."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.delivery.models import Notification
from cohort.errors import DomainError
from cohort.extensions import db
from cohort.feedback import services
from cohort.feedback.jobs import missing_feedback_alerts
from cohort.feedback.models import FeedbackAssignment
from cohort.inventories.services import pause_month
from cohort.permissions import NotAllowed

from . import factories
from .test_inventories import session_for


@pytest.fixture
def cohort(app, user):
    return factories.make_cohort(user, name="Circle")


def members(cohort, count: int, role: str = "member"):
    return [factories.add_member(cohort, role=role).user for _ in range(count)]


def assignments(meeting) -> list[FeedbackAssignment]:
    return db.session.scalars(
        select(FeedbackAssignment).where(FeedbackAssignment.meeting_id == meeting.id)
    ).all()


def generate(user, meeting, **options):
    created = services.assign_feedback_rotation(user, meeting, **options)
    db.session.commit()
    return created


def test_every_shared_inventory_gets_its_reviewers_balanced(user, cohort):
    people = members(cohort, 5)
    meeting = session_for(cohort)
    for person in people:
        factories.make_shared_inventory(meeting, person)
    generate(user, meeting)
    rows = assignments(meeting)
    assert Counter(a.recipient_id for a in rows) == {person.id: 2 for person in people}
    assert all(a.giver_id != a.recipient_id for a in rows)
    load = Counter(a.giver_id for a in rows)
    assert max(load.values()) - min(load[p.id] for p in [user, *people]) <= 1  # Ann gives too
    notified = select(Notification).where(Notification.kind == "feedback_assigned")
    assert len(db.session.scalars(notified).all()) == 10


def test_the_number_of_reviewers_is_the_cohorts_setting(user, cohort):
    cohort.feedback_reviewers = 3
    people = members(cohort, 4)
    meeting = session_for(cohort)
    inventory = factories.make_shared_inventory(meeting, people[0])
    generate(user, meeting)
    assert {a.inventory_id for a in assignments(meeting)} == {inventory.id}
    assert len(assignments(meeting)) == 3


def test_paused_members_are_skipped_and_mentors_are_optional(user, cohort):
    ken, aiko, paused = members(cohort, 3)
    (mentor,) = members(cohort, 1, role="mentor")
    meeting = session_for(cohort)
    factories.make_shared_inventory(meeting, ken)
    pause_month(paused, meeting)
    db.session.commit()
    generate(user, meeting, include_mentors=False)
    givers = {a.giver_id for a in assignments(meeting)}
    assert paused.id not in givers
    assert mentor.id not in givers
    second = session_for(cohort, days_ahead=40)
    factories.make_shared_inventory(second, aiko)
    cohort.feedback_reviewers = 4
    generate(user, second)
    assert mentor.id in {a.giver_id for a in assignments(second)}


def test_regenerating_adds_late_inventories_without_disturbing_the_others(user, cohort):
    ken, aiko, _ren = members(cohort, 3)
    meeting = session_for(cohort)
    factories.make_shared_inventory(meeting, ken)
    generate(user, meeting)
    before = {(a.id, a.giver_id, a.recipient_id) for a in assignments(meeting)}
    factories.make_shared_inventory(meeting, aiko)
    generate(user, meeting)
    after = {(a.id, a.giver_id, a.recipient_id) for a in assignments(meeting)}
    assert before < after
    assert Counter(r for _, _, r in after) == {ken.id: 2, aiko.id: 2}
    assert generate(user, meeting) == []


def test_feedback_given_unasked_counts_towards_the_reviewers(user, cohort):
    ken, aiko, _ren = members(cohort, 3)
    meeting = session_for(cohort)
    inventory = factories.make_shared_inventory(meeting, ken)
    factories.make_feedback(inventory, aiko, ask_answer="")
    generate(user, meeting)
    assert aiko.id not in {a.giver_id for a in assignments(meeting)}
    assert len(assignments(meeting)) == 1


def test_pairs_rotate_over_the_months(user, cohort):
    people = members(cohort, 4)
    seen = Counter()
    for month in range(3):
        meeting = session_for(cohort, days_ahead=-90 + 30 * month)
        meeting.feedback_due_at = services.utcnow() + timedelta(days=30)
        for person in people:
            factories.make_shared_inventory(meeting, person)
        cohort.feedback_reviewers = 1
        generate(user, meeting)
        seen.update((a.giver_id, a.recipient_id) for a in assignments(meeting))
    assert max(seen.values()) == 1  # 5 givers, 4 recipients, 3 months: nobody twice


def test_only_organizers_generate_and_never_after_the_due_time(user, cohort):
    (ken,) = members(cohort, 1)
    meeting = session_for(cohort)
    with pytest.raises(NotAllowed):
        services.assign_feedback_rotation(ken, meeting)
    meeting.feedback_due_at = services.utcnow() - timedelta(hours=1)
    with pytest.raises(DomainError, match="closed"):
        services.assign_feedback_rotation(user, meeting)


def test_organizers_adjust_assignments_by_hand(user, cohort):
    ken, aiko = members(cohort, 2)
    outsider = factories.make_user()
    meeting = session_for(cohort)
    inventory = factories.make_shared_inventory(meeting, ken)
    assignment = services.add_assignment(user, inventory, aiko.id)
    db.session.commit()
    assert assignment.is_manual
    for giver_id, message in (
        (aiko.id, "already asked"),
        (ken.id, "their own"),
        (outsider.id, "active member"),
    ):
        with pytest.raises(DomainError, match=message):
            services.add_assignment(user, inventory, giver_id)
        db.session.rollback()
    services.remove_assignment(user, assignment)
    db.session.commit()
    assert assignments(meeting) == []


def test_the_feedback_page_lists_what_i_owe_with_due_times(user, cohort, client):
    ken, aiko = members(cohort, 2)
    meeting = session_for(cohort, title="December session")
    inventory = factories.make_shared_inventory(meeting, ken)
    services.add_assignment(user, inventory, aiko.id)
    db.session.commit()
    client.post("/login", data={"email": aiko.email, "password": factories.PASSWORD})
    page = client.get(f"/c/{cohort.slug}/feedback").get_data(as_text=True)
    assert f"Give feedback to {ken.display_name}" in page
    assert "December session" in page
    factories.make_feedback(inventory, aiko, ask_answer="")
    page = client.get(f"/c/{cohort.slug}/feedback").get_data(as_text=True)
    assert f"Give feedback to {ken.display_name}" not in page
    assert "Nothing owed right now." in page


def test_coverage_counts_pieces_per_inventory_and_per_giver(user, cohort, client):
    ken, aiko = members(cohort, 2)
    meeting = session_for(cohort)
    inventory = factories.make_shared_inventory(meeting, ken)
    generate(user, meeting)
    factories.make_feedback(inventory, aiko, ask_answer="")
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    page = client.get(f"/c/{cohort.slug}/organize/sessions/{meeting.id}/feedback")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Assign newly shared inventories" in text
    assert "given" in text and "waiting" in text
    assert "1 piece received" in text
    assert client.get(f"/c/{cohort.slug}/organize/feedback").location.endswith(
        f"/sessions/{meeting.id}/feedback"
    )


def test_generate_and_adjust_through_the_pages(user, cohort, client):
    ken, _aiko, _ren = members(cohort, 3)
    meeting = session_for(cohort)
    inventory = factories.make_shared_inventory(meeting, ken)
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    base = f"/c/{cohort.slug}/organize"
    client.post(f"{base}/sessions/{meeting.id}/feedback/generate", data={"include_mentors": "y"})
    assert len(assignments(meeting)) == 2
    first = assignments(meeting)[0]
    client.post(f"{base}/reviewers/{first.id}/remove")
    assert len(assignments(meeting)) == 1
    client.post(f"{base}/inventories/{inventory.id}/reviewers", data={"giver_id": first.giver_id})
    assert first.giver_id in {a.giver_id for a in assignments(meeting)}


# The alert ---------------------------------------------------------------------------------


def test_organizers_hear_once_about_inventories_without_feedback_48_hours_before_due(user, cohort):
    (co_organizer,) = members(cohort, 1, role="organizer")
    ken, aiko = members(cohort, 2)
    meeting = session_for(cohort)
    quiet = factories.make_shared_inventory(meeting, ken)
    answered = factories.make_shared_inventory(meeting, aiko)
    factories.make_feedback(answered, ken, ask_answer="")
    due = meeting.feedback_due_at
    assert missing_feedback_alerts(due - timedelta(hours=49)) == 0
    assert missing_feedback_alerts(due - timedelta(hours=47)) == 2  # one per organizer
    assert missing_feedback_alerts(due - timedelta(hours=1)) == 0  # once
    db.session.commit()
    alerts = db.session.scalars(
        select(Notification).where(Notification.kind == "feedback_missing")
    ).all()
    assert {alert.user_id for alert in alerts} == {user.id, co_organizer.id}
    assert {alert.data["recipient"] for alert in alerts} == {ken.display_name}
    assert {alert.url for alert in alerts} == {f"/c/{cohort.slug}/inventories/{quiet.id}"}
    assert missing_feedback_alerts(due + timedelta(minutes=1)) == 0
    from cohort.delivery.models import OutboundEmail

    emails = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "organizer_reminders")
    ).all()
    assert {email.user_id for email in emails} == {user.id, co_organizer.id}
    assert all(ken.display_name in email.text_body for email in emails)


def test_the_alert_job_is_scheduled_every_15_minutes():
    from cohort.scheduler import job_by_id

    assert job_by_id("feedback_alerts").seconds == 900


# Query counts -------------------------------------------------------------------------------


def busy_month(user, cohort, people: int):
    team = members(cohort, people)
    meeting = session_for(cohort)
    inventories = [factories.make_shared_inventory(meeting, person) for person in team]
    generate(user, meeting)
    for inventory, giver in zip(inventories, team[1:] + team[:1], strict=True):
        feedback = factories.make_feedback(inventory, giver, ask_answer="")
        services.reply_to_feedback(inventory.user, feedback, "Thanks")
    db.session.commit()
    return meeting, team


@pytest.mark.parametrize("page", ["inbox", "coverage"])
def test_the_feedback_pages_run_as_many_queries_for_12_people_as_for_3(
    app, user, page, count_queries
):
    counts = []
    for size in (3, 12):
        cohort = factories.make_cohort(user, name=f"Circle {size}")
        meeting, team = busy_month(user, cohort, size)
        viewer = user if page == "coverage" else team[0]
        client = app.test_client()
        client.post("/login", data={"email": viewer.email, "password": factories.PASSWORD})
        url = (
            f"/c/{cohort.slug}/organize/sessions/{meeting.id}/feedback"
            if page == "coverage"
            else f"/c/{cohort.slug}/feedback"
        )
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert counts[1] <= 15


def test_the_home_card_lists_the_feedback_i_owe_until_i_give_it(user, cohort, client):
    ken, aiko = members(cohort, 2)
    meeting = session_for(cohort)
    inventory = factories.make_shared_inventory(meeting, ken)
    services.add_assignment(user, inventory, aiko.id)
    db.session.commit()
    client.post("/login", data={"email": aiko.email, "password": factories.PASSWORD})
    home = client.get("/").get_data(as_text=True)
    assert "Feedback you owe" in home
    assert f"/c/{cohort.slug}/inventories/{inventory.id}/feedback" in home
    assert f"Give feedback to {ken.display_name}" in home
    factories.make_feedback(inventory, aiko, ask_answer="")
    home = client.get("/").get_data(as_text=True)
    assert "Feedback you owe" not in home


def test_each_home_card_lists_what_i_owe_in_its_cohort_soonest_first(user, cohort, client):
    """The owed pieces come with the cards' own rows: several per card, none on the card of a
    cohort where nothing is owed, each under its cohort."""
    ken, aiko = members(cohort, 2)
    other = factories.make_cohort(user, name="Another Circle")
    quiet = factories.make_cohort(user, name="Quiet Circle")
    factories.add_member(other, aiko)
    factories.add_member(quiet, aiko)
    lena = factories.add_member(other).user
    asked = {}
    for key, circle, days, writer in (
        ("later", cohort, 20, ken),
        ("sooner", cohort, 5, ken),
        ("elsewhere", other, 8, lena),
    ):
        asked[key] = factories.make_shared_inventory(session_for(circle, days_ahead=days), writer)
        services.add_assignment(user, asked[key], aiko.id)
    db.session.commit()
    client.post("/login", data={"email": aiko.email, "password": factories.PASSWORD})
    home = client.get("/").get_data(as_text=True)
    cards = home.split('<article class="card month-card">')[1:]
    by_name = {
        name: next(c for c in cards if name in c.split("</h2>")[0])
        for name in (">Circle<", "Another", "Quiet")
    }
    assert by_name[">Circle<"].count(f"Give feedback to {ken.display_name}") == 2
    assert f"Give feedback to {lena.display_name}" in by_name["Another"]
    assert f"Give feedback to {ken.display_name}" not in by_name["Another"]
    assert "Feedback you owe" not in by_name["Quiet"]
    sooner, later = (f"/inventories/{asked[key].id}/feedback" for key in ("sooner", "later"))
    assert by_name[">Circle<"].index(sooner) < by_name[">Circle<"].index(later)


def test_a_mentors_home_lists_the_inventories_to_read_until_answered(
    user, cohort, client, count_queries
):
    ken, aiko = members(cohort, 2)
    (maggie,) = members(cohort, 1, role="mentor")
    closed = session_for(cohort, days_ahead=-30)  # its feedback closed three weeks ago
    factories.make_shared_inventory(closed, ken, did="An old month.")
    meeting = session_for(cohort)
    kens = factories.make_shared_inventory(meeting, ken)
    aikos = factories.make_shared_inventory(meeting, aiko)
    draft_of_someone = factories.make_user()
    factories.add_member(cohort, draft_of_someone)
    client.post("/login", data={"email": maggie.email, "password": factories.PASSWORD})

    home = client.get("/").get_data(as_text=True)
    assert "Inventories to read" in home
    links = re.findall(rf"/c/{cohort.slug}/inventories/(\d+)\"", home)
    assert sorted(map(int, links)) == sorted([kens.id, aikos.id])  # not the closed month's

    factories.make_feedback(kens, maggie, ask_answer="")
    home = client.get("/").get_data(as_text=True)
    assert re.findall(rf"/c/{cohort.slug}/inventories/(\d+)\"", home) == [str(aikos.id)]

    # Members see no such list, and a member's home runs no query for it.
    client.post("/logout")
    client.post("/login", data={"email": aiko.email, "password": factories.PASSWORD})
    with count_queries() as member_home:
        assert "Inventories to read" not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    client.post("/login", data={"email": maggie.email, "password": factories.PASSWORD})
    with count_queries() as mentor_home:
        client.get("/")
    assert mentor_home.count == member_home.count + 1


def test_the_inventory_page_asks_only_the_assigned_reviewer(user, cohort, client):
    ken, aiko, bo = members(cohort, 3)
    meeting = session_for(cohort, title="December session")
    inventory = factories.make_shared_inventory(meeting, ken)
    services.add_assignment(user, inventory, aiko.id)
    db.session.commit()
    url = f"/c/{cohort.slug}/inventories/{inventory.id}"
    asked = "You are asked to give feedback on this inventory by"
    for person, is_asked in ((aiko, True), (bo, False)):
        client.post("/logout")
        client.post("/login", data={"email": person.email, "password": factories.PASSWORD})
        assert (asked in client.get(url).get_data(as_text=True)) is is_asked, person.display_name
