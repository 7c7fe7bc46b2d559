"""The quarter review: its content from a known three months (services), writing and sharing
it as the session's inventory, who reads it, the timeline's marker, the cohort's quarter
months, both languages, and a fixed number of queries."""

from datetime import date

import pytest
from sqlalchemy import select

from cohort.database import utcnow
from cohort.extensions import db
from cohort.inventories import services
from cohort.inventories.models import Goal, InventoryKind, InventoryStatus
from cohort.quarters.review import quarter_review
from cohort.quarters.schedule import is_quarter_session, quarter_months

from . import factories
from .test_timeline import login, make_circle, months_ago, write
from .test_year import give


@pytest.fixture
def circle(app, user):
    return make_circle(user)


def ken_quarter(cohort, ken, aiko):
    """Three months of Ken's before a quarter session: a goal moves 20 → 50 → 80, energy
    2 → 4 → 3, one Try is kept the next month and one is not, a Problem comes back, and
    Aiko's feedback on the second month is marked helpful (another piece is not)."""
    first = write(
        ken,
        months_ago(cohort, 3),
        energy=2,
        ratings={"skills": 2, "network": 3},
        answers={
            "will": "Build a career that serves rural clinics",
            "try": "Walk to the station every morning.\nAsk the manager for a stretch project.",
            "keep_problem": "**Keep:** journaling. **Problem:** Late meetings drain my evenings.",
        },
        new_goals=[("Launch the clinic app", "")],
    )
    goal = db.session.scalars(select(Goal).order_by(Goal.id)).first()
    services.save_inventory(
        ken,
        first.meeting,
        services.InventoryInput(
            answers=dict(first.answers),
            energy=2,
            ratings={"skills": 2, "network": 3},
            goal_progress={goal.id: (20, "", "active")},
        ),
        first.version,
    )
    db.session.commit()
    second = write(
        ken,
        months_ago(cohort, 2),
        energy=4,
        ratings={"skills": 3, "network": 3},
        answers={
            "did": "Prototype in the hands of two nurses",
            "try": "Pair with a nurse once a week.",
            "keep_problem": "**Keep:** walk to the station every morning. "
            "**Problem:** Late meetings drain my evenings again.",
        },
        goal_progress={goal.id: (50, "", "active")},
    )
    give(second, aiko, helpful=True, situation="At the demo with the nurses")
    third = write(
        ken,
        months_ago(cohort, 1),
        energy=3,
        ratings={"skills": 4, "network": 3},
        answers={
            "did": "Pilot in one clinic",
            "keep_problem": "**Keep:** writing release notes.",
            "try": "Visit the second clinic.",
        },
        goal_progress={goal.id: (80, "", "active")},
    )
    give(third, factories.make_user(display_name="Ren"), helpful=False)
    return goal


def quarter_session(cohort):
    return factories.make_meeting(cohort, title="Quarter session")


# ---- What it tells (services) -----------------------------------------------------------------


def test_the_quarter_lays_out_goals_ratings_tries_problems_and_helpful_feedback(app, circle):
    cohort, ken, aiko = circle
    goal = ken_quarter(cohort, ken, aiko)
    meeting = quarter_session(cohort)
    review = quarter_review(ken, cohort, ken, meeting, utcnow())
    assert [m.meeting.title for m in review.months] == ["Session -3", "Session -2", "Session -1"]
    assert review.is_complete
    [goal_row] = review.goals
    assert goal_row.goal.id == goal.id and goal_row.values == [20, 50, 80]
    assert goal_row.change == 60
    energy, skills, _experience, network, *_rest = review.ratings
    assert energy.values == [2, 4, 3] and energy.change == 1
    assert skills.values == [2, 3, 4] and skills.change == 2
    assert network.change == 0
    tries = {item.text: item for item in review.tries}
    walk = tries["Walk to the station every morning."]
    assert walk.happened is True and walk.kept_in.meeting.title == "Session -2"
    assert tries["Ask the manager for a stretch project."].happened is False
    assert tries["Pair with a nurse once a week."].happened is False
    assert tries["Visit the second clinic."].happened is None  # next month will tell
    [problem] = review.problems
    assert "Late meetings" in problem.text and len(problem.months) == 2
    assert [piece.situation for piece in review.helpful] == ["At the demo with the nurses"]


def test_a_reader_sees_only_shared_months_and_the_author_also_drafts(app, circle):
    cohort, ken, aiko = circle
    ken_quarter(cohort, ken, aiko)
    draft = write(ken, months_ago(cohort, 0), share=False, energy=5, answers={"did": "Draft"})
    meeting = quarter_session(cohort)
    own = quarter_review(ken, cohort, ken, meeting, utcnow())
    theirs = quarter_review(aiko, cohort, ken, meeting, utcnow())
    assert own.months[-1].inventory.id == draft.id
    assert [m.meeting.title for m in theirs.months] == ["Session -3", "Session -2", "Session -1"]
    outsider = factories.make_user()
    assert quarter_review(outsider, cohort, ken, meeting, utcnow()).months == []


def test_the_session_s_own_month_counts_once_it_tells_more_than_the_quarter(app, circle):
    cohort, ken, aiko = circle
    ken_quarter(cohort, ken, aiko)
    meeting = quarter_session(cohort)
    services.save_quarter_answers(ken, meeting, {"quarter_plan": "Two clinics"}, 0)
    db.session.commit()
    titles = [m.meeting.title for m in quarter_review(ken, cohort, ken, meeting, utcnow()).months]
    assert titles == ["Session -3", "Session -2", "Session -1"]
    inventory = services.find_inventory(ken, meeting)
    services.save_inventory(
        ken, meeting, services.InventoryInput(answers={"did": "Both"}, energy=4), inventory.version
    )
    db.session.commit()
    titles = [m.meeting.title for m in quarter_review(ken, cohort, ken, meeting, utcnow()).months]
    assert titles == ["Session -2", "Session -1", "Quarter session"]


def test_quarter_answers_and_month_answers_live_side_by_side(app, circle):
    cohort, ken, _aiko = circle
    meeting = quarter_session(cohort)
    inventory = services.save_inventory(
        ken, meeting, services.InventoryInput(answers={"did": "Facts"}), 0
    )
    services.save_quarter_answers(
        ken, meeting, {"quarter_will": "Still true", "did": "not mine to change"}, 1
    )
    db.session.commit()
    assert inventory.kind == InventoryKind.QUARTER
    assert inventory.answers == {"did": "Facts", "quarter_will": "Still true"}
    # The monthly form keeps the quarter's answers it does not show.
    assert services.revisions(inventory) == []  # a draft: no revision yet
    services.save_inventory(ken, meeting, services.InventoryInput(answers={"did": "More"}), 2)
    db.session.commit()
    assert inventory.answers == {"did": "More", "quarter_will": "Still true"}
    assert "<p>Still true</p>" in inventory.answers_html["quarter_will"]
    # An older version is a conflict, never an overwrite; emptied, it is a month again.
    with pytest.raises(services.VersionConflict):
        services.save_quarter_answers(ken, meeting, {"quarter_will": "Changed"}, 1)
    db.session.rollback()
    services.save_quarter_answers(ken, meeting, {"quarter_will": "  "}, 3)
    db.session.commit()
    assert inventory.kind == InventoryKind.MONTH and inventory.answers == {"did": "More"}


def test_quarter_months_default_to_every_third_and_follow_the_cohort(app, circle):
    cohort, _ken, _aiko = circle
    assert quarter_months(cohort) == [3, 6, 9, 12]
    march = factories.make_meeting(cohort, month_on=date(2027, 3, 1))
    april = factories.make_meeting(cohort, month_on=date(2027, 4, 1))
    assert is_quarter_session(march) and not is_quarter_session(april)
    cohort.quarter_months = [1, 4, 7, 10]
    assert not is_quarter_session(march) and is_quarter_session(april)
    cohort.quarter_months = []
    assert not is_quarter_session(march) and not is_quarter_session(april)


# ---- Writing, sharing, reading (pages) --------------------------------------------------------


def quarter_url(cohort, meeting) -> str:
    return f"/c/{cohort.slug}/sessions/{meeting.id}/quarter"


def test_a_member_writes_and_shares_a_quarter_review_that_others_read(client, circle):
    cohort, ken, aiko = circle
    ken_quarter(cohort, ken, aiko)
    meeting = quarter_session(cohort)
    login(client, ken)
    page = client.get(quarter_url(cohort, meeting)).get_data(as_text=True)
    assert "Launch the clinic app" in page and "▲ +30%" in page  # 20 → 50 → 80, step by step
    assert "Late meetings drain my evenings again." in page  # the Problem that came back
    assert "At the demo with the nurses" in page
    response = client.post(
        quarter_url(cohort, meeting),
        data={
            "version": "0",
            "quarter_will": "Still true: rural clinics.",
            "quarter_drop": "Late meetings",
            "quarter_plan": "Second clinic by June",
            "action": "share",
        },
    )
    inventory = services.find_inventory(ken, meeting)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/inventories/{inventory.id}/quarter")
    assert inventory.status == InventoryStatus.SHARED and inventory.is_quarter
    client.post("/logout")
    login(client, aiko)
    page = client.get(f"/c/{cohort.slug}/inventories/{inventory.id}/quarter").get_data(as_text=True)
    assert "Still true: rural clinics." in page and "Second clinic by June" in page
    assert "Launch the clinic app" in page
    # The inventory page carries the answers, the feedback form and the cheers, as always.
    page = client.get(f"/c/{cohort.slug}/inventories/{inventory.id}").get_data(as_text=True)
    assert "Quarter review" in page and "Second clinic by June" in page
    assert 'id="feedback-heading"' in page and f"/inventories/{inventory.id}/cheer" in page
    # The timeline marks the quarter.
    page = client.get(f"/c/{cohort.slug}/members/{ken.id}").get_data(as_text=True)
    assert page.count("badge quarter-marker") == 1 and "The quarter side by side" in page


def test_a_draft_quarter_review_stays_the_author_s(client, circle):
    cohort, ken, aiko = circle
    meeting = quarter_session(cohort)
    services.save_quarter_answers(ken, meeting, {"quarter_plan": "Secret plan"}, 0)
    db.session.commit()
    inventory = services.find_inventory(ken, meeting)
    url = f"/c/{cohort.slug}/inventories/{inventory.id}/quarter"
    login(client, aiko)
    assert client.get(url).status_code == 404
    assert client.get(quarter_url(cohort, meeting)).status_code == 200  # her own, empty
    assert "Secret plan" not in client.get(quarter_url(cohort, meeting)).get_data(as_text=True)
    client.post("/logout")
    login(client, ken)
    assert "Secret plan" in client.get(url).get_data(as_text=True)


def test_a_month_inventory_has_no_quarter_page(client, circle):
    cohort, ken, _aiko = circle
    inventory = write(ken, months_ago(cohort, 1))
    login(client, ken)
    assert client.get(f"/c/{cohort.slug}/inventories/{inventory.id}/quarter").status_code == 404


def test_a_stale_quarter_form_is_a_conflict_that_keeps_the_text(client, circle):
    cohort, ken, _aiko = circle
    meeting = quarter_session(cohort)
    services.save_quarter_answers(ken, meeting, {"quarter_plan": "From the phone"}, 0)
    db.session.commit()
    login(client, ken)
    response = client.post(
        quarter_url(cohort, meeting), data={"version": "0", "quarter_plan": "From the laptop"}
    )
    assert response.status_code == 409
    assert "From the laptop" in response.get_data(as_text=True)
    assert services.find_inventory(ken, meeting).answers["quarter_plan"] == "From the phone"


def test_the_inventory_form_asks_for_the_quarter_in_a_quarter_month(client, circle):
    cohort, ken, _aiko = circle
    march = factories.make_meeting(cohort, month_on=date(2027, 3, 1))
    april = factories.make_meeting(cohort, month_on=date(2027, 4, 1))
    login(client, ken)
    page = client.get(f"/c/{cohort.slug}/sessions/{march.id}/inventory").get_data(as_text=True)
    assert "A quarter ends with this session" in page
    page = client.get(f"/c/{cohort.slug}/sessions/{april.id}/inventory").get_data(as_text=True)
    assert "A quarter ends with this session" not in page
    assert "Look back at the quarter now" in page


def test_the_quarter_review_speaks_japanese(client, circle):
    cohort, ken, aiko = circle
    ken_quarter(cohort, ken, aiko)
    meeting = quarter_session(cohort)
    ken.locale = "ja"
    db.session.commit()
    login(client, ken)
    page = client.get(quarter_url(cohort, meeting)).get_data(as_text=True)
    assert "四半期のふり返り" in page and "直近3か月" in page
    assert "WILLは今も本当ですか" in page


def test_the_quarter_page_runs_a_fixed_number_of_queries(client, circle, count_queries):
    cohort, ken, aiko = circle
    ken_quarter(cohort, ken, aiko)
    meeting = quarter_session(cohort)
    login(client, ken)
    client.get(quarter_url(cohort, meeting))
    with count_queries() as queries:
        assert client.get(quarter_url(cohort, meeting)).status_code == 200
    assert len(queries.statements) <= 10, queries.statements


def test_editing_a_shared_quarter_review_keeps_a_revision_readers_can_follow(client, circle):
    cohort, ken, aiko = circle
    meeting = quarter_session(cohort)
    inventory = services.save_inventory(
        ken, meeting, services.InventoryInput(answers={"did": "Facts"}), 0
    )
    services.share_inventory(ken, inventory)
    services.save_quarter_answers(ken, meeting, {"quarter_plan": "One clinic"}, 1)
    services.save_quarter_answers(ken, meeting, {"quarter_plan": "Two clinics"}, 2)
    db.session.commit()
    assert [r.answers.get("quarter_plan") for r in services.revisions(inventory)] == [
        None,
        "One clinic",
        "Two clinics",
    ]
    login(client, aiko)
    page = client.get(f"/c/{cohort.slug}/inventories/{inventory.id}").get_data(as_text=True)
    changes = page.split('id="changes-heading"')[1].split("</section>")[0]
    assert "The plan for the next quarter" in changes and "Two clinics" in changes
