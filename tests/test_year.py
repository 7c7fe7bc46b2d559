"""The year in review: what it tells, who sees it (only the member, until they share it), the
months it covers (last twelve, any twelve, a season), its Markdown download, and a fixed
number of queries for 3 months or 12. Seasons: test_seasons.py."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cohort.database import utcnow
from cohort.extensions import db
from cohort.feedback.models import Feedback
from cohort.inventories.models import Goal
from cohort.year import threads
from cohort.year.models import YearShare
from cohort.year.review import add_months, last_twelve_months, parse_range

from . import factories
from .test_timeline import login, make_circle, months_ago, write


@pytest.fixture
def circle(app, user):
    return make_circle(user)


def give(inventory, giver, helpful=False, traits=("calm_under_pressure",), **parts):
    """Feedback as a row: the sessions of a story are past their feedback window."""
    values = {**factories.FEEDBACK_PARTS, **parts}
    piece = Feedback(
        cohort_id=inventory.cohort_id,
        meeting_id=inventory.meeting_id,
        inventory_id=inventory.id,
        giver_id=giver.id,
        recipient_id=inventory.user_id,
        traits=list(traits),
        is_helpful=helpful,
        **values,
        **{f"{key}_html": f"<p>{value}</p>" for key, value in values.items()},
    )
    db.session.add(piece)
    db.session.commit()
    return piece


def ken_year(cohort, ken, aiko):
    """Four months of Ken's: his WILL moves, a goal is reached and one dropped, energy goes
    from 2 to 5, a Try becomes a Keep, a Problem comes back, Aiko's feedback helps."""
    write(
        ken,
        months_ago(cohort, 4),
        energy=2,
        ratings={"skills": 2, "network": 3},
        self_traits=["plans_ahead"],
        answers={
            "will": "Lead a small team well",
            "did": "Took over the billing squad",
            "try": "Hold weekly one-on-ones with each report.",
            "keep_problem": "**Keep:** early mornings. **Problem:** Meetings eat my mornings.",
        },
        new_goals=[("Become team lead", ""), ("Learn Rust", "")],
    )
    lead, rust = db.session.scalars(select(Goal).order_by(Goal.id)).all()
    second = write(
        ken,
        months_ago(cohort, 3),
        energy=3,
        ratings={"skills": 3},
        self_traits=["plans_ahead"],
        answers={"did": "Ran the first retro", "try": "Write the team charter."},
        goal_progress={lead.id: (40, "", "active"), rust.id: (10, "", "active")},
    )
    give(second, aiko, helpful=True, traits=["listens_closely"], situation="At the retro")
    write(
        ken,
        months_ago(cohort, 2),
        energy=4,
        ratings={"skills": 4},
        self_traits=["listens_closely"],
        answers={
            "did": "Hired two people",
            "keep_problem": "**Keep:** weekly one-on-ones with each report. **Problem:** none",
        },
        goal_progress={lead.id: (80, "", "active"), rust.id: (10, "", "dropped")},
    )
    write(
        ken,
        months_ago(cohort, 1),
        energy=5,
        ratings={"skills": 5},
        answers={
            "will": "Build a product organisation people want to join",
            "did": "Promoted to team lead",
            "keep_problem": "**Problem:** Meetings eat all my mornings again.",
        },
        goal_progress={lead.id: (100, "Promoted", "achieved")},
    )


def year_url(cohort, member, **query) -> str:
    url = f"/c/{cohort.slug}/members/{member.id}/year"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


# ---- What it tells ----------------------------------------------------------------------------


def test_the_year_tells_will_goals_changes_habits_problems_feedback_and_traits(client, circle):
    cohort, ken, aiko = circle
    ken_year(cohort, ken, aiko)
    login(client, ken)
    response = client.get(year_url(cohort, ken))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "My year in Career Circle" in page and "4 months written" in page
    assert "Lead a small team well" in page  # WILL at the start
    assert "Build a product organisation people want to join" in page  # … and at the end
    reached = page.split('id="goals-heading"')[1].split("</section>")[0]
    assert "Become team lead" in reached.split("Dropped")[0]
    assert "Learn Rust" in reached.split("Dropped")[1]
    changes = page.split('id="changes-heading"')[1].split("</section>")[0]
    assert "Energy" in changes and "+3" in changes and "+100%" in changes  # 2→5, 0%→100%
    habits = page.split('id="habits-heading"')[1].split("</section>")[0]
    assert "Hold weekly one-on-ones with each report." in habits
    problems = page.split('id="problems-heading"')[1].split("</section>")[0]
    assert "Meetings eat all my mornings again." in problems
    helpful = page.split('id="helpful-heading"')[1].split("</section>")[0]
    assert "From Aiko" in helpful and "At the retro" in helpful
    blind = page.split('id="blind-heading"')[1].split("</section>")[0]
    assert "Listens closely" in blind  # only peers at first, Ken too by the end
    assert page.count('<svg class="chart"') == 8  # energy, five ratings, two goals
    inventory_links = page.split('id="months-heading"')[1].count(f"/c/{cohort.slug}/inventories/")
    assert inventory_links == 4  # each month links to its inventory
    assert "style=" not in page


def test_months_without_an_inventory_are_gaps_and_drafts_stay_the_owners(client, circle):
    cohort, ken, aiko = circle
    write(ken, months_ago(cohort, 3), energy=3, answers={"did": "Shared month"})
    months_ago(cohort, 2)  # skipped
    write(ken, months_ago(cohort, 1), share=False, answers={"did": "Secret draft"})
    login(client, ken)
    own = client.get(year_url(cohort, ken)).get_data(as_text=True)
    assert "No inventory this month." in own and "Secret draft" in own
    db.session.add(YearShare(cohort_id=cohort.id, user_id=ken.id))
    db.session.commit()
    login(client, aiko)
    shared = client.get(year_url(cohort, ken)).get_data(as_text=True)
    assert "Shared month" in shared and "Secret draft" not in shared
    assert "Ken's year in Career Circle" in shared


def test_an_empty_year_says_so(client, circle):
    cohort, ken, _aiko = circle
    login(client, ken)
    page = client.get(year_url(cohort, ken)).get_data(as_text=True)
    assert "Nothing written in these months" in page


# ---- Which months ---------------------------------------------------------------------------


def test_last_twelve_months_end_with_this_month():
    chosen = last_twelve_months(date(2026, 11, 30))
    assert (chosen.start, chosen.end) == (date(2025, 12, 1), date(2026, 12, 1))
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("last spring", "for example 2026-01"),
        ("2026-13", "for example 2026-01"),
        ("1999-01", "between 2000 and this month"),
        ("2999-01", "between 2000 and this month"),
    ],
)
def test_a_bad_first_month_is_refused_with_a_message(app, start, message):
    from cohort.errors import DomainError

    with pytest.raises(DomainError) as refused:
        parse_range(start, None, date(2026, 11, 30), [])
    assert message in str(refused.value.message)
    with pytest.raises(DomainError):
        parse_range(None, "42", date(2026, 11, 30), [])


def test_a_chosen_range_shows_only_its_months_and_bad_input_says_why(client, circle):
    cohort, ken, _aiko = circle
    old = write(ken, months_ago(cohort, 14), answers={"did": "Fourteen months ago"})
    write(ken, months_ago(cohort, 1), answers={"did": "Last month"})
    login(client, ken)
    page = client.get(year_url(cohort, ken)).get_data(as_text=True)
    assert "Last month" in page and "Fourteen months ago" not in page
    start = old.meeting.starts_at.astimezone(cohort_zone(cohort))
    picked = client.get(year_url(cohort, ken, start=f"{start:%Y-%m}")).get_data(as_text=True)
    assert "Fourteen months ago" in picked and "Last month" not in picked
    bad = client.get(year_url(cohort, ken, start="someday"))
    assert bad.status_code == 400
    assert "Choose the first month as year and month, for example 2026-01." in bad.get_data(
        as_text=True
    )


def cohort_zone(cohort):
    from zoneinfo import ZoneInfo

    return ZoneInfo(cohort.timezone)


# ---- Who sees it ------------------------------------------------------------------------------


def test_only_the_member_sees_their_year_until_they_share_it_and_can_take_it_back(client, circle):
    cohort, ken, aiko = circle
    write(ken, months_ago(cohort, 1), answers={"did": "Shipped"})
    login(client, aiko)
    assert client.get(year_url(cohort, ken)).status_code == 404
    assert client.get(year_url(cohort, ken).replace("/year", "/year.md")).status_code == 404
    login(client, ken)
    assert "Only you see this page." in client.get(year_url(cohort, ken)).get_data(as_text=True)
    assert client.post(f"/c/{cohort.slug}/year/share", data={"action": "share"}).status_code == 302
    login(client, aiko)
    assert client.get(year_url(cohort, ken)).status_code == 200
    member_page = client.get(f"/c/{cohort.slug}/members/{ken.id}").get_data(as_text=True)
    assert "Ken's year in review" in member_page
    login(client, ken)
    client.post(f"/c/{cohort.slug}/year/share", data={"action": "stop"})
    assert db.session.scalar(select(YearShare)) is None
    login(client, aiko)
    assert client.get(year_url(cohort, ken)).status_code == 404


def test_a_shared_year_stays_inside_the_cohort(client, circle):
    cohort, ken, _aiko = circle
    write(ken, months_ago(cohort, 1), answers={"did": "Shipped"})
    db.session.add(YearShare(cohort_id=cohort.id, user_id=ken.id))
    db.session.commit()
    outsider = factories.make_user(display_name="Outsider")
    factories.make_cohort(outsider, name="Elsewhere")
    login(client, outsider)
    assert client.get(year_url(cohort, ken)).status_code == 404


def test_sharing_needs_a_choice(client, circle):
    cohort, ken, _aiko = circle
    login(client, ken)
    response = client.post(f"/c/{cohort.slug}/year/share", data={}, follow_redirects=True)
    assert "Choose whether to share your year or to take it back." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(YearShare)) is None


# ---- Markdown -------------------------------------------------------------------------------


def test_the_markdown_download_tells_the_same_year(client, circle):
    cohort, ken, aiko = circle
    ken_year(cohort, ken, aiko)
    login(client, ken)
    response = client.get(f"/c/{cohort.slug}/members/{ken.id}/year.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("# Ken's year in Career Circle")
    assert "Lead a small team well" in text and "Build a product organisation" in text
    assert "- Reached: Become team lead" in text and "- Dropped: Learn Rust" in text
    assert "- Energy: 2 → 5 (+3)" in text
    assert "Hold weekly one-on-ones with each report." in text
    assert "At the retro" in text  # the helpful feedback, as the giver wrote it
    assert "| Listens closely |" in text  # the blind-spot map, month by month
    assert "**Keep:**" not in text.split("## Month by month")[0]
    assert "<p>" not in text  # the member's Markdown, not HTML
    bad = client.get(f"/c/{cohort.slug}/members/{ken.id}/year.md?start=soon")
    assert bad.status_code == 400 and "for example 2026-01" in bad.get_data(as_text=True)


def test_the_year_speaks_japanese(client, circle):
    cohort, ken, aiko = circle
    ken_year(cohort, ken, aiko)
    login(client, ken)
    client.post("/language", data={"locale": "ja"})
    page = client.get(year_url(cohort, ken)).get_data(as_text=True)
    assert "Career Circleでの私の1年" in page and "習慣になったTry" in page
    lead = page.split('class="lead"')[1].split("</p>")[0]
    assert "月 – " in lead and "4か月分の記入" in lead  # "2026年8月 – 2027年7月"
    text = client.get(f"/c/{cohort.slug}/members/{ken.id}/year.md").get_data(as_text=True)
    assert text.startswith("# Career CircleでのKenさんの1年") and "## 始めと終わりのWILL" in text


# ---- Bounded queries --------------------------------------------------------------------------


def test_the_year_page_runs_as_many_queries_for_3_months_as_for_12(client, circle, count_queries):
    cohort, ken, aiko = circle
    login(client, ken)

    def months(numbers):
        for n in numbers:
            inventory = write(
                ken,
                months_ago(cohort, n),
                energy=3,
                self_traits=["plans_ahead"],
                answers={"did": f"Month {n}", "try": f"Try {n}", "keep_problem": "**Problem:** x"},
                new_goals=[(f"Goal {n}", "")],
            )
            give(inventory, aiko, helpful=True)

    months([3, 2, 1])
    url = year_url(cohort, ken)
    assert client.get(url).status_code == 200  # the template's titles are read once
    with count_queries() as small:
        assert client.get(url).status_code == 200
    months(range(11, 3, -1))
    with count_queries() as large:
        page = client.get(url).get_data(as_text=True)
    assert "11 months written" in page
    assert large.count == small.count


# ---- Threads through the text -------------------------------------------------------------


def test_keep_and_problem_are_told_apart_in_both_languages():
    assert threads.split_keep_problem("**Keep:** A. **Problem:** B.") == ("A.", "B.")
    assert threads.split_keep_problem("Keep: 朝会は15分。Problem: 話しすぎる。") == (
        "朝会は15分。",
        "話しすぎる。",
    )
    assert threads.split_keep_problem("Just a note") == ("Just a note", "")


def test_a_try_becomes_a_habit_when_a_later_keep_says_the_same_in_japanese_too():
    months = ["m1", "m2", "m3"]
    tries = {0: "1on1の最初の5分は仕事以外の話をする。", 1: "資料を先に送る。"}
    keeps = {1: "1on1の最初の5分は雑談。", 2: "朝は静かに過ごす。"}
    found = threads.habits(months, tries, keeps)
    assert [(h.tried_in, h.kept_in) for h in found] == [("m1", "m2")]
    assert threads.recurring(months, {0: "Too many meetings.", 2: "Far too many meetings."})
    assert not threads.recurring(months, {0: "Too many meetings.", 2: "No budget for travel."})


def test_a_closed_goal_outside_the_range_is_not_counted(client, circle):
    cohort, ken, _aiko = circle
    write(ken, months_ago(cohort, 2), answers={"did": "x"}, new_goals=[("Later goal", "")])
    goal = db.session.scalar(select(Goal))
    goal.status = "achieved"
    goal.closed_at = utcnow() + timedelta(days=400)
    db.session.commit()
    login(client, ken)
    page = client.get(year_url(cohort, ken)).get_data(as_text=True)
    reached = page.split('id="goals-heading"')[1].split("</section>")[0]
    assert "Later goal" not in reached
