"""What an inventory's card shows beyond its columns, read only when a page needs it.

A card's rendering is kept (cohort/fragments.py), so a page that finds every card kept reads
neither the cards' answers nor their section titles. When one is missing, the page reads the
rendered answers of all its cards in one statement (``card_answers``), and the titles come
from templates read once per process (``section_titles``): a template never changes once
written (editing one adds a new one).
"""

from functools import cache

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import Select, select

from ..extensions import db
from ..statements import ReadWhenAsked, any_of
from .models import Inventory, InventoryTemplate
from .sections import resolve_sections

# Template id → its stored sections; tests clear this as their ids start again.
_TEMPLATE_SECTIONS: dict[int, list] = {}


def section_titles(template_ids: set[int]) -> dict[int, dict[str, str]]:
    """Template id → section key → title in the reader's language (a statement only for
    templates this process has not read yet). The titles are shared: read, never change."""
    missing = [i for i in template_ids if i not in _TEMPLATE_SECTIONS]
    if missing:
        rows = db.session.execute(
            select(InventoryTemplate.id, InventoryTemplate.sections).where(
                InventoryTemplate.id.in_(missing)
            )
        )
        _TEMPLATE_SECTIONS.update(rows.all())
    if not has_request_context():  # a job's email: in the language it was given
        return {i: _titles_of(i) for i in template_ids}
    locale = str(get_locale())
    return {i: _titles_in(i, locale) for i in template_ids}


def _titles_of(template_id: int) -> dict[str, str]:
    return {s.key: s.title for s in resolve_sections(_TEMPLATE_SECTIONS[template_id])}


# (template id, language) → its titles, worked out once per process: a page asks on every view.
_TITLES: dict[tuple[int, str], dict[str, str]] = {}


def _titles_in(template_id: int, locale: str) -> dict[str, str]:
    titles = _TITLES.get((template_id, locale))
    if titles is None:
        titles = _TITLES[template_id, locale] = _titles_of(template_id)
    return titles


def forget_templates() -> None:
    """Forget the templates read (for tests, whose ids start at 1 again)."""
    _TEMPLATE_SECTIONS.clear()
    _TITLES.clear()


@cache  # built once
def _answers_statement() -> Select:
    """The rendered answers of the inventories ``ids``."""
    return select(Inventory.id, Inventory.answers_html).where(any_of(Inventory.id, "ids"))


def card_answers(inventory_ids: list[int]) -> ReadWhenAsked:
    """The rendered answers of a page's cards, read in one statement the first time a card's
    kept rendering is missing: most views need none of them."""
    return ReadWhenAsked(_answers_statement(), inventory_ids, lambda row: row[1] or {})
