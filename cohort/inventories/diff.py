"""What changed between two revisions of an inventory, line by line."""

import difflib
from dataclasses import dataclass, field

from .models import InventoryRevision


@dataclass
class SectionChange:
    key: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class RatingChange:
    area: str
    before: int | None
    after: int | None


def changes_between(
    old: InventoryRevision, new: InventoryRevision
) -> list[SectionChange | RatingChange]:
    """Changed lines per section, then changed ratings, in a stable order."""
    changes: list[SectionChange | RatingChange] = []
    for key in dict.fromkeys([*old.answers, *new.answers]):
        before = (old.answers.get(key) or "").splitlines()
        after = (new.answers.get(key) or "").splitlines()
        if before == after:
            continue
        change = SectionChange(key)
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "delete"):
                change.removed.extend(line for line in before[i1:i2] if line.strip())
            if tag in ("replace", "insert"):
                change.added.extend(line for line in after[j1:j2] if line.strip())
        changes.append(change)
    for area in dict.fromkeys([*old.ratings, *new.ratings]):
        if old.ratings.get(area) != new.ratings.get(area):
            changes.append(RatingChange(area, old.ratings.get(area), new.ratings.get(area)))
    return changes
