"""A cohort's address, /c/<slug>/: chosen by its organizers, suggested from its name, and
kept working after a change (the old slug redirects to the new one)."""

import re
import secrets
import unicodedata

from sqlalchemy import delete, exists, select

from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from .models import Cohort, CohortSlugRedirect

MIN_LENGTH = 3
MAX_LENGTH = 40
# Lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED = frozenset({"new", "admin", "api", "static", "settings", "login", "logout"})

# Readable words for a suggestion when the name has no Latin letters (e.g. a Japanese name).
WORDS = (
    "asahi", "aozora", "hikari", "hoshi", "kaze", "kawa", "kumo", "midori", "mirai", "mori",
    "nami", "niji", "sakura", "sora", "tsuki", "umi", "yama", "yuki", "hana", "tane",
)  # fmt: skip


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be an address, or None when its form is fine."""
    if not MIN_LENGTH <= len(slug) <= MAX_LENGTH:
        return str(
            _l(
                "Use between %(min)d and %(max)d characters.",
                min=MIN_LENGTH,
                max=MAX_LENGTH,
            )
        )
    if not SLUG_PATTERN.match(slug):
        return str(
            _l(
                "Use lowercase letters a–z, digits and single hyphens, "
                "starting and ending with a letter or digit."
            )
        )
    if slug in RESERVED:
        return str(_l("This address is reserved. Please choose another."))
    return None


def is_taken(slug: str, cohort: Cohort | None = None) -> bool:
    """In use as another cohort's address, or as one of its former addresses."""
    other = (Cohort.id != cohort.id) if cohort is not None and cohort.id else True
    current = exists().where(Cohort.slug == slug, other)
    redirect_other = (
        (CohortSlugRedirect.cohort_id != cohort.id) if cohort is not None and cohort.id else True
    )
    former = exists().where(CohortSlugRedirect.slug == slug, redirect_other)
    return bool(db.session.scalar(select(current | former)))


def _ascii_words(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:MAX_LENGTH].strip("-")


def suggest_slug(name: str, cohort: Cohort | None = None) -> str:
    """A free, readable address from the name ("Design Leads Tokyo" → design-leads-tokyo),
    or from two words and a number when the name gives too little ("若手の会" → sora-mori-27)."""
    base = _ascii_words(name)
    if len(base) >= MIN_LENGTH and base not in RESERVED and not is_taken(base, cohort):
        return base
    for _attempt in range(20):
        if len(base) >= MIN_LENGTH:
            candidate = f"{base[: MAX_LENGTH - 3].strip('-')}-{secrets.randbelow(90) + 10}"
        else:
            first, second = secrets.choice(WORDS), secrets.choice(WORDS)
            candidate = f"{first}-{second}-{secrets.randbelow(90) + 10}"
        if not is_taken(candidate, cohort):
            return candidate
    return f"cohort-{secrets.token_hex(4)}"


def suggestion_from_name(name: str, cohort: Cohort) -> str | None:
    """A slug made from the cohort's name, for its settings page; None when the name has
    too few Latin letters or digits to make one (a random one would only be noise there)."""
    if len(_ascii_words(name)) < MIN_LENGTH:
        return None
    suggestion = suggest_slug(name, cohort)
    return None if suggestion == cohort.slug else suggestion


def check_slug(slug: str, cohort: Cohort | None = None) -> None:
    """Refuse an address that is malformed or belongs to another cohort."""
    problem = slug_problem(slug)
    if problem:
        raise DomainError(problem, field="slug")
    if is_taken(slug, cohort):
        raise DomainError(
            _l(
                "The address /c/%(slug)s/ is taken. Please choose another, for example %(free)s.",
                slug=slug,
                free=suggest_slug(slug, cohort),
            ),
            field="slug",
        )


def change_slug(cohort: Cohort, slug: str) -> None:
    """Move the cohort to a new address; the old one keeps leading to it."""
    if slug == cohort.slug:
        return
    check_slug(slug, cohort)
    db.session.execute(delete(CohortSlugRedirect).where(CohortSlugRedirect.slug == slug))
    db.session.add(CohortSlugRedirect(slug=cohort.slug, cohort_id=cohort.id))
    cohort.slug = slug
    db.session.flush()


def moved_to(slug: str) -> Cohort | None:
    """The cohort that used to live at ``slug``, if any."""
    return db.session.scalar(
        select(Cohort).join(CohortSlugRedirect).where(CohortSlugRedirect.slug == slug)
    )
