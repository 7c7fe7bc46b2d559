"""The short form: the cohort's core questions, a member's choice, and nothing ever lost."""

import re

import pytest
from sqlalchemy import select

from cohort.extensions import db
from cohort.inventories import services
from cohort.inventories.models import Inventory
from cohort.writing import shortform
from cohort.writing.models import ShortFormSetting, WritingPreference

from . import factories


@pytest.fixture
def session_(app, user):
    cohort = factories.make_cohort(user)
    meeting = factories.make_meeting(cohort)
    return cohort, meeting


def write_url(cohort, meeting) -> str:
    return f"/c/{cohort.slug}/sessions/{meeting.id}/inventory"


def saved() -> Inventory:
    db.session.expire_all()
    return db.session.scalar(select(Inventory))


def answer_fields(page: str) -> set[str]:
    return set(re.findall(r'name="answer_([a-z_]+)"', page))


def test_the_full_form_is_the_default_and_offers_the_short_one(logged_in, session_):
    cohort, meeting = session_
    page = logged_in.get(write_url(cohort, meeting)).get_data(as_text=True)
    assert {"will", "did", "options", "blockers"} <= answer_fields(page)
    assert 'name="form_mode" value="short"' in page


def test_the_short_form_shows_energy_the_core_questions_and_the_ask(logged_in, user, session_):
    cohort, meeting = session_
    page = logged_in.post(write_url(cohort, meeting), data={"form_mode": "short", "version": "0"})
    assert page.status_code == 200
    fields = answer_fields(page.get_data(as_text=True))
    assert fields == {"energy", *shortform.DEFAULT_CORE, "feedback_ask"}
    assert db.session.get(WritingPreference, user.id).short_form
    assert 'name="form_mode" value="full"' in page.get_data(as_text=True)


def test_saving_the_short_form_keeps_every_answer_it_does_not_show(logged_in, user, session_):
    cohort, meeting = session_
    services.save_inventory(
        user,
        meeting,
        services.InventoryInput(
            answers={"will": "My WILL", "did": "Old", "state_money": "tight"},
            energy=2,
            ratings={"money": 2, "time": 4},
        ),
        0,
    )
    shortform.choose_form(user, True)
    db.session.commit()
    response = logged_in.post(
        write_url(cohort, meeting),
        data={"version": "1", "answer_did": "New", "energy": "4", "action": "save"},
    )
    assert response.status_code == 302
    inventory = saved()
    assert inventory.answers == {"will": "My WILL", "did": "New", "state_money": "tight"}
    assert (inventory.energy, inventory.rating_money, inventory.rating_time) == (4, 2, 4)


def test_switching_forms_keeps_what_was_typed_and_saves_nothing(logged_in, user, session_):
    cohort, meeting = session_
    services.save_inventory(
        user, meeting, services.InventoryInput(answers={"will": "Saved WILL", "did": "Saved"}), 0
    )
    shortform.choose_form(user, True)
    db.session.commit()
    response = logged_in.post(
        write_url(cohort, meeting),
        data={"version": "1", "answer_did": "Typed, not saved yet", "form_mode": "full"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Typed, not saved yet" in page  # what the short form held
    assert "Saved WILL" in page  # what only the full form shows
    assert 'name="version" type="hidden" value="1"' in page
    assert "Everything you typed is still here" in page
    assert saved().answers["did"] == "Saved"
    assert not db.session.get(WritingPreference, user.id).short_form


def test_a_cohort_default_holds_until_the_member_chooses(app, user, session_):
    cohort, _ = session_
    member = factories.make_user(email="bo@example.org")
    factories.add_member(cohort, member)
    shortform.save_setting(user, cohort, ["did", "try"], default_short=True)
    db.session.commit()
    assert shortform.uses_short_form(member, cohort)
    shortform.choose_form(member, False)
    assert not shortform.uses_short_form(member, cohort)


def test_the_organizer_chooses_the_core_questions(app, client, auth, user, session_):
    cohort, meeting = session_
    auth.login(user.email)
    url = f"/c/{cohort.slug}/organize/short-form"
    page = client.get(url).get_data(as_text=True)
    checked = set(
        re.findall(r'<input checked id="core-\d+" name="core" type="checkbox" value="(\w+)"', page)
    )
    assert checked == set(shortform.DEFAULT_CORE)
    response = client.post(url, data={"core": ["will", "tactics"], "default_short": "y"})
    assert response.status_code == 302
    setting = db.session.get(ShortFormSetting, cohort.id)
    assert setting.core_sections == ["will", "tactics"]
    assert setting.default_short
    page = client.get(f"/c/{cohort.slug}/sessions/{meeting.id}/inventory").get_data(as_text=True)
    assert answer_fields(page) == {"energy", "will", "tactics", "feedback_ask"}


@pytest.mark.parametrize(
    "core",
    [[], ["did", "will", "tactics", "learned", "try", "options"], ["energy"], ["no_such"]],
)
def test_a_core_choice_outside_the_rules_is_refused(app, client, auth, user, session_, core):
    cohort, _ = session_
    auth.login(user.email)
    response = client.post(f"/c/{cohort.slug}/organize/short-form", data={"core": core})
    assert response.status_code == 200
    assert db.session.get(ShortFormSetting, cohort.id) is None
