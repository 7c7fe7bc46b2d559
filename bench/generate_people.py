"""Users, cohorts, invitations, memberships with their log, and the sessions."""

import hashlib
import secrets
from datetime import datetime, timedelta
from itertools import count
from random import Random

from cohort.cohorts.services import default_guide
from cohort.markdown import render_markdown

from .generate_copy import Spools
from .generate_plan import Cohort, User
from .generate_words import AGENDA, BIOS


def token_hash(rng: Random) -> str:
    return hashlib.sha256(f"{rng.getrandbits(128)}".encode()).hexdigest()


def write_users(spools: Spools, users: list[User], password_hash: str, rng: Random, now) -> None:
    """Everyone shares one password hash: hashing 20,000 times would take minutes."""
    bios = {locale: [(b, render_markdown(b)) for b in texts] for locale, texts in BIOS.items()}
    for user in users:
        bio, bio_html = rng.choice(bios[user.locale]) if rng.random() < 0.7 else ("", "")
        created = min(c.created_at for c in user.cohorts) if user.cohorts else now
        seen = now - timedelta(hours=rng.randint(1, 24 * 20))
        spools["users"].add(
            user.id, user.email, user.name, password_hash, user.locale, user.timezone, bio,
            bio_html, secrets.token_urlsafe(24), False, None, seen, created - timedelta(days=1),
        )  # fmt: skip


def write_cohorts(spools: Spools, cohorts: list[Cohort]) -> None:
    guides = {}
    for locale in ("en", "ja"):
        guide = default_guide(locale)
        guides[locale] = (guide, render_markdown(guide))
    for cohort in cohorts:
        guide, guide_html = guides[cohort.locale]
        r = cohort.rhythm
        spools["cohorts"].add(
            cohort.id, cohort.slug, cohort.name, f"{cohort.name}: one honest evening a month.",
            guide, guide_html, cohort.timezone, cohort.locale, "monthly_weekday", r.week,
            r.weekday, r.starts_at, r.minutes, 2, 7, 7, 1, 2, cohort.keep_start_stop, False,
            cohort.created_at,
        )  # fmt: skip


def write_memberships(spools: Spools, cohorts: list[Cohort], rng: Random) -> None:
    """Each cohort's shareable link admits the members; the mentor has a personal one; a
    second organizer is promoted after joining. The log records each step."""
    invitation_ids, event_ids = count(1), count(1)
    events = spools["membership_events"]
    for cohort in cohorts:
        creator = cohort.members[0]
        link_id, mentor_link_id = next(invitation_ids), next(invitation_ids)
        joiners = [m for m in cohort.members[1:] if m.role != "mentor"]
        created = cohort.created_at
        spools["invitations"].add(
            link_id, cohort.id, token_hash(rng), None, "member", max(40, len(joiners)),
            len(joiners), created + timedelta(days=14), None, creator.user.id, created,
        )  # fmt: skip
        mentor = next(m for m in cohort.members if m.role == "mentor")
        spools["invitations"].add(
            mentor_link_id, cohort.id, token_hash(rng), mentor.user.email, "mentor", 1, 1,
            created + timedelta(days=14), None, creator.user.id, created,
        )  # fmt: skip
        events.add(next(event_ids), cohort.id, "joined", creator.user.id, creator.user.id,
                   None, "organizer", created)  # fmt: skip
        events.add(next(event_ids), cohort.id, "invitation_created", creator.user.id, None,
                   link_id, "", created)  # fmt: skip
        for member in cohort.members:
            invitation = None if member is creator else link_id
            if member is mentor:
                invitation = mentor_link_id
            spools["memberships"].add(
                member.id, cohort.id, member.user.id, member.role, "active", member.joined_at,
                None, invitation,
            )  # fmt: skip
            if member is creator:
                continue
            role = "mentor" if member is mentor else "member"
            events.add(next(event_ids), cohort.id, "joined", member.user.id, member.user.id,
                       invitation, role, member.joined_at)  # fmt: skip
            if member.role == "organizer":
                events.add(next(event_ids), cohort.id, "role_changed", creator.user.id,
                           member.user.id, None, "member → organizer",
                           member.joined_at + timedelta(hours=2))  # fmt: skip


def write_meetings(spools: Spools, cohorts: list[Cohort], now: datetime) -> None:
    """Sessions made by the rhythm (so the scheduler's sync leaves them as they are), each
    described by an organizer twelve days before its due time."""
    agendas = {locale: (text, render_markdown(text)) for locale, text in AGENDA.items()}
    for cohort in cohorts:
        agenda, agenda_html = agendas[cohort.locale]
        for meeting in cohort.meetings:
            created = max(cohort.created_at, meeting.starts_at - timedelta(days=92))
            described = meeting.inventory_due_at - timedelta(days=12)
            if described >= now:
                agenda_now, html_now, place, url, updated = "", "", "", "", created
            else:
                agenda_now, html_now, updated = agenda, agenda_html, described
                place, url = "Online", f"https://meet.example.org/{cohort.slug}"
            spools["meetings"].add(
                meeting.id, cohort.id, meeting.title, meeting.starts_at, meeting.ends_at, place,
                url, agenda_now, html_now, meeting.inventory_due_at, meeting.feedback_due_at,
                "scheduled", True, meeting.month_on, 1 if described < now else 0, created,
                updated,
            )  # fmt: skip
