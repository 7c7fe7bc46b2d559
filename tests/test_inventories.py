"""Career inventories: writing, sharing, pausing, revisions, conflicts, the template."""

import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import delete, func, select

from cohort import fragments
from cohort.database import utcnow
from cohort.extensions import db
from cohort.inventories import organizing, services
from cohort.inventories.cards import forget_templates
from cohort.inventories.models import (
    Goal,
    GoalStatus,
    Inventory,
    InventoryRevision,
    InventoryStatus,
    Task,
    TaskOutcome,
    TaskStatus,
)
from cohort.meetings.models import Meeting

from . import factories


def session_for(cohort, days_ahead: int = 10, **values) -> Meeting:
    """A session ``days_ahead`` days from now. Ahead, it is the cohort's next one: the sessions
    its rhythm made that would come before it are removed, so which session a page takes for
    the next does not depend on the day the tests run (a rhythm's session falls within the
    next ten days for a third of each month)."""
    now = utcnow()
    starts_at = now.replace(microsecond=0) + timedelta(days=days_ahead)
    db.session.execute(
        delete(Meeting).where(
            Meeting.cohort_id == cohort.id,
            Meeting.follows_rhythm.is_(True),
            Meeting.starts_at > now,
            Meeting.starts_at < starts_at,
        )
    )
    meeting = Meeting(
        cohort_id=cohort.id,
        title=values.pop("title", "December session"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        inventory_due_at=starts_at - timedelta(days=2),
        feedback_due_at=starts_at + timedelta(days=7),
        **values,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def cohort(app, user):
    return factories.make_cohort(user)


@pytest.fixture
def meeting(cohort):
    return session_for(cohort)


def form_url(cohort, meeting) -> str:
    return f"/c/{cohort.slug}/sessions/{meeting.id}/inventory"


def test_the_form_shows_every_visible_section(logged_in, cohort, meeting):
    page = logged_in.get(form_url(cohort, meeting)).get_data(as_text=True)
    for title in (
        "Energy this month",
        "WILL — what I want to realise",
        "Where I stand now",
        "Last month&#39;s tasks",
        "Try — next month&#39;s plan",
        "What I want feedback on",
    ):
        assert title in page
    assert "When this month did you feel a sense of achievement?" in page
    assert "only you can see this" in page


def test_save_a_draft_then_share(logged_in, user, cohort, meeting):
    url = form_url(cohort, meeting)
    data = {
        "version": "0",
        "answer_did": "Shipped the **pilot**.",
        "energy": "4",
        "rating_skills": "3",
        "action": "save",
    }
    assert logged_in.post(url, data=data).location == url
    inventory = db.session.scalar(select(Inventory))
    assert (inventory.status, inventory.version, inventory.energy) == (InventoryStatus.DRAFT, 1, 4)
    assert "<strong>pilot</strong>" in inventory.answers_html["did"]
    response = logged_in.post(url, data={**data, "version": "1", "action": "share"})
    db.session.refresh(inventory)
    assert response.location == f"/c/{cohort.slug}/inventories/{inventory.id}"
    assert inventory.status == InventoryStatus.SHARED
    assert not inventory.is_late
    assert db.session.scalar(select(func.count()).select_from(InventoryRevision)) == 1


def test_sharing_after_the_due_time_is_allowed_and_marked_late(app, user, cohort):
    meeting = session_for(cohort, days_ahead=1)  # due a day ago
    inventory = services.save_inventory(
        user, meeting, services.InventoryInput(answers={"did": "x"}), 0
    )
    services.share_inventory(user, inventory)
    assert inventory.is_late


def test_drafts_are_visible_to_their_author_only(app, client, user, cohort, meeting):
    inventory = services.save_inventory(
        user, meeting, services.InventoryInput(answers={"did": "private"}), 0
    )
    db.session.commit()
    peer = factories.make_user()
    factories.add_member(cohort, peer)
    client.post("/login", data={"email": peer.email, "password": factories.PASSWORD})
    url = f"/c/{cohort.slug}/inventories/{inventory.id}"
    assert client.get(url).status_code == 404
    services.share_inventory(user, inventory)
    db.session.commit()
    assert "private" in client.get(url).get_data(as_text=True)


def test_mentors_post_no_inventory(app, client, cohort, meeting):
    mentor = factories.make_user()
    factories.add_member(cohort, mentor, role="mentor")
    client.post("/login", data={"email": mentor.email, "password": factories.PASSWORD})
    assert client.get(form_url(cohort, meeting)).status_code == 403


def test_a_stale_tab_gets_a_conflict_page_and_loses_nothing(logged_in, cohort, meeting):
    url = form_url(cohort, meeting)
    logged_in.post(url, data={"version": "0", "answer_did": "first", "action": "save"})
    # Tab A saves version 1 → 2; tab B still holds version 1.
    logged_in.post(url, data={"version": "1", "answer_did": "from tab A", "action": "save"})
    response = logged_in.post(
        url, data={"version": "1", "answer_did": "from tab B", "action": "save"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "from tab A" in page and "from tab B" in page
    inventory = db.session.scalar(select(Inventory))
    assert inventory.answers["did"] == "from tab A"
    assert 'name="version" type="hidden" value="2"' in page
    logged_in.post(url, data={"version": "2", "answer_did": "from tab B", "action": "save"})
    db.session.refresh(inventory)
    assert inventory.answers["did"] == "from tab B"


def test_a_double_clicked_first_save_makes_one_inventory(logged_in, cohort, meeting):
    url = form_url(cohort, meeting)
    data = {"version": "0", "answer_did": "same text", "action": "save"}
    first, second = logged_in.post(url, data=data), logged_in.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Inventory)) == 1


def test_edits_after_sharing_keep_revisions_and_show_what_changed(logged_in, user, cohort):
    meeting = session_for(cohort, days_ahead=-1)  # the session was yesterday
    url = form_url(cohort, meeting)
    logged_in.post(
        url,
        data={"version": "0", "answer_learned": "listen\nfirst", "energy": "3", "action": "share"},
    )
    logged_in.post(
        url,
        data={
            "version": "1",
            "answer_learned": "listen\nthen ask",
            "energy": "4",
            "action": "save",
        },
    )
    inventory = db.session.scalar(select(Inventory))
    assert [r.version for r in services.revisions(inventory)] == [1, 2]
    assert inventory.edited_after_meeting
    page = logged_in.get(f"/c/{cohort.slug}/inventories/{inventory.id}").get_data(as_text=True)
    assert "<del>first</del>" in page and "<ins>then ask</ins>" in page
    assert "edited after the session" in page
    assert "3 → 4" in page


def test_pausing_a_month_and_coming_back(logged_in, user, cohort, meeting):
    base = form_url(cohort, meeting)
    logged_in.post(base + "/pause")
    inventory = db.session.scalar(select(Inventory))
    assert inventory.status == InventoryStatus.PAUSED
    assert "This month is paused" in logged_in.get(base).get_data(as_text=True)
    logged_in.post(base + "/pause", data={"resume": "1"})
    db.session.refresh(inventory)
    assert inventory.status == InventoryStatus.DRAFT


def test_tasks_carry_over_and_goals_progress(app, user, cohort):
    may, june = session_for(cohort, days_ahead=-30), session_for(cohort, days_ahead=2)
    first = services.save_inventory(
        user,
        may,
        services.InventoryInput(
            answers={"try": "Ask for a **stretch** project"},
            new_goals=[("Move into product management", "I like shaping what we build")],
            new_tasks=["Finish the course", "Coffee with a PM", "Redo my CV"],
        ),
        0,
    )
    services.share_inventory(user, first)
    db.session.commit()
    tasks = {task.title: task for task in db.session.scalars(select(Task))}
    (goal,) = db.session.scalars(select(Goal)).all()

    from cohort.inventories.goals import tasks_to_review
    from cohort.inventories.models import TaskOutcome

    assert {t.title for t in tasks_to_review(user, cohort.id, None)} == set(tasks)
    services.save_inventory(
        user,
        june,
        services.InventoryInput(
            task_outcomes={
                tasks["Finish the course"].id: TaskOutcome.DONE,
                tasks["Coffee with a PM"].id: TaskOutcome.CARRIED,
                tasks["Redo my CV"].id: TaskOutcome.DROPPED,
            },
            goal_progress={goal.id: (40, "Two interviews", "active")},
        ),
        0,
    )
    db.session.commit()
    statuses = {task.title: task.status for task in db.session.scalars(select(Task))}
    assert statuses == {
        "Finish the course": TaskStatus.DONE,
        "Coffee with a PM": TaskStatus.OPEN,
        "Redo my CV": TaskStatus.DROPPED,
    }
    assert goal.status == GoalStatus.ACTIVE


def test_an_inventory_page_shows_its_reviews_plans_and_progress_as_recorded(
    logged_in, user, cohort
):
    """Read with the inventory in one statement (``goals.page_columns``): each reviewed task
    with its outcome, in the order the tasks were made, the tasks planned for next month,
    and each goal's progress with its note, whatever their text holds."""
    may, june = session_for(cohort, days_ahead=-30), session_for(cohort, days_ahead=2)
    tricky = 'Say "yes" \\ 転職\nsoon'
    first = services.save_inventory(
        user,
        may,
        services.InventoryInput(
            answers={"did": "x"},
            new_goals=[(tricky, ""), ("Run a 10k", "")],
            new_tasks=["Zebra task", "Alpha task", "Middle task"],
        ),
        0,
    )
    services.share_inventory(user, first)
    db.session.commit()
    tasks = {task.title: task.id for task in db.session.scalars(select(Task))}
    goals = {goal.title: goal.id for goal in db.session.scalars(select(Goal))}
    outcomes = {"Zebra task": TaskOutcome.DONE, "Middle task": TaskOutcome.DROPPED}
    second = services.save_inventory(
        user,
        june,
        services.InventoryInput(
            answers={"did": "y"},
            task_outcomes={tasks[title]: outcome for title, outcome in outcomes.items()},
            goal_progress={
                goals[tricky]: (40, "Two <b>calls</b>", "active"),
                goals["Run a 10k"]: (100, "", "achieved"),
            },
            new_tasks=["Next month's task"],
        ),
        0,
    )
    db.session.commit()
    page = logged_in.get(f"/c/{cohort.slug}/inventories/{second.id}").get_data(as_text=True)
    reviewed = page.split('class="task-outcomes"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r"</span> ([^<]+)</li>", reviewed) == ["Zebra task", "Middle task"]
    assert "Alpha task" not in reviewed
    assert "<li>Next month&#39;s task</li>" in page
    progress = page.split('class="goal-progress"', 1)[1].split("</ul>", 1)[0]
    assert str(escape(tricky)) in progress and "40%" in progress
    assert "Two &lt;b&gt;calls&lt;/b&gt;" in progress
    assert progress.index("40%") < progress.index("100%")  # as recorded
    assert "Run a 10k" in progress and "100% · achieved" in progress


def test_an_inventory_shows_only_the_tasks_planned_in_it(app, client, user, cohort):
    """Not those of the author's later drafts, nor of their inventories in other cohorts."""
    other = factories.make_cohort(factories.make_user(), name="Other Circle")
    factories.add_member(other, user)
    may, june = session_for(cohort, days_ahead=-30), session_for(cohort, days_ahead=5)
    elsewhere = session_for(other, days_ahead=-20)

    def write(meeting, task, share=True):
        inventory = services.save_inventory(
            user, meeting, services.InventoryInput(answers={"did": "x"}, new_tasks=[task]), 0
        )
        if share:
            services.share_inventory(user, inventory)
        db.session.commit()
        return inventory

    shared = write(may, "Planned in May")
    write(elsewhere, "Planned in the other cohort")
    write(june, "Planned in a June draft", share=False)
    peer = factories.make_user()
    factories.add_member(cohort, peer)
    client.post("/login", data={"email": peer.email, "password": factories.PASSWORD})
    page = client.get(f"/c/{cohort.slug}/inventories/{shared.id}").get_data(as_text=True)
    assert "Planned in May" in page
    assert "Planned in the other cohort" not in page
    assert "Planned in a June draft" not in page

    from cohort.inventories.goals import tasks_to_review

    here = [t.title for t in tasks_to_review(user, cohort.id, None)]
    assert here == ["Planned in May", "Planned in a June draft"]
    assert [t.title for t in tasks_to_review(user, other.id, None)] == [
        "Planned in the other cohort"
    ]


def test_a_new_inventory_starts_from_the_last_one(logged_in, user, cohort):
    may, june = session_for(cohort, days_ahead=-30), session_for(cohort, days_ahead=5)
    inventory = services.save_inventory(
        user,
        may,
        services.InventoryInput(
            answers={
                "will": "Help people find work they love",
                "try": "Publish one article",
                "did": "May facts",
            }
        ),
        0,
    )
    services.share_inventory(user, inventory)
    db.session.commit()
    page = logged_in.get(form_url(cohort, june)).get_data(as_text=True)
    assert "Last month you planned to try" in page and "Publish one article" in page
    assert "Help people find work they love</textarea>" in page
    assert "May facts</textarea>" not in page


def test_template_changes_never_rewrite_inventories_already_started(app, user, cohort, meeting):
    inventory = services.save_inventory(
        user, meeting, services.InventoryInput(answers={"did": "x"}), 0
    )
    db.session.commit()
    before = list(inventory.template.sections)
    edits = [
        organizing.SectionEdit(
            item["key"],
            "Facts" if item["key"] == "did" else "",
            "",
            index,
            item["key"] == "options",
        )
        for index, item in enumerate(before, start=1)
    ]
    organizing.update_template(user, cohort, edits, ("What surprised you?", ""))
    db.session.commit()
    db.session.refresh(inventory)
    assert inventory.template.sections == before
    new = organizing.template_sections(cohort)
    assert next(i for i in new if i["key"] == "did")["title"] == "Facts"
    assert next(i for i in new if i["key"] == "options")["hidden"]
    assert new[-1]["title"] == "What surprised you?" and new[-1]["custom"]


def test_organizers_see_the_month_and_export_it(logged_in, user, cohort, meeting):
    peer = factories.make_user(display_name="=HYPERLINK(1)")
    factories.add_member(cohort, peer)
    factories.add_member(cohort, factories.make_user(display_name="Quiet"))
    inventory = services.save_inventory(
        peer, meeting, services.InventoryInput(answers={"did": "Ran a workshop"}), 0
    )
    services.share_inventory(peer, inventory)
    services.pause_month(user, meeting)
    db.session.commit()
    base = f"/c/{cohort.slug}/organize/sessions/{meeting.id}/inventories"
    page = logged_in.get(base).get_data(as_text=True)
    assert "Quiet" in page and "not started" in page
    csv_text = logged_in.get(base + ".csv").get_data(as_text=True)
    assert "Ran a workshop" in csv_text
    assert "'=HYPERLINK(1)" in csv_text  # never a live formula


def test_the_month_overview_runs_the_same_queries_for_3_or_30_members(
    app, user, cohort, count_queries
):
    meeting = session_for(cohort)

    def members_sharing(n):
        for _ in range(n):
            member = factories.make_user()
            factories.add_member(cohort, member)
            inventory = services.save_inventory(
                member, meeting, services.InventoryInput(answers={"did": "x"}), 0
            )
            services.share_inventory(member, inventory)
        db.session.commit()
        db.session.expire_all()

    members_sharing(3)
    with count_queries() as small:
        organizing.month_overview(meeting)
    members_sharing(27)
    with count_queries() as large:
        organizing.month_overview(meeting)
    assert large.count == small.count <= 3


def test_home_shows_each_cohort_with_the_inventory_state(logged_in, user, cohort, meeting):
    from cohort.cohorts.models import RhythmKind

    other = factories.make_cohort(name="Evening Circle", rhythm_kind=RhythmKind.MANUAL)
    factories.add_member(other, user)
    services.save_inventory(user, meeting, services.InventoryInput(answers={"did": "x"}), 0)
    db.session.commit()
    page = logged_in.get("/").get_data(as_text=True)
    assert "Career Circle" in page and "Evening Circle" in page
    assert "Continue your inventory" in page
    assert "No session is scheduled yet." in page


def test_home_runs_the_same_queries_for_one_or_many_cohorts(app, logged_in, user, count_queries):
    from cohort.feedback.services import add_assignment

    def join_cohorts(n):
        for index in range(n):
            organizer = factories.make_user()
            cohort = factories.make_cohort(organizer, name=f"C{index}")
            factories.add_member(cohort, user)
            peer = factories.make_user()
            factories.add_member(cohort, peer)
            inventory = factories.make_shared_inventory(session_for(cohort), peer)
            add_assignment(organizer, inventory, user.id)  # feedback owed on every card
            db.session.commit()

    join_cohorts(1)
    with count_queries() as one:
        logged_in.get("/")
    join_cohorts(5)
    with count_queries() as many:
        logged_in.get("/")
    assert many.count == one.count


def test_the_month_page_shows_shared_cards_and_who_has_not_shared(logged_in, user, cohort, meeting):
    ken = factories.make_user(display_name="Ken")
    factories.add_member(cohort, ken)
    factories.add_member(cohort, factories.make_user(display_name="Aiko"))
    inventory = services.save_inventory(
        ken,
        meeting,
        services.InventoryInput(answers={"did": "Ran a workshop", "blockers": "hidden on cards"}),
        0,
    )
    services.share_inventory(ken, inventory)
    db.session.commit()
    page = logged_in.get(f"/c/{cohort.slug}/sessions/{meeting.id}").get_data(as_text=True)
    assert "Ran a workshop" in page and "hidden on cards" not in page
    assert "1 of 3 shared" in page
    assert "Aiko" in page


def test_the_month_page_runs_the_same_queries_for_3_or_30_inventories(
    app, logged_in, user, cohort, count_queries
):
    meeting = session_for(cohort)
    url = f"/c/{cohort.slug}/sessions/{meeting.id}"

    def share(n):
        for _ in range(n):
            member = factories.make_user()
            factories.add_member(cohort, member)
            inventory = services.save_inventory(
                member, meeting, services.InventoryInput(answers={"did": "x", "try": "y"}), 0
            )
            services.share_inventory(member, inventory)
        db.session.commit()

    def cold_view():  # no card kept rendered, no template's titles known: the most it reads
        fragments.forget()
        forget_templates()
        with count_queries() as counted:
            assert logged_in.get(url).status_code == 200
        return counted.count

    share(3)
    small = cold_view()
    share(27)
    assert cold_view() == small


def test_the_member_directory_shows_what_each_member_is_working_on(logged_in, user, cohort):
    ken = factories.make_user(display_name="Ken")
    factories.add_member(cohort, ken)
    meeting = session_for(cohort)
    inventory = services.save_inventory(
        ken,
        meeting,
        services.InventoryInput(
            answers={"try": "Pitch the mentoring scheme"}, new_goals=[("Become a team lead", "")]
        ),
        0,
    )
    services.share_inventory(ken, inventory)
    db.session.commit()
    page = logged_in.get(f"/c/{cohort.slug}/members/").get_data(as_text=True)
    assert "Become a team lead" in page and "Pitch the mentoring scheme" in page


def test_new_goals_get_a_target_date_and_new_tasks_can_serve_a_goal(logged_in, user, cohort):
    meeting = session_for(cohort)
    url = form_url(cohort, meeting)
    logged_in.post(
        url,
        data={
            "version": "0",
            "new_goal_title": "Run a workshop",
            "new_goal_target": "2027-03-31",
            "action": "save",
        },
    )
    goal = db.session.scalar(select(Goal))
    assert str(goal.target_on) == "2027-03-31"
    logged_in.post(
        url,
        data={
            "version": "1",
            "new_tasks": "Book a room\nWrite the outline",
            "new_tasks_goal": str(goal.id),
            "action": "save",
        },
    )
    tasks = db.session.scalars(select(Task)).all()
    assert {task.goal_id for task in tasks} == {goal.id} and len(tasks) == 2
    stranger_goal = Goal(user_id=factories.make_user().id, title="Not yours")
    db.session.add(stranger_goal)
    db.session.commit()
    logged_in.post(
        url,
        data={
            "version": "2",
            "new_tasks": "Sneaky",
            "new_tasks_goal": str(stranger_goal.id),
            "action": "save",
        },
    )
    sneaky = db.session.scalar(select(Task).where(Task.title == "Sneaky"))
    assert sneaky.goal_id is None


def test_goals_start_from_last_months_progress_and_say_when_they_are_overdue(
    logged_in, user, cohort
):
    from datetime import date

    may, june = session_for(cohort, days_ahead=-30), session_for(cohort, days_ahead=5)
    services.save_inventory(
        user,
        may,
        services.InventoryInput(new_goals=[("Run a workshop", "", date(2020, 3, 31))]),
        0,
    )
    db.session.commit()
    goal = db.session.scalar(select(Goal))
    services.save_inventory(
        user, may, services.InventoryInput(goal_progress={goal.id: (40, "", "active")}), 1
    )
    db.session.commit()

    page = logged_in.get(form_url(cohort, june)).get_data(as_text=True)
    field = re.search(rf'<input[^>]*name="goal_{goal.id}_percent"[^>]*>', page).group(0)
    assert 'value="40"' in field  # June starts where May ended
    assert "Last time: 40%." in page
    assert "Overdue:" in page and "the target date was Tue 31 Mar 2020." in page
    assert "by Tue 31 Mar 2020" in page  # the app's own date format, not 2020-03-31
    assert "2020-03-31" not in page

    logged_in.post("/language", data={"locale": "ja"})
    page = logged_in.get(form_url(cohort, june)).get_data(as_text=True)
    assert "2020年3月31日(火)" in page


def test_a_goal_without_a_target_or_before_it_is_not_overdue(logged_in, user, cohort):
    from datetime import timedelta

    meeting = session_for(cohort)
    tomorrow = utcnow().date() + timedelta(days=2)
    services.save_inventory(
        user, meeting, services.InventoryInput(new_goals=[("Later", "", tomorrow)]), 0
    )
    services.save_inventory(user, meeting, services.InventoryInput(new_goals=[("Someday", "")]), 1)
    db.session.commit()
    page = logged_in.get(form_url(cohort, meeting)).get_data(as_text=True)
    assert "Overdue:" not in page
    assert "Last time:" not in page  # nothing recorded in another month yet
