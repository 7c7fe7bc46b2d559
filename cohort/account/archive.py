"""The "Download my data" ZIP, written while it is sent.

``zipfile`` writes into a sink that hands over what it has after every file, so the response
streams and only one file's text is ever held: the archive is never built in memory. The JSON
file is written section by section and inventory by inventory for the same reason.
"""

import io
import json
import zipfile
from collections.abc import Iterator

from ..auth.models import User
from ..i18n import gettext as _
from ..inventories.models import RATING_AREAS, Inventory
from ..inventories.sections import resolve_sections
from ..quarters.schedule import QUARTER_QUESTIONS
from . import export

DATA_FILE = "cohort-data.json"


class _Sink(io.RawIOBase):
    """A write-only, unseekable file: zipfile then writes data descriptors instead of
    seeking back, and ``drain`` returns what was written since the last call."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        chunk = b"".join(self._chunks)
        self._chunks.clear()
        return chunk


def readme(user: User) -> str:
    lines = [
        _("Your data from Cohort"),
        "",
        _("%(name)s, this archive holds everything you wrote in Cohort.", name=user.display_name),
        "",
        _("- %(file)s: all of it, machine-readable (JSON, schema version %(version)d).",
          file=DATA_FILE, version=export.SCHEMA_VERSION),
        _("- inventories/: one Markdown file per inventory, drafts included, by cohort."),
        "",
        _("Sections of the JSON file: profile, cohorts, inventories (with every shared version), "
          "goals (with their monthly progress), tasks (with their monthly outcomes), "
          "feedback_given, feedback_received, replies, helpful_marks, cheers, follows, rsvps, "
          "session_notes, check_outs, notification_preferences, mentoring, writing_preference."),
        _("Times are in UTC (ISO 8601). Answers are Markdown, keyed by section. Ratings and "
          "energy go from 1 to 5; null means not given."),
        _("Other people appear only by their display name; nothing they keep private is here."),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def inventory_path(inventory: Inventory) -> str:
    month = inventory.meeting.starts_at.strftime("%Y-%m")
    return f"inventories/{inventory.cohort.slug}/{month}-{inventory.id}.md"


def inventory_markdown(inventory: Inventory) -> str:
    """The inventory as a person reads it: sections with their titles, then the ratings."""
    out = [
        f"# {inventory.meeting.title} — {inventory.cohort.name}",
        "",
        f"- {_('Session')}: {inventory.meeting.starts_at:%Y-%m-%d}",
        f"- {_('Status')}: {inventory.status}",
    ]
    if inventory.energy:
        out.append(f"- {_('Energy')}: {inventory.energy}/5")
    for area, rating in zip(RATING_AREAS, inventory.ratings().values(), strict=True):
        if rating:
            out.append(f"- {area}: {rating}/5")
    for section in resolve_sections(inventory.template.sections):
        answer = (inventory.answers or {}).get(section.key, "")
        if answer:
            out += ["", f"## {section.title}", "", answer.strip()]
    shown = {section.key for section in resolve_sections(inventory.template.sections)}
    titles = {key: str(title) for key, title, _help in QUARTER_QUESTIONS}  # a quarter review's
    for key, answer in (inventory.answers or {}).items():
        if key not in shown and answer:
            out += ["", f"## {titles.get(key, key)}", "", str(answer).strip()]
    return "\n".join(out) + "\n"


def _json_pieces(user: User, inventories: list[Inventory]) -> Iterator[str]:
    yield f'{{\n  "schema_version": {export.SCHEMA_VERSION},\n  "format": "cohort-member-export"'
    for name, value in export.small_sections(user):
        yield f",\n  {json.dumps(name)}: " + json.dumps(value, ensure_ascii=False, indent=2)
    yield ',\n  "inventories": ['
    revisions = export.revisions_by_inventory(user)
    for index, inventory in enumerate(inventories):
        record = export.inventory_record(inventory, revisions.get(inventory.id, []))
        yield ("," if index else "") + "\n" + json.dumps(record, ensure_ascii=False, indent=2)
    yield "\n  ]\n}\n"


def archive_chunks(user: User) -> Iterator[bytes]:
    """The ZIP's bytes, a file at a time."""
    sink = _Sink()
    inventories = list(export.inventories(user))
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(user))
        yield sink.drain()
        with archive.open(DATA_FILE, "w") as data:
            for piece in _json_pieces(user, inventories):
                data.write(piece.encode())
                yield sink.drain()
        for inventory in inventories:
            archive.writestr(inventory_path(inventory), inventory_markdown(inventory))
            yield sink.drain()
    yield sink.drain()
