"""The session page asks once per session what each of its cards would ask on its own."""

from flask_babel import force_locale

from cohort.extensions import db
from cohort.inventories.cards import section_titles
from cohort.inventories.models import InventoryStatus
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
