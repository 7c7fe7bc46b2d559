"""Two saves of one inventory at the same moment: one wins, the other is told, none is lost."""

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from cohort.database import database_busy
from cohort.extensions import db
from cohort.inventories import services
from cohort.inventories.models import Inventory

from . import factories


@pytest.fixture
def draft(app, user):
    cohort = factories.make_cohort(user)
    meeting = factories.make_meeting(cohort)
    services.save_inventory(user, meeting, services.InventoryInput(answers={"did": "start"}), 0)
    db.session.commit()
    return cohort, meeting


def test_two_saves_from_the_same_version_never_both_win(app, user, draft):
    _, meeting = draft
    user_id, meeting_id = user.id, meeting.id
    db.session.remove()
    ready = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(text: str) -> None:
        with app.app_context():
            try:
                person = db.session.get(type(user), user_id)
                session_ = db.session.get(type(meeting), meeting_id)
                services.find_inventory(person, session_)  # both read version 1 first
                ready.wait()
                services.save_inventory(
                    person, session_, services.InventoryInput(answers={"did": text}), 1
                )
                db.session.commit()
                outcomes[text] = "saved"
            except services.VersionConflict:
                outcomes[text] = "conflict"
            except OperationalError as error:  # SQLite: the later writer finds the file busy
                assert database_busy(error), error
                outcomes[text] = "busy"
            finally:
                db.session.rollback()
                db.session.remove()

    threads = [threading.Thread(target=save, args=(text,)) for text in ("tab A", "tab B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values())[-1] == "saved"
    winners = [text for text, outcome in outcomes.items() if outcome == "saved"]
    assert len(winners) == 1, outcomes
    inventory = db.session.scalar(select(Inventory))
    assert inventory.answers["did"] == winners[0]
    assert inventory.version == 2


def test_a_busy_database_keeps_the_text_and_asks_to_try_again(logged_in, draft, monkeypatch):
    cohort, meeting = draft

    def busy(*args, **kwargs):
        raise OperationalError("UPDATE inventories", {}, Exception("database is locked"))

    monkeypatch.setattr(services, "save_inventory", busy)
    url = f"/c/{cohort.slug}/sessions/{meeting.id}/inventory"
    response = logged_in.post(
        url, data={"version": "1", "answer_did": "my long evening of writing", "action": "save"}
    )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Nothing is lost: your text is still here" in page
    assert "my long evening of writing" in page
