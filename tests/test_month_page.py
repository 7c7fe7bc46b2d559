"""The session page asks once per session what each of its cards would ask on its own."""

from cohort.extensions import db
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
