"""Access control: a matrix over every route and actor, cross-cohort id guessing, and the
agreement of "may see" with "list of visible"."""

import itertools
from datetime import date

import pytest
from sqlalchemy import func, select

from cohort import create_app
from cohort.cohorts.models import Cohort, Invitation, Membership, MembershipEvent
from cohort.extensions import db
from cohort.feedback.services import add_assignment
from cohort.inventories.services import (
    InventoryInput,
    save_inventory,
    save_quarter_answers,
    share_inventory,
)
from cohort.meetings.calendar import start_calendar_feed
from cohort.mentoring import services as mentoring
from cohort.permissions import (
    Action,
    active_membership,
    can,
    can_cheer,
    can_cheer_from_facts,
    visible_cohorts,
    visible_memberships,
)
from cohort.year.models import Season

from . import factories
from .conftest import TEST_CONFIG
from .test_inventories import session_for
from .test_timeline import write

ACTORS = ("anonymous", "outsider", "other_member", "member", "mentor", "organizer", "removed")
SIGNED_IN = ACTORS[1:]


class World:
    """Cohort A with an organizer, a member, a mentor and a removed member; cohort B with
    one member of its own; a user in no cohort; a live invitation to A; a session of A; the
    member's calendar feed."""

    def __init__(self):
        self.users = {actor: factories.make_user(display_name=actor) for actor in SIGNED_IN}
        self.cohort = factories.make_cohort(self.users["organizer"], name="Cohort A")
        self.other_cohort = factories.make_cohort(self.users["other_member"], name="Cohort B")
        self.memberships = {
            "member": factories.add_member(self.cohort, self.users["member"]),
            "mentor": factories.add_member(self.cohort, self.users["mentor"], role="mentor"),
            "removed": factories.add_member(self.cohort, self.users["removed"], status="removed"),
        }
        self.issued = factories.make_invitation(self.cohort, self.users["organizer"], max_uses=5)
        self.other_issued = factories.make_invitation(self.other_cohort, self.users["other_member"])
        self.meeting = factories.make_meeting(self.cohort)
        self.feed_token = start_calendar_feed(self.users["member"])
        self.inventory = save_inventory(
            self.users["member"], self.meeting, InventoryInput(answers={"did": "Shipped it"}), 0
        )
        share_inventory(self.users["member"], self.inventory)
        # Shared as a quarter review too, so its quarter page has something to show.
        save_quarter_answers(
            self.users["member"], self.meeting, {"quarter_plan": "Next"}, self.inventory.version
        )
        db.session.commit()
        # The mentor's feedback on the member's inventory; the organizer is asked for some.
        self.feedback = factories.make_feedback(self.inventory, self.users["mentor"])
        organizer_id = self.users["organizer"].id
        self.assignment = add_assignment(self.users["organizer"], self.inventory, organizer_id)
        # A closed season of last year (its archive page); no session of the world is in it.
        self.season = Season(
            cohort_id=self.cohort.id,
            name="2025",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31),
            closed_by_id=self.users["organizer"].id,
        )
        db.session.add(self.season)
        db.session.commit()
        # The member asked for a mentor and the mentor of the world took them on.
        mentoring.save_profile(
            self.users["mentor"], self.cohort, mentoring.ProfileInput(fields="data")
        )
        self.mentoring_request = mentoring.create_request(
            self.users["member"], self.cohort, "Moving into data analysis", []
        )
        self.pairing = mentoring.pair(
            self.users["organizer"],
            self.cohort,
            self.mentoring_request,
            self.memberships["mentor"].id,
        )
        mentoring.accept_pairing(self.users["mentor"], self.pairing)
        db.session.commit()

    def url_values(self) -> dict:
        member = self.memberships["member"]
        return {
            "slug": self.cohort.slug,
            "user_id": member.user_id,
            "membership_id": member.id,
            "invitation_id": self.issued.invitation.id,
            "token": self.issued.token,
            "meeting_id": self.meeting.id,
            "feed_token": self.feed_token,
            "inventory_id": self.inventory.id,
            "notification_id": 1,
            "feedback_id": self.feedback.id,
            "assignment_id": self.assignment.id,
            "season_id": self.season.id,
            "note_id": 1,
            "request_id": self.mentoring_request.id,
            "pairing_id": self.pairing.id,
            "device_id": 1,
        }


@pytest.fixture
def world(app):
    return World()


def login_as(client, world: World, actor: str) -> None:
    if actor != "anonymous":
        response = client.post(
            "/login", data={"email": world.users[actor].email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ACTORS, status)


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


def inside(ok: int, members: int | None = None) -> dict[str, int]:
    """Cohort pages: login first, 404 for anyone who is not an active member."""
    result = {
        "anonymous": 302,
        "outsider": 404,
        "other_member": 404,
        "removed": 404,
        "member": ok,
        "mentor": ok,
        "organizer": ok,
    }
    if members is not None:
        result["member"] = result["mentor"] = members
    return result


def organizers_only(ok: int) -> dict[str, int]:
    return inside(ok, members=403)


def pair_only(ok: int) -> dict[str, int]:
    """A mentoring pair's space: its mentor and mentee; 404 for everyone else, organizers
    included (they see that the pair exists, never what it holds)."""
    return {**inside(404), "member": ok, "mentor": ok}


# Every (endpoint, method) the app serves, with the status each actor gets.
# A new route fails test_every_route_has_an_expectation until it is added here.
EXPECTATIONS: dict[tuple[str, str], dict[str, int]] = {
    ("main.home", "GET"): everyone(200),
    ("main.set_language", "POST"): everyone(302),
    ("health.healthz", "GET"): everyone(200),
    ("auth.register", "GET"): signed_in(302, anonymous=200),
    ("auth.register", "POST"): signed_in(302, anonymous=200),
    ("auth.login", "GET"): signed_in(302, anonymous=200),
    ("auth.login", "POST"): everyone(200),
    ("auth.logout", "POST"): signed_in(302),
    ("auth.forgot_password", "GET"): everyone(200),
    ("auth.forgot_password", "POST"): everyone(200),
    ("auth.reset_password", "GET"): everyone(410),
    ("auth.reset_password", "POST"): everyone(410),
    ("settings.profile", "GET"): signed_in(200),
    ("settings.profile", "POST"): signed_in(302),  # an empty form keeps the saved values
    ("settings.password", "GET"): signed_in(200),
    ("settings.password", "POST"): signed_in(200),
    ("settings.email", "GET"): signed_in(200),
    ("settings.email", "POST"): signed_in(200),
    # The token in the matrix is not an email confirmation: nobody's address changes.
    ("settings.confirm_email", "GET"): signed_in(410),
    ("settings.confirm_email", "POST"): signed_in(410),
    ("account.data", "GET"): signed_in(200),
    ("account.download", "POST"): signed_in(200),  # the ZIP of one's own data
    ("account.delete", "GET"): signed_in(200),
    ("account.delete", "POST"): signed_in(200),  # no password: the form asks for it
    ("cohorts.index", "GET"): signed_in(200),
    ("cohorts.create", "GET"): signed_in(200),
    ("cohorts.create", "POST"): signed_in(200),
    ("cohorts.overview", "GET"): inside(200),
    ("cohorts.members", "GET"): inside(200),
    ("cohorts.member", "GET"): inside(200),
    ("cohorts.guide", "GET"): inside(200),
    ("cohorts.leave", "POST"): inside(302),
    # Anyone may open a live invitation; members are sent to the cohort they are already in.
    ("cohorts.join", "GET"): {**everyone(200), "member": 302, "mentor": 302, "organizer": 302},
    # A removed member is told why the link does not let them back in (only a new personal
    # invitation does).
    ("cohorts.join", "POST"): {
        **everyone(302),
        "anonymous": 200,
        "removed": 200,
    },
    ("organizer.dashboard", "GET"): organizers_only(200),
    ("organizer.members", "GET"): organizers_only(200),
    ("organizer.change_role", "POST"): organizers_only(302),
    ("organizer.remove_member", "POST"): organizers_only(302),
    ("organizer.remove_member", "GET"): organizers_only(200),
    ("organizer.settings", "GET"): organizers_only(200),
    ("organizer.settings", "POST"): organizers_only(302),
    ("organizer.invitations", "GET"): organizers_only(200),
    ("organizer.create_link", "POST"): organizers_only(302),
    ("organizer.invite_by_email", "POST"): organizers_only(400),
    ("organizer.revoke_invitation", "POST"): organizers_only(302),
    ("organizer.revoke_invitation", "GET"): organizers_only(200),
    ("organizer.log", "GET"): organizers_only(200),
    ("organizer.export_csv", "GET"): organizers_only(200),
    ("organizer.archive", "POST"): organizers_only(302),
    ("organizer.archive", "GET"): organizers_only(200),
    ("meetings.index", "GET"): inside(200),
    ("meetings.show", "GET"): inside(200),
    ("meetings.rsvp", "POST"): inside(302),  # an empty answer is refused with a message
    ("meetings.ics", "GET"): inside(200),
    ("meetings.organize", "GET"): organizers_only(200),
    ("meetings.new", "GET"): organizers_only(200),
    ("meetings.new", "POST"): organizers_only(200),
    ("meetings.edit", "GET"): organizers_only(200),
    ("meetings.edit", "POST"): organizers_only(200),
    ("meetings.cancel", "POST"): organizers_only(302),
    ("meetings.cancel", "GET"): organizers_only(200),
    ("meetings.attendance", "POST"): organizers_only(302),  # not started yet: a message
    ("meetings.calendar_settings", "GET"): signed_in(200),
    ("meetings.calendar_settings", "POST"): signed_in(302),
    # The secret address is the only key: no login, the same answer for everyone.
    ("meetings.calendar_feed", "GET"): everyone(200),
    ("notifications.index", "GET"): signed_in(200),
    ("notifications.read", "POST"): signed_in(302),
    ("notifications.read_all", "POST"): signed_in(302),
    ("notifications.preferences", "GET"): signed_in(200),
    ("notifications.preferences", "POST"): signed_in(302),
    # Web Push: an empty body is not a subscription; device 1 is nobody's.
    ("notifications.subscribe", "POST"): signed_in(400),
    ("notifications.remove_device", "POST"): signed_in(404),
    ("notifications.test_device", "POST"): signed_in(404),
    ("notifications.service_worker", "GET"): everyone(200),
    ("notifications.renew_device", "POST"): everyone(415),  # the walk posts a form, never JSON
    ("notifications.manifest", "GET"): everyone(200),
    # The token in the matrix is not an unsubscribe token: nobody gets anything.
    ("notifications.unsubscribe", "GET"): everyone(404),
    ("notifications.unsubscribe", "POST"): everyone(404),
    ("inventory_organizer.nudge", "POST"): organizers_only(302),
    # Mentors read inventories but post none.
    ("inventories.write", "GET"): {**inside(200), "mentor": 403},
    ("inventories.write", "POST"): {**inside(302), "mentor": 403, "member": 409},
    ("inventories.pause", "POST"): {**inside(302), "mentor": 403},
    ("inventories.show", "GET"): inside(200),
    ("quarters.write", "GET"): {**inside(200), "mentor": 403},
    ("quarters.write", "POST"): {**inside(302), "mentor": 403, "member": 409},
    ("quarters.show", "GET"): inside(200),
    ("quarters.practice", "GET"): organizers_only(200),
    ("quarters.practice", "POST"): organizers_only(200),  # nothing sent: keep one part
    # The companion: members ask about their own draft (an empty request names no answer).
    ("companion.ask", "POST"): {**inside(400), "mentor": 403},
    # Writing without friction: autosave of one's own draft (an empty request is no autosave),
    # the Markdown preview for anyone in the cohort, the short form for organizers to set.
    ("writing.autosave_draft", "POST"): {**inside(400), "mentor": 403},
    ("writing.preview", "POST"): inside(200),
    ("writing.short_form", "GET"): organizers_only(200),
    ("writing.short_form", "POST"): organizers_only(200),  # nothing chosen: the form again
    ("companion.settings", "GET"): signed_in(200),
    ("companion.settings", "POST"): signed_in(302),
    ("companion.organize", "GET"): organizers_only(200),
    ("companion.organize", "POST"): organizers_only(200),  # no mode chosen: the form again
    ("notifications.chat", "GET"): organizers_only(200),
    ("notifications.chat", "POST"): organizers_only(200),  # no chat tool chosen: the form again
    # Timelines, the feed, following and cheers. The member follows nobody yet; following
    # oneself is refused; people who share no cohort with the member get 404.
    ("timeline.feed", "GET"): signed_in(200),
    ("timeline.following", "GET"): signed_in(200),
    ("timeline.follow", "POST"): {**inside(302), "member": 403},
    ("timeline.unfollow", "POST"): inside(302),
    ("timeline.cheer", "POST"): {**inside(302), "member": 403},  # nobody cheers themselves
    ("timeline.month", "GET"): inside(200),
    # Feedback: nobody gives feedback on their own inventory (the member wrote it); only the
    # recipient (the member) replies, marks helpful or shares; giver and organizers read it.
    ("feedback.give", "GET"): {**inside(200), "member": 403},
    ("feedback.give", "POST"): {**inside(200), "member": 403},  # empty: the parts to fill in
    ("feedback.inbox", "GET"): inside(200),
    ("feedback.reply", "POST"): {**inside(403), "member": 302},
    ("feedback.helpful", "POST"): {**inside(403), "member": 302},
    ("feedback.share", "POST"): {**inside(403), "member": 302},
    ("feedback_organizer.current", "GET"): organizers_only(302),
    ("feedback_organizer.coverage", "GET"): organizers_only(200),
    ("feedback_organizer.generate", "POST"): organizers_only(302),
    ("feedback_organizer.add", "POST"): organizers_only(302),
    ("feedback_organizer.remove", "POST"): organizers_only(302),
    ("inventory_organizer.month", "GET"): organizers_only(200),
    ("inventory_organizer.month_csv", "GET"): organizers_only(200),
    ("inventory_organizer.template", "GET"): organizers_only(200),
    ("inventory_organizer.template", "POST"): organizers_only(302),
    ("inventory_organizer.prompts", "GET"): organizers_only(200),
    ("inventory_organizer.prompts", "POST"): organizers_only(302),
    # Who might need a hand and the cohort's health: organizers only, never mentors. Empty
    # forms are refused with a message (302) or shown again with what is missing (400).
    ("signals.index", "GET"): organizers_only(200),
    ("signals.dismiss", "POST"): organizers_only(302),
    ("signals.talk", "POST"): organizers_only(302),
    ("signals.remove_talk", "POST"): organizers_only(302),
    ("signals.note", "GET"): organizers_only(200),
    ("signals.note", "POST"): organizers_only(400),
    ("signals.trends", "GET"): organizers_only(200),
    ("signals.trends_csv", "GET"): organizers_only(200),
    # Seasons and the year in review: a year is its member's alone until shared (the member
    # of the world shares none); the archive of a closed season is the cohort's to read.
    ("year.show", "GET"): {**inside(404), "member": 200},
    ("year.markdown", "GET"): {**inside(404), "member": 200},
    ("year.share", "POST"): inside(302),  # no choice sent: a message, nothing shared
    ("year.seasons", "GET"): inside(200),
    ("year.seasons", "POST"): organizers_only(200),  # an empty form: what to fill in
    ("year.season", "GET"): inside(200),
    # Running a session live: the facilitator (here the organizer) changes its state; members
    # and mentors follow it and keep their own notes. Empty forms are refused with a message.
    ("live.page", "GET"): inside(200),
    ("live.state_json", "GET"): {**inside(200), "anonymous": 404},  # polled: no login page
    ("live.start", "POST"): organizers_only(302),
    ("live.control", "POST"): organizers_only(302),
    ("live.reorder", "POST"): organizers_only(302),
    ("live.notes", "POST"): organizers_only(302),
    ("live.check_in", "POST"): organizers_only(302),
    ("live.facilitator", "POST"): organizers_only(302),
    ("live.my_note", "POST"): inside(302),
    ("live.draft", "POST"): inside(404),  # nobody's note 1
    ("live.checkout", "POST"): inside(302),
    # Mentoring: the world's member is mentored by its mentor. Empty forms fail validation
    # (400) or flash why nothing happened (302).
    ("mentoring.index", "GET"): inside(200),
    ("mentoring.settings", "POST"): organizers_only(302),
    ("mentoring.profile", "GET"): {**inside(403), "mentor": 200},
    ("mentoring.profile", "POST"): {**inside(403), "mentor": 400},
    ("mentoring.reflection", "POST"): inside(302),  # non-mentors: a refusal flashed
    ("mentoring.ask", "GET"): {**inside(403), "member": 200},
    ("mentoring.ask", "POST"): {**inside(403), "member": 400},
    ("mentoring.withdraw", "POST"): {**inside(302), "mentor": 403},  # no longer open: flashed
    ("mentoring.propose", "POST"): organizers_only(302),
    ("mentoring.take", "POST"): inside(302),  # the cohort does not allow it: flashed
    ("mentoring.accept", "POST"): pair_only(302),  # not waiting for an answer: flashed
    ("mentoring.decline", "POST"): pair_only(302),
    ("mentoring.pair", "GET"): pair_only(200),
    ("mentoring.agreement", "GET"): pair_only(200),
    ("mentoring.agreement", "POST"): pair_only(400),
    ("mentoring.comment", "POST"): pair_only(302),
    ("mentoring.edit_comment", "POST"): pair_only(302),  # the mentee's try: flashed
    ("mentoring.log", "GET"): pair_only(200),
    ("mentoring.log", "POST"): pair_only(400),
    ("mentoring.step", "POST"): pair_only(302),
    ("mentoring.phase", "POST"): pair_only(302),
    ("mentoring.remove_phase", "POST"): pair_only(302),
    ("mentoring.edit_phase", "POST"): pair_only(302),
    ("mentoring.review", "GET"): pair_only(200),
    ("mentoring.review", "POST"): pair_only(400),
    ("mentoring.end", "GET"): pair_only(200),
    ("mentoring.end", "POST"): pair_only(302),  # an empty closing note is allowed
}


def routes(app) -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


# Listing routes needs an app but no database.
ROUTES = routes(create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"}))


def test_every_route_has_an_expectation():
    missing = [route for route in ROUTES if route not in EXPECTATIONS]
    assert missing == [], "add these routes to EXPECTATIONS in tests/test_permissions.py"
    assert set(EXPECTATIONS) - set(ROUTES) == set()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_permission_matrix(app, world, actor, endpoint, method):
    """Each request on a fresh world: a POST in one cell never changes another cell."""
    client = app.test_client()
    login_as(client, world, actor)
    if endpoint == "auth.reset_password":
        url = "/password/reset/not-a-token"
    else:
        (rule,) = (r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        values = world.url_values()
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
    response = client.open(url, method=method, data={})
    assert response.status_code == EXPECTATIONS[(endpoint, method)][actor]


def row_counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Cohort, Membership, Invitation, MembershipEvent)
    }


def test_guessing_ids_of_another_cohort_gives_404_and_changes_nothing(app, world):
    """An organizer of A aims every organizer action at B's objects through A's URLs and
    B's URLs: always 404, never a change."""
    client = app.test_client()
    login_as(client, world, "organizer")
    other = world.other_cohort
    other_membership = db.session.scalar(select(Membership).where(Membership.cohort_id == other.id))
    other_invitation = world.other_issued.invitation
    before = row_counts()
    a, b = world.cohort.slug, other.slug
    attempts = [
        ("POST", f"/c/{a}/organize/members/{other_membership.id}/role", {"role": "mentor"}),
        ("POST", f"/c/{a}/organize/members/{other_membership.id}/remove", {}),
        ("POST", f"/c/{a}/organize/invitations/{other_invitation.id}/revoke", {}),
        ("GET", f"/c/{a}/members/{other_membership.user_id}", {}),
        ("POST", f"/c/{b}/organize/members/{other_membership.id}/role", {"role": "mentor"}),
        ("POST", f"/c/{b}/organize/members/{other_membership.id}/remove", {}),
        ("POST", f"/c/{b}/organize/invitations/{other_invitation.id}/revoke", {}),
        ("POST", f"/c/{b}/organize/settings", {"name": "Taken over"}),
        ("POST", f"/c/{b}/organize/archive", {"archived": "1"}),
        ("POST", f"/c/{b}/organize/invitations/link", {"max_uses": 5, "valid_days": 5}),
        ("GET", f"/c/{b}/", {}),
        ("GET", f"/c/{b}/organize/log", {}),
    ]
    for method, url, data in attempts:
        assert client.open(url, method=method, data=data).status_code == 404, url
    db.session.expire_all()
    assert row_counts() == before
    assert db.session.get(Membership, other_membership.id).role.value == "organizer"
    assert db.session.get(Invitation, other_invitation.id).revoked_at is None
    assert not db.session.get(Cohort, other.id).is_archived


def test_a_member_cannot_manage_and_nothing_changes(app, world):
    client = app.test_client()
    login_as(client, world, "member")
    mentor = world.memberships["mentor"]
    before = row_counts()
    slug = world.cohort.slug
    assert client.post(f"/c/{slug}/organize/members/{mentor.id}/remove").status_code == 403
    assert (
        client.post(f"/c/{slug}/organize/members/{mentor.id}/role", data={"role": "organizer"})
    ).status_code == 403
    db.session.expire_all()
    assert row_counts() == before
    assert db.session.get(Membership, mentor.id).is_active


def test_a_removed_member_loses_access_on_the_next_request(app, world):
    member_client = app.test_client()
    login_as(member_client, world, "member")
    slug = world.cohort.slug
    assert member_client.get(f"/c/{slug}/").status_code == 200
    organizer_client = app.test_client()
    login_as(organizer_client, world, "organizer")
    membership_id = world.memberships["member"].id
    organizer_client.post(f"/c/{slug}/organize/members/{membership_id}/remove")
    assert member_client.get(f"/c/{slug}/").status_code == 404
    assert member_client.get(f"/c/{slug}/members/").status_code == 404


def test_role_fields_are_never_taken_from_requests_that_do_not_set_roles(app, world):
    """Joining through a member invitation with role=organizer in the form stays member."""
    client = app.test_client()
    login_as(client, world, "outsider")
    client.post(f"/join/{world.issued.token}", data={"role": "organizer", "cohort_id": "999"})
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == world.users["outsider"].id)
    )
    assert membership.cohort_id == world.cohort.id
    assert membership.role.value == "member"


def test_may_see_agrees_with_the_list_of_visible(app):
    """For generated data, can(VIEW) and visible_*() agree for every user and object."""
    users = [factories.make_user() for _ in range(6)]
    cohorts = [factories.make_cohort(users[i], name=f"C{i}") for i in range(3)]
    statuses = itertools.cycle(["active", "active", "left", "removed"])
    roles = itertools.cycle(["member", "mentor", "member"])
    for user, cohort in itertools.product(users[3:], cohorts):
        if (user.id + cohort.id) % 3:
            factories.add_member(cohort, user, role=next(roles), status=next(statuses))
    factories.make_cohort(users[0], name="Archived", is_archived=True)
    all_cohorts = db.session.scalars(select(Cohort)).all()
    all_memberships = db.session.scalars(select(Membership)).all()
    for user in users:
        visible = set(db.session.scalars(visible_cohorts(user)))
        assert visible == {c for c in all_cohorts if can(user, Action.VIEW, c)}
        visible_members = set(db.session.scalars(visible_memberships(user)))
        assert visible_members == {m for m in all_memberships if can(user, Action.VIEW, m)}
    assert set(db.session.scalars(visible_cohorts(None))) == set()


def test_cheering_from_a_cards_facts_agrees_with_can_cheer(app):
    """The feed answers the cheer permission from its slice's columns (``can_cheer_from_facts``):
    the same answer as ``can_cheer`` on the entities, in an open cohort, an archived one, a
    closed season, on the viewer's own inventory, and for someone outside the cohort."""
    viewer, author, outsider = (factories.make_user() for _ in range(3))

    def shared_month(name: str):
        cohort = factories.make_cohort(name=name)
        for person in (viewer, author):
            factories.add_member(cohort, person)
        meeting = session_for(cohort, days_ahead=-3)
        return cohort, meeting, write(author, meeting), write(viewer, meeting)

    _open, _meeting, peers, own = shared_month("Open")
    archived, _meeting, in_archived, _own = shared_month("Archived")
    archived.is_archived = True
    closed, meeting, in_closed, _own = shared_month("Closed")
    season = Season(
        cohort_id=closed.id,
        name="Past",
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 12, 31),
        closed_by_id=author.id,
    )
    db.session.add(season)
    db.session.flush()
    meeting.season_id = season.id
    db.session.commit()

    def from_facts(user, inventory) -> bool:
        return can_cheer_from_facts(
            user,
            author_id=inventory.user_id,
            is_shared=inventory.is_shared,
            is_active_member=active_membership(user, inventory.cohort) is not None,
            cohort_is_archived=inventory.cohort.is_archived,
            session_is_closed=inventory.meeting.season_id is not None,
        )

    cases = {
        "open cohort": (viewer, peers, True),
        "archived cohort": (viewer, in_archived, False),
        "closed season": (viewer, in_closed, False),
        "own inventory": (viewer, own, False),
        "outside the cohort": (outsider, peers, False),
    }
    for case, (user, inventory, expected) in cases.items():
        assert can_cheer(user, inventory) is expected, case
        assert from_facts(user, inventory) is expected, case
