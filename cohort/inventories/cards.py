"""What an inventory's card shows beyond its columns, read only when a page needs it.

A card's rendering is kept (cohort/fragments.py), so a page that finds every card kept reads
neither the cards' answers nor their section titles. When one is missing, the page reads the
rendered answers of all its cards in one statement (``card_answers``), and the titles come
from templates read once per process (``section_titles``): a template never changes once
written (editing one adds a new one).
"""

from functools import cache

from sqlalchemy import Select, select

from ..extensions import db
from ..statements import ReadWhenAsked, any_of
from .models import Inventory, InventoryTemplate
from .sections import resolve_sections

# Template id → its stored sections; tests clear this as their ids start again.
_TEMPLATE_SECTIONS: dict[int, list] = {}


def section_titles(template_ids: set[int]) -> dict[int, dict[str, str]]:
    """Template id → section key → title in the reader's language (a statement only for
    templates this process has not read yet)."""
    missing = [i for i in template_ids if i not in _TEMPLATE_SECTIONS]
    if missing:
        rows = db.session.execute(
            select(InventoryTemplate.id, InventoryTemplate.sections).where(
                InventoryTemplate.id.in_(missing)
            )
        )
        _TEMPLATE_SECTIONS.update(rows.all())
    return {
        i: {s.key: s.title for s in resolve_sections(_TEMPLATE_SECTIONS[i])} for i in template_ids
    }


def forget_templates() -> None:
    """Forget the templates read (for tests, whose ids start at 1 again)."""
    _TEMPLATE_SECTIONS.clear()


@cache  # built once
def _answers_statement() -> Select:
    """The rendered answers of the inventories ``ids``."""
    return select(Inventory.id, Inventory.answers_html).where(any_of(Inventory.id, "ids"))


def card_answers(inventory_ids: list[int]) -> ReadWhenAsked:
    """The rendered answers of a page's cards, read in one statement the first time a card's
    kept rendering is missing: most views need none of them."""
    return ReadWhenAsked(_answers_statement(), inventory_ids, lambda row: row[1] or {})
