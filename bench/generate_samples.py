"""The sample file: who to log in as and which ids make the main pages' URLs.

Written to bench/.data/<size>.json for the benchmark runner (and the page check).
"""

import json
from datetime import datetime
from pathlib import Path

from .generate_inventories import Inv
from .generate_plan import Cohort, User

DATA = Path(__file__).resolve().parent / ".data"


def _shared(invs: list[Inv], user: User | None = None) -> list[Inv]:
    return [i for i in invs if i.status == "shared" and (user is None or i.user is user)]


def pick(world: dict) -> dict:
    """A typical member of the first cohort, a peer whose month they read, and so on."""
    cohorts: list[Cohort] = world["cohorts"]
    by_meeting: dict[int, list[Inv]] = world["by_meeting"]
    cohort = cohorts[0]
    past = [m for m in cohort.meetings if m.is_past][-1]
    upcoming = next(m for m in cohort.meetings if not m.is_past)
    month = by_meeting.get(past.id, [])
    writers = {i.user.id for i in _shared(month)}
    members = [m for m in cohort.members if m.role == "member" and m.user.id in writers]
    member = next((m for m in members if len(m.user.cohorts) == 1), members[0]).user
    peer_inv = next(i for i in _shared(month) if i.user is not member)
    twice = next(m.user for c in cohorts for m in c.members if len(m.user.cohorts) == 2)
    return {
        "cohort": cohort,
        "past": past,
        "upcoming": upcoming,
        "member": member,
        "own_inventory": _shared(month, member)[0],
        "peer_inventory": peer_inv,
        "two_cohorts": twice,
        "organizer": cohort.organizer.user,
        "mentor": next(m for m in cohort.members if m.role == "mentor").user,
    }


def page_urls(p: dict) -> dict:
    """The main pages' paths, per role, for the runner and the page check."""
    slug, past, upcoming = p["cohort"].slug, p["past"].id, p["upcoming"].id
    peer, own = p["peer_inventory"], p["own_inventory"]
    return {
        "member_urls": {
            "home": "/",
            "feed": "/feed",
            "cohort_overview": f"/c/{slug}/",
            "members": f"/c/{slug}/members/",
            "session_past": f"/c/{slug}/sessions/{past}",
            "session_upcoming": f"/c/{slug}/sessions/{upcoming}",
            "write_inventory": f"/c/{slug}/sessions/{upcoming}/inventory",
            "own_inventory": f"/c/{slug}/inventories/{own.id}",
            "peer_inventory": f"/c/{slug}/inventories/{peer.id}",
            "timeline": f"/c/{slug}/members/{peer.user.id}",
            "timeline_month": f"/c/{slug}/members/{peer.user.id}/months/{past}",
            "feedback_inbox": f"/c/{slug}/feedback",
            "notifications": "/notifications",
            "following": "/following",
        },
        "organizer_urls": {
            "organizer_overview": f"/c/{slug}/organize/",
            "organizer_members": f"/c/{slug}/organize/members",
            "organizer_month": f"/c/{slug}/organize/sessions/{past}/inventories",
            "organizer_upcoming": f"/c/{slug}/organize/sessions/{upcoming}/inventories",
            "organizer_feedback": f"/c/{slug}/organize/sessions/{past}/feedback",
            "organizer_sessions": f"/c/{slug}/organize/sessions/",
            "cohort_overview": f"/c/{slug}/",
            "notifications": "/notifications",
        },
    }


def write_samples(size: str, url: str, password: str, world: dict, now: datetime) -> Path:
    p = pick(world)
    slug, peer = p["cohort"].slug, p["peer_inventory"]
    samples = {
        "size": size,
        "database_url": url,
        "generated_at": now.isoformat(),
        "password": password,
        "member_email": p["member"].email,
        "member_id": p["member"].id,
        "member_two_cohorts_email": p["two_cohorts"].email,
        "member_two_cohorts_slugs": [c.slug for c in p["two_cohorts"].cohorts],
        "organizer_email": p["organizer"].email,
        "mentor_email": p["mentor"].email,
        "cohort_slug": slug,
        "past_meeting_id": p["past"].id,
        "upcoming_meeting_id": p["upcoming"].id,
        "own_inventory_id": p["own_inventory"].id,
        "peer_inventory_id": peer.id,
        "timeline_member_id": peer.user.id,
        # Names the main pages show; the page check wants at least one on each.
        "expected_texts": [p["cohort"].name, p["member"].name, peer.user.name],
        **page_urls(p),
    }
    if p["past"].feedback_due_at > now:  # the form redirects once feedback has closed
        samples["member_urls"]["give_feedback"] = f"/c/{slug}/inventories/{peer.id}/feedback"
    DATA.mkdir(exist_ok=True)
    path = DATA / f"{size}.json"
    path.write_text(json.dumps(samples, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
