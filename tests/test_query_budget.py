"""Every main page answers in at most ten SQL statements, on the demo's six months of life.

The page benchmark (bench/) shows that the statements a page runs, not their size, decide its
cost at a thousand cohorts; this keeps the budget from creeping back one query at a time.
"""

import pytest
from sqlalchemy import select

from cohort.auth.models import User
from cohort.cohorts.models import Cohort, Membership, Role
from cohort.database import utcnow
from cohort.demo.builder import DEMO_PASSWORD
from cohort.extensions import db
from cohort.inventories.models import Inventory, InventoryKind, InventoryStatus
from cohort.meetings.models import Meeting

from . import factories
from .conftest import AuthActions
from .test_demo import build
from .test_inventories import session_for
from .test_timeline import write

BUDGET = 10
# Pages made cheaper since: their own, lower budgets keep each gain. The feed's pages read
# the achieved goals their cards mark and their cheers with the cards. A member's timeline
# reads their sessions with their inventories (and the peer traits of the blind-spot map,
# the cards' cheers and goal progress) in one statement, and the member with the follow
# state in the statement that reads the cohort and the viewer's membership. A session with
# its month (members, their inventories and answers) is one statement on the cohort's
# overview and the session page. A peer's inventory comes with whether the viewer is asked to
# give feedback on it and how many revisions it has (read only from two on, when the page
# shows them), its cheers, the achieved goals it marks, its goal progress and its tasks.
PAGE_BUDGETS = {
    "cohort": 3,
    "session": 4,
    "inventory": 4,
    "home": 3,
    "feed": 2,
    "feed, everyone": 2,
    "timeline": 3,
    "own timeline": 3,
    "timeline, one part of life": 3,
    "organizer overview": 5,
    "feedback": 5,
}


def main_pages(member: User) -> dict[str, str]:
    """The member's main pages, in their first cohort, with a peer's latest shared month."""
    cohort = db.session.scalar(
        select(Cohort).join(Membership).where(Membership.user_id == member.id).limit(1)
    )
    inventory = db.session.scalar(
        select(Inventory)
        .join(Meeting, Inventory.meeting_id == Meeting.id)
        .where(
            Inventory.cohort_id == cohort.id,
            Inventory.user_id != member.id,
            Inventory.status == InventoryStatus.SHARED,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    quarter = db.session.scalar(
        select(Inventory).where(
            Inventory.cohort_id == cohort.id,
            Inventory.user_id != member.id,
            Inventory.kind == InventoryKind.QUARTER,
        )
    )
    base = f"/c/{cohort.slug}"
    return {
        "home": "/",
        "feed": "/feed",
        "feed, everyone": "/feed?scope=cohorts",
        "cohort": f"{base}/",
        "session": f"{base}/sessions/{inventory.meeting_id}",
        "session, live": f"{base}/sessions/{inventory.meeting_id}/live",
        "inventory": f"{base}/inventories/{inventory.id}",
        "timeline": f"{base}/members/{inventory.user_id}",
        "own timeline": f"{base}/members/{member.id}",
        "own year": f"{base}/members/{member.id}/year",
        "timeline, one part of life": f"{base}/members/{inventory.user_id}?area=main_job",
        "own year, one part of life": f"{base}/members/{member.id}/year?area=learning",
        "writing a quarter review": f"{base}/sessions/{inventory.meeting_id}/quarter",
        "a peer's quarter review": f"{base}/inventories/{quarter.id}/quarter",
        "feedback": f"{base}/feedback",
        "notifications": "/notifications",
        "mentoring": f"{base}/mentoring",
        "notification settings": "/settings/notifications",
    }


def organizer_pages(organizer: User) -> dict[str, str]:
    cohort = db.session.scalar(
        select(Cohort)
        .join(Membership)
        .where(Membership.user_id == organizer.id, Membership.role == Role.ORGANIZER)
    )
    last = db.session.scalar(
        select(Meeting.id)
        .where(Meeting.cohort_id == cohort.id, Meeting.starts_at < utcnow())
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    return {
        "organizer overview": f"/c/{cohort.slug}/organize/",
        "session with minutes and check-outs": f"/c/{cohort.slug}/sessions/{last}",
        "live page": f"/c/{cohort.slug}/sessions/{last}/live",
        "parts of life and quarters": f"/c/{cohort.slug}/organize/practice",
        "mentoring, pairs and requests": f"/c/{cohort.slug}/mentoring",
        "cohort chat": f"/c/{cohort.slug}/organize/chat",
    }


def pair_pages(person: User) -> dict[str, str]:
    """The pages of the person's mentoring pair, as mentee or mentor."""
    from cohort.mentoring.models import Pairing

    mine = select(Membership.id).where(Membership.user_id == person.id)
    pairing = db.session.scalar(
        select(Pairing).where((Pairing.mentor_id.in_(mine)) | (Pairing.mentee_id.in_(mine)))
    )
    base = f"/c/{pairing.mentor.cohort.slug}/mentoring"
    return {
        "mentoring": base,
        "pair": f"{base}/pairs/{pairing.id}",
        "review": f"{base}/pairs/{pairing.id}/review",
        "log": f"{base}/pairs/{pairing.id}/log",
    }


@pytest.mark.parametrize(
    ("email", "pages"),
    [
        ("tom@demo.example.org", main_pages),
        ("kenichi@demo.example.org", main_pages),
        ("priya@demo.example.org", organizer_pages),
        ("haruka@demo.example.org", organizer_pages),
        ("grace@demo.example.org", pair_pages),
        ("hiroshi@demo.example.org", pair_pages),
    ],
)
def test_main_pages_stay_within_the_statement_budget(app, count_queries, email, pages):
    assert build(utcnow())
    person = db.session.scalar(select(User).where(User.email == email))
    urls = pages(person)
    db.session.remove()
    client = app.test_client()
    AuthActions(client).login(email, DEMO_PASSWORD)
    over = {}
    for name, url in urls.items():
        assert client.get(url).status_code == 200, name  # warm: first-request work aside
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, name
        if counter.count > PAGE_BUDGETS.get(name, BUDGET):
            over[name] = counter.statements
    assert not over, {name: len(statements) for name, statements in over.items()}


def test_a_session_and_its_cohort_cost_the_same_with_one_or_four_shared(app, count_queries, user):
    """The upcoming session's inventories are listed on the cohort's overview (names and Try
    lines) and as cards on the session page: no statement per inventory on either."""
    cohort = factories.make_cohort(user, name="Budget Circle")
    meeting = session_for(cohort, days_ahead=5, title="Next one")
    writers = [factories.make_user(display_name=f"Writer {n}") for n in range(4)]
    for writer in writers:
        factories.add_member(cohort, writer)
    client = app.test_client()
    AuthActions(client).login(user.email)
    urls = (f"/c/{cohort.slug}/", f"/c/{cohort.slug}/sessions/{meeting.id}")
    counts = {}
    for shared in (writers[:1], writers[1:]):
        for writer in shared:
            write(
                writer, meeting, answers={"did": "Things.", "try": f"{writer.display_name}'s Try"}
            )
        for url in urls:
            client.get(url)
            with count_queries() as counter:
                page = client.get(url).get_data(as_text=True)
            assert all(w.display_name in page for w in writers[: 1 if shared == writers[:1] else 4])
            counts.setdefault(url, []).append(counter.count)
    assert all(one == four for one, four in counts.values()), counts


def test_the_session_page_reads_the_live_run_only_when_there_is_one(app, count_queries, user):
    """The month's statement says whether the session has a live run: without one the page
    spares the run's statement, with one it reads it."""
    from cohort.live.models import LiveRun

    cohort = factories.make_cohort(user, name="Quiet Circle")
    meeting = session_for(cohort, days_ahead=5, title="No run yet")
    client = app.test_client()
    AuthActions(client).login(user.email)
    url = f"/c/{cohort.slug}/sessions/{meeting.id}"

    def reads_the_run() -> bool:
        client.get(url)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return any(s.lstrip().startswith("SELECT live_runs.id") for s in counter.statements)

    assert not reads_the_run()
    db.session.add(LiveRun(cohort_id=cohort.id, meeting_id=meeting.id))
    db.session.commit()
    assert reads_the_run()
