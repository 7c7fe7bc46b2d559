"""Members' timelines and "what changed since last month": privacy first (co-members only,
shared months only, drafts and paused months for the owner alone), then what they show, then
the same number of queries for 2 months or 24. Following, the feed and cheers: test_feed.py."""

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort import fragments
from cohort.database import utcnow
from cohort.extensions import db
from cohort.inventories import services
from cohort.inventories.models import (
    Goal,
    GoalProgress,
    Inventory,
    InventoryStatus,
    Task,
    TaskOutcome,
)
from cohort.meetings.models import Meeting
from cohort.permissions import (
    Action,
    can,
    can_cheer,
    timeline_inventories,
)
from cohort.timeline.milestones import milestones_for
from cohort.timeline.models import Cheer
from cohort.timeline.months import month_label, task_counts
from cohort.timeline.rows import MonthInventory, MonthMeeting
from cohort.timeline.timeline import member_timeline

from . import factories
from .test_inventories import session_for


def write(user, meeting, share=True, **values) -> Inventory:
    """The user's inventory for the session, saved (and shared unless told)."""
    values.setdefault("answers", {"did": f"{user.display_name} did things"})
    inventory = services.save_inventory(user, meeting, services.InventoryInput(**values), 0)
    if share:
        services.share_inventory(user, inventory)
    db.session.commit()
    return inventory


def months_ago(cohort, n: int, **values):
    return session_for(cohort, days_ahead=-30 * n, title=f"Session -{n}", **values)


def make_circle(organizer):
    """Ann (organizer) with Ken and Aiko in one cohort."""
    cohort = factories.make_cohort(organizer, name="Career Circle")
    ken = factories.make_user(display_name="Ken")
    aiko = factories.make_user(display_name="Aiko")
    factories.add_member(cohort, ken)
    factories.add_member(cohort, aiko)
    return cohort, ken, aiko


@pytest.fixture
def circle(app, user):
    return make_circle(user)


def login(client, user):
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD})


def member_page(client, cohort, member) -> str:
    response = client.get(f"/c/{cohort.slug}/members/{member.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# ---- Timeline: privacy ------------------------------------------------------------------------


def test_co_members_see_shared_months_only_and_gaps_for_the_rest(logged_in, circle):
    cohort, ken, _aiko = circle
    write(ken, months_ago(cohort, 3), energy=2, answers={"did": "March facts"})
    months_ago(cohort, 2)  # skipped
    paused = months_ago(cohort, 1)
    write(ken, paused, share=False, energy=1, answers={"did": "secret paused text"})
    services.pause_month(ken, paused)
    write(ken, session_for(cohort, days_ahead=-2), energy=4, answers={"learned": "Listen first"})
    write(ken, session_for(cohort, days_ahead=20), share=False, answers={"did": "draft text"})
    page = member_page(logged_in, cohort, ken)
    assert "March facts" in page and "Listen first" in page
    assert "draft text" not in page and "secret paused text" not in page
    assert page.count("No inventory this month.") == 2  # skipped and paused look the same
    assert "Paused" not in page
    # Gaps are never zeros: two points per rating panel, and the table says so.
    energy_panel = page.split("<figcaption>Energy</figcaption>")[1].split("</figure>")[0]
    assert energy_panel.count("<circle") == 2 and energy_panel.count("chart-gap") == 2
    assert page.count("no inventory</td>") == 2


def test_the_owner_also_sees_drafts_and_paused_months_privately(app, client, circle):
    cohort, ken, _aiko = circle
    write(ken, months_ago(cohort, 2), energy=3)
    paused = months_ago(cohort, 1)
    services.pause_month(ken, paused)
    write(ken, session_for(cohort, days_ahead=20), share=False, answers={"did": "draft text"})
    db.session.commit()
    login(client, ken)
    page = member_page(client, cohort, ken)
    assert "draft text" in page and "Draft: only you can see this" in page
    assert "Paused — only you can see this." in page
    assert "Your drafts and paused months show here only for you." in page


def test_a_cohort_sees_goals_and_months_only_from_inventories_shared_in_it(logged_in, circle):
    cohort, ken, _aiko = circle
    other = factories.make_cohort(name="Evening Circle")
    factories.add_member(other, ken)
    write(
        ken, months_ago(other, 1), answers={"did": "evening secret"}, new_goals=[("Side goal", "")]
    )
    write(ken, months_ago(cohort, 1), new_goals=[("Visible goal", "")])
    page = member_page(logged_in, cohort, ken)
    assert "Visible goal" in page
    assert "Side goal" not in page and "evening secret" not in page


def test_timeline_inventories_agree_with_may_see(app):
    """For generated data, every viewer's timeline of every member holds exactly the
    inventories that viewer may see there."""
    users = [factories.make_user() for _ in range(5)]  # the last one is in no cohort
    cohorts = [factories.make_cohort(users[0], name=f"C{i}") for i in range(2)]
    for user, cohort in itertools.product(users[1:3], cohorts):
        factories.add_member(cohort, user)
    factories.add_member(cohorts[0], users[3], status="left")
    statuses = itertools.cycle(["share", "draft", "pause"])
    for cohort in cohorts:
        meeting = session_for(cohort, days_ahead=-5)
        for user in users[:3]:
            status = next(statuses)
            write(user, meeting, share=status == "share")
            if status == "pause":
                services.pause_month(user, meeting)
                db.session.commit()
    everything = db.session.scalars(select(Inventory)).all()
    for viewer, cohort, member in itertools.product(users, cohorts, users):
        listed = set(db.session.scalars(timeline_inventories(viewer, cohort, member.id)))
        expected = {
            i
            for i in everything
            if i.cohort_id == cohort.id and i.user_id == member.id and can(viewer, Action.VIEW, i)
        }
        assert listed == expected


# ---- Timeline: what it shows --------------------------------------------------------------------


def test_charts_tables_milestones_and_month_cards(logged_in, circle):
    cohort, ken, _aiko = circle
    write(
        ken,
        months_ago(cohort, 2),
        energy=2,
        ratings={"skills": 3},
        answers={"did": "Ran a workshop", "try": "Pitch the scheme"},
        new_goals=[("Become a team lead", "")],
        new_tasks=["Book a room"],
    )
    goal = db.session.scalar(select(Goal))
    task = db.session.scalar(select(Task))
    write(
        ken,
        months_ago(cohort, 1),
        energy=4,
        ratings={"skills": 4},
        goal_progress={goal.id: (100, "Promoted", "achieved")},
        task_outcomes={task.id: TaskOutcome.DONE},
    )
    page = member_page(logged_in, cohort, ken)
    assert page.count('<svg class="chart"') == 7  # energy, five ratings, one goal
    assert "<figcaption>Become a team lead</figcaption>" in page
    assert "Energy and self-ratings by month (1–5)" in page  # the table for screen readers
    assert "First inventory shared" in page and "Goal achieved: Become a team lead" in page
    assert "1 done" in page and "Ran a workshop" in page
    assert "style=" not in page and "<script" not in page.split("</head>")[1]
    assert f"/c/{cohort.slug}/members/{ken.id}/months/" in page


def test_a_year_of_reflections_is_a_milestone(logged_in, circle):
    cohort, ken, _aiko = circle
    for n in range(12, 0, -1):
        write(ken, months_ago(cohort, n), energy=3)
    page = member_page(logged_in, cohort, ken)
    assert "1 year of reflections" in page
    assert "12 months shared in this cohort" in page


def test_the_last_half_year_shows_as_cards_and_every_month_on_request(logged_in, circle):
    """Charts span a year; cards stop at half a year so the page's cost does not grow with
    someone's history, and the rest is one link away."""
    cohort, ken, _aiko = circle
    meetings = [months_ago(cohort, n) for n in range(14, 0, -1)]  # oldest first
    for meeting in meetings:
        write(ken, meeting, energy=3)
    page = member_page(logged_in, cohort, ken)
    cards = re.findall(r'<li class="timeline-month[^"]*" id="month-(\d+)"', page)
    assert [int(card) for card in cards] == [m.id for m in meetings[::-1][:6]]
    assert "14 months shared in this cohort" in page
    assert "Show the 8 earlier months" in page
    assert f"months=all#month-{meetings[7].id}" in page  # the newest hidden card
    # The first-month milestone lives on a hidden card: its link asks for every month.
    assert f"months=all#month-{meetings[0].id}" in page
    everything = logged_in.get(f"/c/{cohort.slug}/members/{ken.id}?months=all")
    every_card = re.findall(r'id="month-(\d+)"', everything.get_data(as_text=True))
    assert len(every_card) == 14
    assert "earlier month" not in everything.get_data(as_text=True)
    # The charts and their tables span the last year, every month when asked.
    assert "The charts show the last 12 months." in page
    assert len(chart_table_rows(page)) == 12
    assert len(chart_table_rows(everything.get_data(as_text=True))) == 14
    assert "The charts show the last" not in everything.get_data(as_text=True)


def test_a_goal_reached_before_the_charted_year_is_still_a_milestone(logged_in, circle):
    """The page charts and cards the last year only: a goal reached in a month before it is
    still a milestone, linked to its card among every month, where its progress shows."""
    cohort, ken, _aiko = circle
    meetings = [months_ago(cohort, n) for n in range(14, 0, -1)]  # oldest first
    write(ken, meetings[0], new_goals=[("Run a marathon", "")])
    goal = db.session.scalar(select(Goal))
    write(ken, meetings[1], goal_progress={goal.id: (100, "Done", "achieved")})
    for meeting in meetings[2:]:
        write(ken, meeting, energy=3)
    page = member_page(logged_in, cohort, ken)
    assert "Goal achieved: Run a marathon" in page
    assert f"months=all#month-{meetings[1].id}" in page  # on a card one link away
    assert "<figcaption>Run a marathon</figcaption>" not in page  # not charted this year
    everything = logged_in.get(f"/c/{cohort.slug}/members/{ken.id}?months=all")
    text = everything.get_data(as_text=True)
    card = text.split(f'id="month-{meetings[1].id}"', 1)[1].split("</article>", 1)[0]
    assert "Goal achieved: Run a marathon" in card and "100%" in card
    assert "<figcaption>Run a marathon</figcaption>" in text


def test_a_goal_milestone_marks_only_its_last_recorded_month(app, circle):
    """A goal recorded as achieved month after month marks the last of those months, as the
    feed's ``milestones_for`` (which asks about every month) finds it. Recorded again in a
    draft, it marks no month anyone sees yet; shared, that month."""
    cohort, ken, aiko = circle
    meetings = [months_ago(cohort, n) for n in range(4, 0, -1)]  # oldest first
    write(ken, meetings[0], new_goals=[("Run a marathon", ""), ("Learn Go", "")])
    marathon, go = db.session.scalars(select(Goal).order_by(Goal.id)).all()
    done = {marathon.id: (100, "Done", "achieved"), go.id: (50, "", "active")}
    second, third = (write(ken, meeting, goal_progress=done).id for meeting in meetings[1:3])

    def goal_milestones(viewer) -> dict[int, list[str]]:
        timeline = member_timeline(viewer, cohort, ken.id, utcnow())
        shared = [m.inventory.id for m in timeline.months if m.state == "shared"]
        ordinals = {inventory_id: n for n, inventory_id in enumerate(shared, start=1)}
        expected = milestones_for(shared, ordinals)
        found = {m.inventory.id: m.milestones for m in timeline.months if m.state == "shared"}
        assert found == expected
        goals = {i: [m.key for m in found[i] if m.kind == "goal"] for i in shared}
        return {i: keys for i, keys in goals.items() if keys}

    assert goal_milestones(aiko) == goal_milestones(ken) == {third: [f"goal-{marathon.id}"]}
    draft = write(ken, meetings[3], share=False, goal_progress=done)  # recorded again
    assert goal_milestones(aiko) == goal_milestones(ken) == {}
    services.share_inventory(ken, draft)
    db.session.commit()
    assert goal_milestones(aiko) == {draft.id: [f"goal-{marathon.id}"]}
    assert second not in goal_milestones(ken)


def test_member_page_reads_goal_progress_with_its_months(app, count_queries, circle):
    """The member page reads each month's goal progress with the month (a JSON line a goal):
    the goals' values as the entities hold them, in the order they were recorded, and the
    achieved goals of one month as milestones in the order they were closed (not the order
    of their ids), as ``milestones_for`` finds them."""
    cohort, ken, aiko = circle
    first, second = months_ago(cohort, 2), months_ago(cohort, 1)
    odd = 'Zoë "Z" \\ 実\nnext line'
    write(ken, first, new_goals=[(odd, ""), ("Learn Go", ""), ("Speak", "")])
    goals = db.session.scalars(select(Goal).order_by(Goal.id)).all()
    reached = {goal.id: (100, "Done", "achieved") for goal in goals[:2]}
    shared = write(ken, second, goal_progress={**reached, goals[2].id: (40, "", "active")})
    goals[0].closed_at, goals[1].closed_at = utcnow(), utcnow() - timedelta(days=1)
    goals[2].area = "learning"
    db.session.commit()
    with app.test_request_context(), count_queries() as counter:
        timeline = member_timeline(aiko, cohort, ken.id, utcnow())
    reading_progress = [s for s in counter.statements if "goal_progress" in s]
    assert len(reading_progress) == 1 and "FROM meetings" in reading_progress[0]  # the months
    for month in timeline.months:
        recorded = db.session.scalars(
            select(GoalProgress)
            .where(GoalProgress.inventory_id == month.inventory.id)
            .order_by(GoalProgress.id)
        ).all()
        assert len(recorded) == len(month.progress) > 0
        for row, entity in zip(month.progress, recorded, strict=True):
            assert (row.goal_id, row.percent) == (entity.goal_id, entity.percent)
            for name in ("id", "title", "status", "area"):
                assert getattr(row.goal, name) == getattr(entity.goal, name), name
    assert timeline.months[0].progress[0].goal.title == odd
    ordinals = {timeline.months[0].inventory.id: 1, shared.id: 2}
    expected = milestones_for(ordinals, ordinals)[shared.id]
    assert [m.key for m in expected] == [f"goal-{goals[1].id}", f"goal-{goals[0].id}"]
    assert timeline.months[1].milestones == expected


def test_member_page_months_hold_their_entities_values_and_each_its_own_cheer(app, user, circle):
    """The member page reads its months as plain rows (``timeline.rows``): each value is the
    session's or inventory's own, and a card may be cheered exactly when ``can_cheer`` says so
    on its inventory: a month of a closed season not, the open month after it yes."""
    cohort, ken, aiko = circle
    first, second, draft = months_ago(cohort, 2), months_ago(cohort, 1), months_ago(cohort, 0)
    write(ken, first, energy=2, ratings={"skills": 3, "time": 1}, self_traits=["curious"])
    write(ken, second, energy=5, ratings={"money": 4})
    write(ken, draft, share=False, energy=1)
    factories.close_in_season(first, user, name="Spring")
    for viewer, cheerable in ((aiko, [False, True]), (ken, [False, False, False])):
        with app.test_request_context():
            timeline = member_timeline(viewer, cohort, ken.id, utcnow())
        months = [month for month in timeline.months if month.inventory is not None]
        assert [m.can_cheer for m in months] == cheerable
        for month in months:
            meeting = db.session.get(Meeting, month.meeting.id)
            inventory = db.session.get(Inventory, month.inventory.id)
            for name in MonthMeeting._fields:
                assert getattr(month.meeting, name) == getattr(meeting, name), name
            for name in MonthInventory._fields:
                assert getattr(month.inventory, name) == getattr(inventory, name), name
            for name in ("is_shared", "is_quarter"):
                assert getattr(month.inventory, name) == getattr(inventory, name), name
            assert month.inventory.ratings() == inventory.ratings()
            assert month.meeting.is_closed == meeting.is_closed
            assert month.label == month_label(meeting)
            assert month.can_cheer == can_cheer(viewer, inventory)


def two_cheered_months(cohort, author, cheerer):
    """Two shared months of ``author``, cheered by ``cheerer`` (the first month and its
    "first" milestone) and by a member whose name holds quotes, a backslash, Japanese and a
    line break (before ``cheerer`` on the first month, alone on the second)."""
    one, two = write(author, months_ago(cohort, 2)), write(author, months_ago(cohort, 1))
    odd = factories.make_user(display_name='Zoë "Z" \\ 実\nnext line')
    factories.add_member(cohort, odd)
    for who, inventory, milestone in (
        (odd, one, ""),
        (cheerer, one, ""),
        (cheerer, one, "first"),
        (odd, two, ""),
    ):
        db.session.add(Cheer(user_id=who.id, inventory_id=inventory.id, milestone=milestone))
    db.session.commit()
    return one, two, odd


def test_member_page_reads_each_cards_cheers_with_its_month(app, user, circle):
    """The cards' cheers come with their months (a JSON line a cheer): the names in the order
    given, per milestone, the viewer's own marked; a name may hold any text, and a month no
    longer shared shows none."""
    cohort, ken, aiko = circle
    one, two, odd = two_cheered_months(cohort, ken, aiko)
    with app.test_request_context():
        seen_by_aiko = member_timeline(aiko, cohort, ken.id, utcnow())
    assert set(seen_by_aiko.cheers) == {(one.id, ""), (one.id, "first"), (two.id, "")}
    assert seen_by_aiko.cheers_for(two.id).names == [odd.display_name]
    assert seen_by_aiko.cheers_for(one.id).names == [odd.display_name, "Aiko"]
    assert seen_by_aiko.cheers_for(one.id).by_viewer
    assert seen_by_aiko.cheers_for(one.id, "first").names == ["Aiko"]
    assert not seen_by_aiko.cheers_for(two.id).by_viewer
    two.status = InventoryStatus.DRAFT
    db.session.commit()
    with app.test_request_context():
        seen_by_ken = member_timeline(ken, cohort, ken.id, utcnow())
    assert set(seen_by_ken.cheers) == {(one.id, ""), (one.id, "first")}


def test_task_counts_are_read_from_the_months_outcomes_in_outcome_order():
    assert task_counts("dropped,done,carried,done") == {"done": 2, "carried": 1, "dropped": 1}
    assert list(task_counts("dropped,done")) == ["done", "dropped"]
    assert task_counts(None) == task_counts("") == {}


def chart_table_rows(page: str) -> list[str]:
    """The rows of the energy and self-ratings table under the charts."""
    table = page.split("Energy and self-ratings by month")[1].split("</table>")[0]
    return re.findall(r'<th scope="row">', table)


def test_what_changed_puts_goals_ratings_and_tasks_beside_last_month(logged_in, circle):
    cohort, ken, _aiko = circle
    write(
        ken,
        months_ago(cohort, 3),
        energy=2,
        ratings={"network": 2},
        answers={"try": "Ask for a stretch project", "will": "Teach\nBuild"},
        new_goals=[("Run a meetup", "")],
        new_tasks=["Find a venue", "Write the call"],
    )
    goal = db.session.scalar(select(Goal))
    venue, call = db.session.scalars(select(Task).order_by(Task.id)).all()
    months_ago(cohort, 2)  # skipped
    meeting = months_ago(cohort, 1)
    write(
        ken,
        meeting,
        energy=4,
        ratings={"network": 3},
        answers={"did": "Got the stretch project", "will": "Teach\nLead"},
        goal_progress={goal.id: (40, "", "active")},
        task_outcomes={venue.id: TaskOutcome.DONE, call.id: TaskOutcome.CARRIED},
    )
    url = f"/c/{cohort.slug}/members/{ken.id}/months/{meeting.id}"
    page = logged_in.get(url).get_data(as_text=True)
    assert "1 session in between has no inventory." in page
    assert "↑ +2" in page and "↑ +1" in page  # energy 2 → 4, network 2 → 3
    assert "Run a meetup" in page and "40%" in page and "0%" in page
    assert re.search(r"Find a venue</th>\s*<td>—</td>\s*<td>done</td>", page)
    assert "Ask for a stretch project" in page and "Got the stretch project" in page
    assert '<del><span class="visually-hidden">Removed: </span>Build</del>' in page
    assert "Lead</ins>" in page


def test_what_changed_is_refused_for_months_the_viewer_may_not_see(logged_in, circle, client):
    cohort, ken, _aiko = circle
    draft_meeting = session_for(cohort, days_ahead=5)
    write(ken, draft_meeting, share=False)
    url = f"/c/{cohort.slug}/members/{ken.id}/months/{draft_meeting.id}"
    assert logged_in.get(url).status_code == 404  # Ann may not see Ken's draft
    other = factories.make_cohort(name="Elsewhere")
    factories.add_member(other, ken)
    elsewhere = session_for(other, days_ahead=-1)
    write(ken, elsewhere)
    assert (
        logged_in.get(f"/c/{cohort.slug}/members/{ken.id}/months/{elsewhere.id}").status_code == 404
    )
    login(client, ken)
    assert client.get(url).status_code == 200  # his own draft


# ---- A bounded number of queries ----------------------------------------------------------------


def test_the_follow_button_says_whether_the_viewer_follows_the_member(logged_in, user, circle):
    """Read with the membership: one follow shows on that member's page only, never on one's own."""
    cohort, ken, aiko = circle
    assert logged_in.post(f"/people/{ken.id}/follow").status_code == 302

    def button(member) -> str:
        page = member_page(logged_in, cohort, member)
        found = re.search(r'<button type="submit" class="secondary[^"]*">(\w+)<', page)
        return found.group(1) if found else ""

    assert button(ken) == "Unfollow"
    assert button(aiko) == "Follow"
    assert button(user) == ""  # their own page
    assert logged_in.post(f"/people/{ken.id}/unfollow").status_code == 302
    assert button(ken) == "Follow"


def test_a_timeline_of_24_months_runs_as_many_queries_as_one_of_2(logged_in, circle, count_queries):
    cohort, ken, aiko = circle
    url = f"/c/{cohort.slug}/members/{ken.id}"

    def months(numbers):
        for n in numbers:
            inventory = write(
                ken,
                months_ago(cohort, n),
                energy=3,
                new_goals=[(f"Goal {n}", "")],
                new_tasks=[f"Task {n}"],
            )
            db.session.add(Cheer(user_id=aiko.id, inventory_id=inventory.id))
            db.session.add(Cheer(user_id=aiko.id, inventory_id=inventory.id, milestone="first"))
        db.session.commit()

    months([26, 25])
    assert logged_in.get(url).status_code == 200  # the template's titles are read once
    fragments.forget()  # every card rendered: their answers are read in one statement
    with count_queries() as small:
        assert logged_in.get(url).status_code == 200
    months(range(24, 2, -1))
    fragments.forget()
    with count_queries() as large:
        page = logged_in.get(url).get_data(as_text=True)
    assert "24 months shared in this cohort" in page
    assert large.count == small.count
