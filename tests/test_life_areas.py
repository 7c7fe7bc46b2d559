"""Parts of life: tagging goals and tasks on the inventory form, the month's split of time and
energy, filtering the timeline and the year by a part, and the organizer's list in both
languages (keys stay when labels change)."""

import pytest
from sqlalchemy import select

from cohort.database import utcnow
from cohort.extensions import db
from cohort.inventories import services
from cohort.inventories.areas import life_areas, split_parts
from cohort.inventories.models import Goal, Task, TaskOutcome
from cohort.permissions import NotAllowed
from cohort.quarters.services import save_practice
from cohort.timeline.timeline import member_timeline

from .test_timeline import login, make_circle, months_ago, write


@pytest.fixture
def circle(app, user):
    return make_circle(user)


def form_url(cohort, meeting) -> str:
    return f"/c/{cohort.slug}/sessions/{meeting.id}/inventory"


def test_the_form_tags_goals_and_tasks_and_rates_the_split(client, circle):
    cohort, ken, _aiko = circle
    meeting = months_ago(cohort, 1)
    login(client, ken)
    page = client.get(form_url(cohort, meeting)).get_data(as_text=True)
    assert 'name="new_goal_area"' in page and 'name="split_parallel"' in page
    response = client.post(
        form_url(cohort, meeting),
        data={
            "version": "0",
            "answer_energy": "Busy",
            "new_goal_title": "Open a bakery stall",
            "new_goal_area": "side_income",
            "new_tasks": "Rent a stall\nBake samples",
            "new_tasks_area": "side_income",
            "split_main_job": "4",
            "split_side_income": "2",
            "split_life": "",
            "action": "share",
        },
    )
    assert response.status_code == 302
    goal = db.session.scalars(select(Goal).where(Goal.user_id == ken.id)).one()
    assert goal.area == "side_income"
    tasks = db.session.scalars(select(Task).where(Task.user_id == ken.id)).all()
    assert {task.area for task in tasks} == {"side_income"} and len(tasks) == 2
    inventory = services.find_inventory(ken, meeting)
    assert inventory.life_split == {"main_job": 4, "side_income": 2}
    page = client.get(f"/c/{cohort.slug}/inventories/{inventory.id}").get_data(as_text=True)
    assert "Main job: 4 of 5 (67%)" in page and "Side income: 2 of 5 (33%)" in page
    assert "split-w65" in page  # the bar's width, in steps of 5
    assert 'Open a bakery stall</strong> <span class="badge">Side income</span>' in page
    # Retagging an existing goal; out-of-range ratings and unknown parts are form errors.
    data = {"version": str(inventory.version), f"goal_{goal.id}_percent": "10"}
    data |= {f"goal_{goal.id}_status": "active", f"goal_{goal.id}_area": "learning"}
    for bad in ({"split_main_job": "9"}, {f"goal_{goal.id}_area": "<script>"}):
        response = client.post(form_url(cohort, meeting), data={**data, **bad})
        assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)
    db.session.refresh(goal)
    assert goal.area == "side_income"
    data |= {"split_main_job": "", "split_parallel": "3", "action": "save"}
    assert client.post(form_url(cohort, meeting), data=data).status_code == 302
    db.session.refresh(goal)
    db.session.refresh(inventory)
    assert goal.area == "learning"
    assert inventory.life_split == {"parallel": 3}


def test_hostile_split_values_are_refused_by_the_service(app, circle):
    cohort, ken, _aiko = circle
    meeting = months_ago(cohort, 1)
    data = services.InventoryInput(
        answers={"did": "x"}, life_split={"main_job": 7, "nope": 2, "life": -1, "learning": 1}
    )
    inventory = services.save_inventory(ken, meeting, data, 0)
    assert inventory.life_split == {"learning": 1}
    assert [part.percent for part in split_parts(cohort, inventory.life_split)] == [100]


def tagged_history(cohort, ken):
    write(ken, months_ago(cohort, 2), new_goals=[("Ship the API", ""), ("Write a zine", "")])
    api, zine = db.session.scalars(select(Goal).order_by(Goal.id)).all()
    api.area, zine.area = "main_job", "parallel"
    db.session.commit()
    write(
        ken,
        months_ago(cohort, 1),
        goal_progress={api.id: (60, "", "active"), zine.id: (30, "", "active")},
    )
    return api, zine


def test_the_timeline_and_the_year_show_one_part_of_life(client, circle):
    cohort, ken, aiko = circle
    tagged_history(cohort, ken)
    login(client, aiko)
    page = client.get(f"/c/{cohort.slug}/members/{ken.id}").get_data(as_text=True)
    assert "Ship the API" in page and "Write a zine" in page
    assert f"/c/{cohort.slug}/members/{ken.id}?area=parallel" in page
    page = client.get(f"/c/{cohort.slug}/members/{ken.id}?area=parallel").get_data(as_text=True)
    assert "Write a zine" in page and "Ship the API" not in page
    assert 'aria-current="true">Parallel career' in page
    # Every link keeps the page's other choices and changes the part alone.
    base = f"/c/{cohort.slug}/members/{ken.id}"
    page = client.get(f"{base}?months=all&area=parallel").get_data(as_text=True)
    assert f'href="{base}?months=all" class="chip"' in page
    assert f'href="{base}?months=all&amp;area=main_job" class="chip"' in page
    # An unknown part shows everything, as no choice does.
    page = client.get(f"/c/{cohort.slug}/members/{ken.id}?area=%00x").get_data(as_text=True)
    assert "Ship the API" in page and "Write a zine" in page
    client.post("/logout")
    login(client, ken)
    page = client.get(f"/c/{cohort.slug}/members/{ken.id}/year?area=main_job").get_data(
        as_text=True
    )
    assert "Ship the API" in page and "Write a zine" not in page


def test_the_filtered_timeline_counts_only_that_part_s_tasks(app, circle):
    cohort, ken, _aiko = circle
    write(ken, months_ago(cohort, 2), new_tasks=["Call the printer", "File the taxes"])
    printer, taxes = db.session.scalars(select(Task).order_by(Task.id)).all()
    printer.area = "parallel"
    db.session.commit()
    outcomes = {printer.id: TaskOutcome.DONE, taxes.id: TaskOutcome.DROPPED}
    write(ken, months_ago(cohort, 1), task_outcomes=outcomes)
    timeline = member_timeline(ken, cohort, ken.id, utcnow())
    assert timeline.months[-1].tasks == {"done": 1, "dropped": 1}
    timeline = member_timeline(ken, cohort, ken.id, utcnow(), area="parallel")
    assert timeline.months[-1].tasks == {"done": 1}
    timeline = member_timeline(ken, cohort, ken.id, utcnow(), area="main_job")
    assert timeline.months[-1].tasks == {}


def test_organizers_edit_the_list_in_both_languages_and_keys_stay(client, circle, user):
    cohort, ken, _aiko = circle
    login(client, user)
    url = f"/c/{cohort.slug}/organize/practice"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Parallel career"' in page and 'value="複業"' in page
    data = {"quarter_months": ["1", "4", "7", "10"]}
    rows = [("main_job", "Day job", "本業"), ("parallel", "Side project", ""), ("", "", "")]
    rows += [("", "Caregiving", "介護")]
    for n, (key, en, ja) in enumerate(rows):
        data |= {f"area_{n}_key": key, f"area_{n}_en": en, f"area_{n}_ja": ja}
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(cohort)
    assert cohort.life_areas == [
        {"key": "main_job", "en": "Day job", "ja": "本業"},
        {"key": "parallel", "en": "Side project", "ja": "Side project"},
        {"key": "caregiving", "en": "Caregiving", "ja": "介護"},
    ]
    assert cohort.quarter_months == [1, 4, 7, 10]
    ken.locale = "ja"
    db.session.commit()
    client.post("/logout")
    login(client, ken)
    page = client.get(form_url(cohort, months_ago(cohort, 1))).get_data(as_text=True)
    assert ">介護</option>" in page and "副収入" not in page


def test_the_list_keeps_at_least_one_part_and_refuses_hostile_rows(client, circle, user):
    cohort, ken, _aiko = circle
    login(client, user)
    url = f"/c/{cohort.slug}/organize/practice"
    response = client.post(url, data={f"area_{n}_en": "" for n in range(8)})
    assert response.status_code == 200 and "Keep at least one part of life." in response.get_data(
        as_text=True
    )
    response = client.post(
        url, data={"area_0_key": "../etc", "area_0_en": "x" * 41, "quarter_months": ["13"]}
    )
    assert response.status_code == 200
    db.session.refresh(cohort)
    assert cohort.life_areas is None
    with pytest.raises(NotAllowed):
        save_practice(ken, cohort, [("", "Mine", "")], [])
    db.session.rollback()
    # A key given to a new row is made from its label, whatever the row claimed.
    save_practice(factories_organizer(cohort), cohort, [("made_up", "Health & Care", "")], [3])
    assert [area.key for area in life_areas(cohort)] == ["health_care"]


def factories_organizer(cohort):
    from cohort.cohorts.models import Membership, Role

    membership = db.session.scalars(
        select(Membership).where(
            Membership.cohort_id == cohort.id, Membership.role == Role.ORGANIZER
        )
    ).first()
    return membership.user


def test_members_cannot_open_the_organizer_page(client, circle):
    cohort, ken, _aiko = circle
    login(client, ken)
    assert client.get(f"/c/{cohort.slug}/organize/practice").status_code == 403
    assert client.post(f"/c/{cohort.slug}/organize/practice", data={}).status_code == 403
    db.session.refresh(cohort)
    assert cohort.life_areas is None


def test_the_member_s_export_holds_their_tags_split_and_quarter_answers(app, circle):
    from cohort.account.archive import inventory_markdown
    from cohort.account.export import goals, inventory_record, tasks

    cohort, ken, _aiko = circle
    api, _zine = tagged_history(cohort, ken)
    meeting = months_ago(cohort, 0)
    data = services.InventoryInput(
        answers={"did": "x"}, life_split={"main_job": 3}, new_tasks=["Deploy"]
    )
    data.new_tasks_goal_id = api.id
    inventory = services.save_inventory(ken, meeting, data, 0)
    services.save_quarter_answers(ken, meeting, {"quarter_plan": "Two clinics"}, 1)
    db.session.commit()
    assert {g["title"]: g["part_of_life"] for g in goals(ken)}["Ship the API"] == "main_job"
    assert [t["part_of_life"] for t in tasks(ken)] == ["main_job"]  # from its goal
    record = inventory_record(inventory, [])
    assert record["kind"] == "quarter" and record["life_split"] == {"main_job": 3}
    with app.test_request_context():
        assert "## The plan for the next quarter\n\nTwo clinics" in inventory_markdown(inventory)
