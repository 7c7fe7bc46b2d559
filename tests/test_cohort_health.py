"""Cohort health over the sessions: the rates from a built history, the CSV, this season
against the last, and the number of SQL statements of the signals and health pages."""

import pytest

from cohort.database import utcnow
from cohort.extensions import db
from cohort.signals.trends import _local_day as trends_day
from cohort.signals.trends import cohort_health, compare_seasons, season_periods

from . import factories
from .conftest import AuthActions
from .signal_history import History


@pytest.fixture
def history(app, frozen_time):
    return History(sessions=3)


def test_rates_per_session_leave_out_paused_months_and_people_not_there_yet(history):
    a, b, c, d = (history.member(name) for name in "ABCD")
    history.member("Newcomer", joined_before=2)
    on_time = history.inventory(0, a, energy=4)
    late = history.inventory(0, b, energy=3, late=True)
    history.inventory(0, c, status="paused")
    history.inventory(0, d, status="draft")
    history.feedback(on_time, b, helpful=True)
    history.feedback(on_time, c)
    history.feedback(late, a)
    history.attended(0, a)
    history.attended(0, b)
    history.attended(0, c, came=False)
    history.commit()
    first, second, third = cohort_health(history.cohort, utcnow(), k=2)
    assert (first.expected, first.shared, first.on_time) == (3, 2, 1)
    assert (first.share_rate, first.on_time_rate) == (67, 33)
    assert (first.covered, first.coverage) == (1, 50)
    assert (first.feedback, first.helpful, first.helpful_rate) == (3, 1, 33)
    assert (first.attended, first.attendance_rate) == (2, 50)  # of the four there, paused or not
    assert second.expected == 4 and second.share_rate == 0
    assert second.coverage is None and second.attendance_rate is None  # nothing to count
    assert third.expected == 5  # the newcomer counts from their first session


def test_coverage_follows_the_number_of_pieces_asked_for(history):
    a, b = (history.member(name) for name in "AB")
    inventory = history.inventory(0, a)
    history.feedback(inventory, b)
    history.commit()
    assert cohort_health(history.cohort, utcnow(), k=1)[0].coverage == 100
    assert cohort_health(history.cohort, utcnow(), k=2)[0].coverage == 0


def test_the_csv_opens_in_excel_in_the_readers_language_and_runs_no_formulas(app, history):
    history.sessions[0].title = '=HYPERLINK("http://evil.example")'
    a = history.member("A")
    history.inventory(0, a)
    history.organizer.locale = "ja"
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    response = client.get(f"/c/{history.cohort.slug}/organize/health.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffセッション,開催日,")
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body
    lines = body.strip().splitlines()
    assert len(lines) == 4  # the heading and three sessions
    assert lines[1].split(",")[2:6] == ["1", "1", "1", "100"]


def test_the_health_page_draws_charts_with_a_table_of_the_numbers(app, history):
    a = history.member("A")
    history.inventory(0, a)
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    page = client.get(f"/c/{history.cohort.slug}/organize/health").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 5
    assert "<table>" in page and "100%" in page
    assert "There is no earlier season to compare with yet" in page


def test_this_season_is_compared_with_the_last(app, frozen_time):
    history = History(sessions=14)  # October 2025 to November 2026
    a = history.member("A")
    for index in range(14):
        if index < 3 or index % 2:
            history.inventory(index, a)
    history.commit()
    rows = cohort_health(history.cohort, utcnow(), k=2)
    periods = season_periods(history.cohort, [row.meeting for row in rows])
    assert [period.label for period in periods] == ["2025", "2026"]
    comparison = compare_seasons(history.cohort, rows)
    assert (comparison.previous.label, comparison.current.label) == ("2025", "2026")
    assert comparison.averages["share_rate"] == (100, 55)  # 3 of 3, then 6 of 11 sessions
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    page = client.get(f"/c/{history.cohort.slug}/organize/health").get_data(as_text=True)
    assert "This season and the last" in page and "-45" in page


def test_seasons_closed_by_organizers_replace_calendar_years(app, frozen_time):
    from datetime import timedelta

    from cohort.year.models import Season

    history = History(sessions=14)  # October 2025 to November 2026
    rows = cohort_health(history.cohort, utcnow(), k=2)
    days = [trends_day(row.meeting, history.cohort) for row in rows]
    db.session.add(
        Season(
            cohort_id=history.cohort.id,
            name="First half",
            starts_on=days[0],
            ends_on=days[5] + timedelta(days=1),
        )
    )
    history.commit()
    periods = season_periods(history.cohort, [row.meeting for row in rows])
    assert [period.label for period in periods] == ["First half", "This season"]
    first, current = periods
    assert sum(first.starts_on <= day < first.ends_on for day in days) == 6
    assert sum(current.starts_on <= day < current.ends_on for day in days) == 8
    comparison = compare_seasons(history.cohort, rows)
    assert (comparison.previous.label, comparison.current.label) == ("First half", "This season")


def test_mentors_and_members_see_neither_page(app, history):
    member, mentor = history.member("A"), factories.make_user()
    factories.add_member(history.cohort, mentor, role="mentor")
    history.commit()
    for person in (member, mentor):
        client = app.test_client()
        AuthActions(client).login(person.email)
        for page in ("signals", "health", "health.csv"):
            url = f"/c/{history.cohort.slug}/organize/{page}"
            assert client.get(url).status_code == 403, (person.display_name, page)


def build_busy_cohort(members: int, sessions: int) -> History:
    """Everyone shares every month with goals and tasks, gives feedback and comes; every
    third member's energy is low and every fourth owes feedback, so the page has signals."""
    history = History(sessions=sessions)
    people = [history.member(f"Member {n}") for n in range(members)]
    goals = {person.id: history.goal(person) for person in people}
    for index in range(sessions):
        inventories = []
        for n, person in enumerate(people):
            inventory = history.inventory(index, person, energy=2 if n % 3 == 0 else 4)
            history.progress(inventory, goals[person.id], min(100, index * 5))
            history.review(inventory, "done" if n % 2 else "carried")
            history.attended(index, person, came=n % 5 != 0)
            inventories.append(inventory)
        for n, inventory in enumerate(inventories):
            giver = people[(n + 1) % members]
            history.ask(inventory, giver)
            if (n + 1) % 4:
                history.feedback(inventory, giver, helpful=n % 2 == 0)
    return history.commit()


def test_the_signals_and_health_pages_run_the_same_statements_whatever_the_size(
    app, frozen_time, count_queries
):
    counts = {}
    for members, sessions in ((10, 3), (10, 24), (30, 3), (30, 24)):
        history = build_busy_cohort(members, sessions)
        factories.make_meeting(history.cohort, title="Coming session")
        slug = history.cohort.slug
        client = app.test_client()
        AuthActions(client).login(history.organizer.email)
        talk = {"user_id": history.people[0].id, "kind": "energy"}
        assert client.post(f"/c/{slug}/organize/signals/talk", data=talk).status_code == 302
        for page in ("signals", "health", "health.csv"):
            url = f"/c/{slug}/organize/{page}"
            assert client.get(url).status_code == 200
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200
            counts[(page, members, sessions)] = counter.count
        signals_page = client.get(f"/c/{slug}/organize/signals").get_data(as_text=True)
        assert "Energy at 2 of 5" in signals_page
        assert "On the list for the coming session" in signals_page
    for page in ("signals", "health", "health.csv"):
        measured = {key[1:]: count for key, count in counts.items() if key[0] == page}
        assert len(set(measured.values())) == 1, (page, measured)
    print("statements per page:", counts)
    assert counts[("signals", 30, 24)] <= 16, counts
    assert counts[("health", 30, 24)] <= 10, counts
