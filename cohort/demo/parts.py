"""The demo's parts of life and quarter reviews, read from ``content/<locale>/parts.toml``:
the part each goal belongs to, each person's usual split of time and energy (varying a little
month by month), and the quarter reviews some people write with one month's inventory."""

import tomllib
from functools import cache

from ..inventories.areas import SPLIT_MAX
from ..inventories.services import InventoryInput, save_quarter_answers
from .content import CONTENT

QUARTER_FIELDS = ("will", "keep", "change", "drop", "plan")


@cache
def _people(locale: str) -> dict:
    path = CONTENT / locale / "parts.toml"
    if not path.exists():
        return {}
    with path.open("rb") as file:
        return tomllib.load(file).get("people", {})


def parts_of(locale: str, person_key: str) -> dict:
    return _people(locale).get(person_key, {})


def goal_area(locale: str, person_key: str, goal_key: str) -> str | None:
    return parts_of(locale, person_key).get("goals", {}).get(goal_key)


def add_split(data: InventoryInput, locale: str, person_key: str, month: int) -> None:
    """The person's usual split, one part a point up or down from month to month."""
    usual = parts_of(locale, person_key).get("split")
    if not usual:
        return
    split = {}
    for index, (key, value) in enumerate(usual.items()):
        step = (month + index) % 3 - 1 if index == month % len(usual) else 0
        split[key] = max(0, min(SPLIT_MAX, value + step))
    data.life_split = split


def write_quarter(user, meeting, inventory, locale: str, person_key: str, month: int):
    """The quarter review written with this month's inventory, if the story has one."""
    quarter = parts_of(locale, person_key).get("quarter")
    if not quarter or quarter.get("month") != month:
        return inventory
    answers = {f"quarter_{name}": quarter.get(name, "") for name in QUARTER_FIELDS}
    return save_quarter_answers(user, meeting, answers, inventory.version)
