"""Which pages the benchmark opens, and as whom: ids and logins taken from the data set.

Two sources give the same ``Samples``: the JSON the data generator writes next to its
database (``bench/.data/<size>.json``), and, for any other database (the demo, say), a few
queries that pick a busy cohort and people in it. The runner takes the JSON when it exists.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

DATA_DIR = Path(__file__).resolve().parent / ".data"
# The generator's password first, then the demo's (``flask demo``).
PASSWORDS = ("bench-pass-1234", "cohort-demo-pass")


@dataclass(frozen=True)
class Page:
    """A main page: its name in the report, who opens it, and its path with placeholders."""

    name: str
    role: str  # "member" or "organizer"
    pattern: str

    def path(self, samples: Samples) -> str:
        return self.pattern.format(**asdict(samples))


PAGES: tuple[Page, ...] = (
    Page("home", "member", "/"),
    Page("feed", "member", "/feed"),
    Page("cohort", "member", "/c/{cohort_slug}/"),
    Page("session", "member", "/c/{cohort_slug}/sessions/{meeting_id}"),
    Page("inventory", "member", "/c/{cohort_slug}/inventories/{inventory_id}"),
    Page("timeline", "member", "/c/{cohort_slug}/members/{timeline_user_id}"),
    Page("feedback", "member", "/c/{cohort_slug}/feedback"),
    Page("notifications", "member", "/notifications"),
    Page("organize", "organizer", "/c/{cohort_slug}/organize/"),
)


@dataclass(frozen=True)
class Samples:
    """The people and objects the main pages are opened with."""

    member_email: str
    organizer_email: str
    cohort_slug: str
    meeting_id: int
    inventory_id: int
    timeline_user_id: int
    passwords: tuple[str, ...] = PASSWORDS
    source: str = ""

    def email_for(self, role: str) -> str:
        return self.organizer_email if role == "organizer" else self.member_email


def select_pages(names: str | None) -> list[Page]:
    """The pages named in ``--pages`` (comma-separated), in the report's order."""
    if not names:
        return list(PAGES)
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    unknown = wanted - {page.name for page in PAGES}
    if unknown:
        known = ", ".join(page.name for page in PAGES)
        raise SystemExit(f"Unknown page(s): {', '.join(sorted(unknown))}. Known: {known}")
    return [page for page in PAGES if page.name in wanted]


def load_samples(size: str, database_url: str, path: Path | None = None) -> Samples:
    """The generator's samples for this size when its JSON exists, else ask the database."""
    path = path or DATA_DIR / f"{size}.json"
    try:
        if path.exists():
            samples = samples_from_json(path)
            if _cohort_exists(database_url, samples.cohort_slug):
                return samples
        return samples_from_database(database_url)
    except SQLAlchemyError as error:
        name = make_url(database_url).database
        raise SystemExit(f"The {size} database ({name}) is not ready: {error.orig}") from error


def _cohort_exists(database_url: str, slug: str) -> bool:
    """Whether the JSON describes this database (``--small-url`` may point elsewhere)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT 1 FROM cohorts WHERE slug = :slug")
            return connection.execute(query, {"slug": slug}).first() is not None
    finally:
        engine.dispose()


# The names a sample may carry in the generator's JSON, most specific first; the JSON may nest
# them (``{"member": {"email": ...}}`` reads as ``member.email``).
JSON_KEYS: dict[str, tuple[str, ...]] = {
    "member_email": ("member_email", "member.email", "member"),
    "organizer_email": ("organizer_email", "organizer.email", "organizer"),
    "cohort_slug": ("cohort_slug", "cohort.slug", "slug", "cohort"),
    # A past session (its month page is full) and a peer's inventory, as the member reads them.
    "meeting_id": ("past_meeting_id", "meeting_id", "meeting.id", "session_id", "meeting"),
    "inventory_id": ("peer_inventory_id", "inventory_id", "inventory.id", "inventory"),
    "timeline_user_id": (
        "timeline_user_id",
        "timeline_member_id",
        "timeline.user_id",
        "timeline.member_id",
        "timeline_member.id",
        "timeline_user.id",
    ),
}


def _flatten(data: object, prefix: str = "") -> dict[str, object]:
    if not isinstance(data, dict):
        return {prefix: data}
    flat: dict[str, object] = {}
    for key, value in data.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def samples_from_json(path: Path) -> Samples:
    """Read the generator's sample ids; a missing key is an error that names the file."""
    data = json.loads(path.read_text())
    flat = _flatten(data)
    found: dict[str, object] = {}
    for field_name, keys in JSON_KEYS.items():
        value = next((flat[key] for key in keys if key in flat), None)
        if value is None or isinstance(value, dict | list):
            raise SystemExit(f"{path}: no {field_name} (looked for {', '.join(keys)})")
        found[field_name] = value
    password = flat.get("password")
    passwords = (str(password), *PASSWORDS) if password else PASSWORDS
    return Samples(
        member_email=str(found["member_email"]),
        organizer_email=str(found["organizer_email"]),
        cohort_slug=str(found["cohort_slug"]),
        meeting_id=int(str(found["meeting_id"])),
        inventory_id=int(str(found["inventory_id"])),
        timeline_user_id=int(str(found["timeline_user_id"])),
        passwords=passwords,
        source=str(path),
    )


DISCOVERY = {
    # The cohort with the most shared inventories: the busiest pages.
    "cohort": """
        SELECT c.id, c.slug FROM cohorts c JOIN inventories i ON i.cohort_id = c.id
        WHERE i.status = 'shared' AND NOT c.is_archived
        GROUP BY c.id, c.slug ORDER BY count(*) DESC, c.id LIMIT 1""",
    "organizer": """
        SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.cohort_id = :cohort AND m.role = 'organizer' AND m.status = 'active'
        ORDER BY m.id LIMIT 1""",
    # The member who wrote the most: the fullest home, timeline and feedback pages.
    "member": """
        SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
        LEFT JOIN inventories i ON i.user_id = u.id AND i.cohort_id = m.cohort_id
        WHERE m.cohort_id = :cohort AND m.role = 'member' AND m.status = 'active'
        GROUP BY u.id, u.email ORDER BY count(i.id) DESC, u.id LIMIT 1""",
    # The latest session that has already started, with the most shared inventories.
    "meeting": """
        SELECT mt.id FROM meetings mt JOIN inventories i ON i.meeting_id = mt.id
        WHERE mt.cohort_id = :cohort AND mt.starts_at <= now() AND i.status = 'shared'
        GROUP BY mt.id, mt.starts_at ORDER BY mt.starts_at DESC, count(*) DESC LIMIT 1""",
    # Someone else's shared inventory of that session, the one with the most feedback.
    "inventory": """
        SELECT i.id, i.user_id FROM inventories i LEFT JOIN feedback f ON f.inventory_id = i.id
        WHERE i.meeting_id = :meeting AND i.status = 'shared' AND i.user_id <> :member
        GROUP BY i.id, i.user_id ORDER BY count(f.id) DESC, i.id LIMIT 1""",
}


def samples_from_database(database_url: str) -> Samples:
    """Pick samples with a few queries, for databases the generator did not write."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:

            def one(name: str, **params: object) -> tuple:
                row = connection.execute(text(DISCOVERY[name]), params).first()
                if row is None:
                    raise SystemExit(f"{database_url}: found no {name} to open the pages with")
                return tuple(row)

            cohort_id, slug = one("cohort")
            (organizer_email,) = one("organizer", cohort=cohort_id)
            member_id, member_email = one("member", cohort=cohort_id)
            (meeting_id,) = one("meeting", cohort=cohort_id)
            inventory_id, author_id = one("inventory", meeting=meeting_id, member=member_id)
    finally:
        engine.dispose()
    return Samples(
        member_email=member_email,
        organizer_email=organizer_email,
        cohort_slug=slug,
        meeting_id=meeting_id,
        inventory_id=inventory_id,
        timeline_user_id=author_id,
        source=f"database ({database_url.rsplit('/', 1)[-1]})",
    )
