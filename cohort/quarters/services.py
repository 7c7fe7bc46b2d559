"""The organizer's choices for a cohort's practice: its parts of life and its quarter months.

Checks permissions, flushes, and leaves the commit to the caller.
"""

from ..auth.models import User
from ..cohorts.models import Cohort
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..inventories.areas import (
    LABEL_LENGTH,
    MAX_AREAS,
    key_from_label,
    stored_builtin_areas,
)
from ..permissions import Action, require


def stored_areas(cohort: Cohort) -> list[dict]:
    """The list as the organizer edits it: each key with its English and Japanese labels."""
    return (
        [dict(item) for item in cohort.life_areas] if cohort.life_areas else stored_builtin_areas()
    )


def save_practice(
    user: User, cohort: Cohort, rows: list[tuple[str, str, str]], months: list[int]
) -> None:
    """Keep the rows with a label, in order: a row keeps its key (so goals tagged with it keep
    their part of life), a new row gets one from its English label. A label missing in one
    language falls back to the other."""
    require(user, Action.MANAGE, cohort)
    known = {item["key"] for item in stored_areas(cohort)}
    filled = [(key, en[:LABEL_LENGTH], ja[:LABEL_LENGTH]) for key, en, ja in rows if en or ja]
    if not filled:
        raise DomainError(_l("Keep at least one part of life."))
    if len(filled) > MAX_AREAS:
        raise DomainError(_l("At most %(n)d parts of life.", n=MAX_AREAS))
    kept: set[str] = set()
    for key, _en, _ja in filled:
        if key in known:
            kept.add(key)
    taken, areas = set(kept), []
    seen: set[str] = set()
    for key, en, ja in filled:
        if key not in known or key in seen:
            key = key_from_label(en or ja, taken)
            taken.add(key)
        seen.add(key)
        areas.append({"key": key, "en": en or ja, "ja": ja or en})
    cohort.life_areas = areas
    cohort.quarter_months = sorted({m for m in months if isinstance(m, int) and 1 <= m <= 12})
    db.session.flush()
