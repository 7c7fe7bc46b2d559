"""The session page reads its month in one statement, as rows, and asks once per session
what each of its cards would ask on its own."""

from flask_babel import force_locale

from cohort.cohorts.models import Role
from cohort.database import utcnow
from cohort.extensions import db
from cohort.inventories.cards import section_titles
from cohort.inventories.models import Inventory, InventoryStatus
from cohort.inventories.month import MonthInventory, read_next_month, read_session_month
from cohort.meetings.models import Rsvp
from cohort.permissions import Action, can, feedback_targets

from . import factories
from .test_inventories import session_for
from .test_timeline import write


def test_feedback_targets_agree_with_can_for_every_card(app, user):
    cohort = factories.make_cohort(user)
    ken, aiko, mentor = (factories.make_user(display_name=n) for n in ("Ken", "Aiko", "Mo"))
    factories.add_member(cohort, ken)
    factories.add_member(cohort, aiko)
    factories.add_member(cohort, mentor, role="mentor")
    outsider = factories.make_user(display_name="Olga")
    meeting = session_for(cohort, days_ahead=3)
    shared = [write(ken, meeting), write(aiko, meeting)]
    draft = write(factories.add_member(cohort, factories.make_user()).user, meeting)
    draft.status = InventoryStatus.DRAFT  # never a target, even when handed in
    shared.append(draft)
    for archived in (False, True):
        cohort.is_archived = archived
        db.session.commit()
        for viewer in (user, ken, aiko, mentor, outsider):
            expected = {i.id for i in shared if can(viewer, Action.GIVE_FEEDBACK, i)}
            assert feedback_targets(viewer, meeting, shared) == expected, (archived, viewer)
            assert expected or archived or viewer is outsider  # the cases are not all empty


def test_section_titles_are_worked_out_once_per_template_and_language(app, user):
    """``cards.section_titles`` keeps each template's titles per language: the same titles
    again on the next view, the reader's own language for another reader."""
    cohort = factories.make_cohort(user)
    inventory = write(user, session_for(cohort, days_ahead=-3))
    template_id = inventory.template_id
    with app.test_request_context(), force_locale("en"):
        english = section_titles({template_id})[template_id]
        assert section_titles({template_id})[template_id] is english
    with app.test_request_context(), force_locale("ja"):
        japanese = section_titles({template_id})[template_id]
    assert english.keys() == japanese.keys()
    assert english["did"] != japanese["did"] and english["did"].isascii()


def test_the_month_is_read_as_rows_that_say_what_its_entities_say(app, user):
    """``read_session_month`` and ``read_next_month`` read plain columns, not entities: every
    field of their rows agrees with the entity it stands for, members come in the order they
    joined (mentors and organizers too, people who left not at all), answers oldest first."""
    cohort = factories.make_cohort(user)
    ken, aiko, mo, nao, rin = (
        factories.make_user(display_name=name) for name in ("Ken <k>", "愛子", "Mo", "Nao", "Rin")
    )
    factories.add_member(cohort, ken)
    factories.add_member(cohort, aiko)
    factories.add_member(cohort, mo, role="mentor")
    factories.add_member(cohort, nao)
    factories.add_member(cohort, rin, status="left")
    meeting = session_for(cohort, days_ahead=3)
    written = [write(ken, meeting), write(aiko, meeting, share=False), write(user, meeting)]
    written[0].answers = {"did": "shipped", "try": "ask early"}
    factories.make_attendance(meeting, aiko, rsvp="maybe")
    factories.make_attendance(meeting, ken, rsvp="going", attended=True)
    db.session.commit()
    db.session.expire_all()

    for cards in (True, False):
        rows = (
            read_session_month(cohort, meeting.id) if cards else read_next_month(cohort, utcnow())
        )
        assert rows.meeting.id == meeting.id and rows.cards is cards
        assert [(m.user_id, m.role, m.user.display_name) for m in rows.members] == [
            (user.id, Role.ORGANIZER, user.display_name),
            (ken.id, Role.MEMBER, "Ken <k>"),
            (aiko.id, Role.MEMBER, "愛子"),
            (mo.id, Role.MENTOR, "Mo"),
            (nao.id, Role.MEMBER, "Nao"),
        ]
        assert set(rows.inventories) == {ken.id, aiko.id, user.id}
        for inventory in written:
            row = db.session.get(Inventory, inventory.id)
            got = rows.inventories[row.user_id]
            for name in MonthInventory.__slots__:
                if name in ("user", "answers"):
                    continue
                assert getattr(got, name) == getattr(row, name), (name, cards)
            assert (got.is_shared, got.is_quarter) == (row.is_shared, row.is_quarter)
            assert got.user.display_name == row.user.display_name
            assert got.answers == ({} if cards else row.answers)
        assert [(a.user_id, a.rsvp, a.attended, a.user.display_name) for a in rows.attendances] == [
            (aiko.id, Rsvp.MAYBE, None, "愛子"),
            (ken.id, Rsvp.GOING, True, "Ken <k>"),
        ]
