"""Mentoring: profiles and requests, suggested matches within capacity, pairing, accepting
and refusing, the agreement, the pair's space with its log and next steps, reviews that hide
the other side until both answered, ending, and who may read any of it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cohort.cohorts import services as cohort_services
from cohort.cohorts.models import Role
from cohort.delivery.models import Notification
from cohort.errors import DomainError
from cohort.extensions import db
from cohort.inventories.models import Goal
from cohort.mentoring import services, space
from cohort.mentoring.models import (
    Decision,
    GoalComment,
    MentoringRequest,
    NextStep,
    Pairing,
    PairingStatus,
    PlanPhase,
    RequestStatus,
    Side,
)
from cohort.mentoring.overview import pairing_summaries
from cohort.permissions import NotAllowed

from . import factories


class Circle:
    """A cohort with an organizer, a member with two goals, two mentors with profiles."""

    def __init__(self):
        self.organizer = factories.make_user(display_name="Olga")
        self.cohort = factories.make_cohort(self.organizer)
        self.member = factories.make_user(display_name="Mia")
        self.membership = factories.add_member(self.cohort, self.member)
        self.data_mentor = factories.make_user(display_name="Dana")
        self.design_mentor = factories.make_user(display_name="Desi")
        self.data_membership = factories.add_member(self.cohort, self.data_mentor, role="mentor")
        self.design_membership = factories.add_member(
            self.cohort, self.design_mentor, role="mentor"
        )
        services.save_profile(
            self.data_mentor,
            self.cohort,
            services.ProfileInput(
                fields="data analysis, SQL", roles_held="Analyst, data lead", years=9, capacity=1
            ),
        )
        services.save_profile(
            self.design_mentor,
            self.cohort,
            services.ProfileInput(fields="UX design", roles_held="Designer", years=6, capacity=2),
        )
        self.goal = Goal(user_id=self.member.id, title="Learn SQL well")
        self.other_goal = Goal(user_id=self.member.id, title="Ship a portfolio")
        db.session.add_all([self.goal, self.other_goal])
        db.session.commit()

    def ask(self, wish="I want to move into data analysis within a year"):
        request = services.create_request(self.member, self.cohort, wish, [self.goal.id])
        db.session.commit()
        return request

    def active_pair(self) -> Pairing:
        request = self.ask()
        pairing = services.pair(self.organizer, self.cohort, request, self.data_membership.id)
        services.accept_pairing(self.data_mentor, pairing)
        db.session.commit()
        return pairing


@pytest.fixture
def circle(app):
    return Circle()


def test_suggestions_put_the_overlapping_mentor_first_and_respect_capacity(circle):
    request = circle.ask()
    (item,) = services.open_requests(circle.cohort)
    assert item.request.id == request.id and item.goals == [circle.goal]
    names = [m.profile.membership.user.display_name for m in item.matches]
    assert names == ["Dana", "Desi"]
    assert "data analysis" in item.matches[0].shared and item.matches[0].score > 0
    # Dana's one place taken by someone else: she is no longer suggested, nor pairable.
    other = factories.add_member(circle.cohort)
    second = services.create_request(other.user, circle.cohort, "data analysis too", [])
    services.pair(circle.organizer, circle.cohort, second, circle.data_membership.id)
    db.session.commit()
    (item,) = services.open_requests(circle.cohort)
    assert [m.profile.membership.user.display_name for m in item.matches] == ["Desi"]
    with pytest.raises(DomainError):
        services.pair(circle.organizer, circle.cohort, request, circle.data_membership.id)


def test_a_request_links_only_the_members_own_goals_and_is_one_at_a_time(circle):
    stranger_goal = Goal(user_id=circle.organizer.id, title="Not hers")
    db.session.add(stranger_goal)
    db.session.commit()
    request = services.create_request(
        circle.member, circle.cohort, "Help", [circle.goal.id, stranger_goal.id, circle.goal.id]
    )
    assert request.goal_ids == [circle.goal.id]
    with pytest.raises(DomainError):
        services.create_request(circle.member, circle.cohort, "Again", [])
    with pytest.raises(DomainError):  # mentors do not ask, members do
        services.create_request(circle.data_mentor, circle.cohort, "Me too", [])


def test_organizer_pairs_mentor_accepts_and_the_mentee_is_told(circle):
    request = circle.ask()
    pairing = services.pair(circle.organizer, circle.cohort, request, circle.data_membership.id)
    db.session.commit()
    assert pairing.status == PairingStatus.PROPOSED and request.status == RequestStatus.PAIRED
    with pytest.raises(DomainError):  # only the proposed mentor answers
        services.accept_pairing(circle.member, pairing)
    services.accept_pairing(circle.data_mentor, pairing)
    db.session.commit()
    assert pairing.status == PairingStatus.ACTIVE and pairing.started_on is not None
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert {"mentoring_proposed", "mentoring_started"} <= kinds


def test_a_mentor_who_refuses_reopens_the_request(circle):
    request = circle.ask()
    pairing = services.pair(circle.organizer, circle.cohort, request, circle.data_membership.id)
    services.decline_pairing(circle.data_mentor, pairing)
    db.session.commit()
    assert pairing.status == PairingStatus.DECLINED
    assert request.status == RequestStatus.OPEN
    assert [r.request.id for r in services.open_requests(circle.cohort)] == [request.id]


def test_mentors_take_requests_directly_only_when_the_cohort_allows(circle):
    request = circle.ask()
    with pytest.raises(DomainError):
        services.accept_request(circle.design_mentor, circle.cohort, request)
    services.set_direct_accept(circle.organizer, circle.cohort, True)
    pairing = services.accept_request(circle.design_mentor, circle.cohort, request)
    db.session.commit()
    assert pairing.status == PairingStatus.ACTIVE
    assert pairing.mentor_id == circle.design_membership.id
    with pytest.raises(NotAllowed):
        services.set_direct_accept(circle.member, circle.cohort, False)


def test_the_agreement_is_written_by_both_and_names_the_last_writer(circle):
    pairing = circle.active_pair()
    agreement = services.AgreementInput(
        goals_text="A first analyst role",
        goal_ids=[circle.goal.id, circle.other_goal.id],
        meeting_frequency="Every two weeks",
        contact_way="Chat",
        review_months=2,
    )
    services.update_agreement(circle.member, pairing, agreement)
    assert pairing.agreement_by_id == circle.member.id and pairing.review_months == 2
    services.update_agreement(circle.data_mentor, pairing, agreement)
    assert pairing.agreement_by_id == circle.data_mentor.id
    with pytest.raises(NotAllowed) as refused:
        services.update_agreement(circle.organizer, pairing, agreement)
    assert refused.value.status_code == 404
    with pytest.raises(DomainError):
        services.update_agreement(circle.member, pairing, services.AgreementInput(review_months=13))


def test_next_steps_are_carried_forward_until_done(circle):
    pairing = circle.active_pair()
    today = pairing.started_on
    first = space.log_one_to_one(
        circle.data_mentor,
        pairing,
        today,
        "Talked about SQL",
        [
            space.StepInput("Finish the SQL course", Side.MENTEE, today + timedelta(days=14)),
            space.StepInput("Send two job posts", Side.MENTOR),
        ],
        next_meeting_on=today + timedelta(days=14),
    )
    db.session.commit()
    assert pairing.next_meeting_on == today + timedelta(days=14)
    space.log_one_to_one(circle.member, pairing, today + timedelta(days=14), "Second", [])
    db.session.commit()
    page = space.pair_page(circle.member, pairing)
    assert [s.text for s in page.open_steps] == ["Finish the SQL course", "Send two job posts"]
    assert len(page.meetings) == 2 and page.steps_by_meeting[first.id]
    course = db.session.scalar(select(NextStep).where(NextStep.text == "Finish the SQL course"))
    space.set_step_done(circle.member, pairing, course.id, True)
    db.session.commit()
    assert [s.text for s in space.pair_page(circle.member, pairing).open_steps] == [
        "Send two job posts"
    ]
    with pytest.raises(DomainError):
        space.log_one_to_one(circle.member, pairing, today - timedelta(days=1), "Before", [])


def test_only_the_mentor_comments_on_the_mentees_own_goals(circle):
    pairing = circle.active_pair()
    space.comment_on_goal(circle.data_mentor, pairing, circle.goal.id, "Try window functions")
    db.session.commit()
    page = space.pair_page(circle.member, pairing)
    assert [c.body for c in page.comments[circle.goal.id]] == ["Try window functions"]
    with pytest.raises(DomainError):
        space.comment_on_goal(circle.member, pairing, circle.goal.id, "Me")
    with pytest.raises(DomainError):
        mine = Goal(user_id=circle.data_mentor.id, title="Mentor's own")
        db.session.add(mine)
        db.session.flush()
        space.comment_on_goal(circle.data_mentor, pairing, mine.id, "No")


def test_a_review_shows_the_other_side_only_after_both_answered(circle):
    pairing = circle.active_pair()
    space.answer_review(circle.member, pairing, 4, "More practice", Decision.CHANGE_FOCUS)
    db.session.commit()
    mentor_view = space.pair_page(circle.data_mentor, pairing).review
    assert mentor_view.round == 1 and mentor_view.mine is None and mentor_view.past == []
    member_view = space.pair_page(circle.member, pairing).review
    assert member_view.waiting_for_other and member_view.past == []
    with pytest.raises(DomainError):
        space.answer_review(circle.member, pairing, 5, "", Decision.CONTINUE)
    space.answer_review(circle.data_mentor, pairing, 5, "", Decision.CONTINUE)
    db.session.commit()
    member_view = space.pair_page(circle.member, pairing).review
    assert member_view.round == 2
    ((mine, theirs),) = member_view.past
    assert mine.side == Side.MENTEE and theirs.helping == 5
    assert member_view.due_on > pairing.started_on
    (summary,) = pairing_summaries(circle.cohort)
    assert summary.reviews_done == 1 and summary.asked_change and not summary.asked_end


def test_review_dates_follow_the_agreement(circle):
    pairing = circle.active_pair()
    pairing.started_on = date(2026, 1, 31)
    pairing.review_months = 3
    assert space.review_due_on(pairing, 1) == date(2026, 4, 28)
    assert space.review_due_on(pairing, 2) == date(2026, 7, 28)


def test_ending_keeps_the_history_and_the_member_may_ask_again(circle):
    pairing = circle.active_pair()
    space.log_one_to_one(circle.member, pairing, pairing.started_on, "Notes", [])
    services.end_pairing(circle.member, pairing, "Thank you, Dana")
    db.session.commit()
    assert pairing.status == PairingStatus.ENDED and pairing.mentee_closing == "Thank you, Dana"
    services.write_closing(circle.data_mentor, pairing, "It was a joy")
    assert pairing.mentor_closing == "It was a joy"
    assert len(space.pair_page(circle.member, pairing).meetings) == 1
    with pytest.raises(NotAllowed) as refused:  # readable, no longer changed
        space.log_one_to_one(circle.member, pairing, pairing.started_on, "More", [])
    assert refused.value.status_code == 403
    assert circle.ask("Now product management").status == RequestStatus.OPEN


@pytest.mark.parametrize("how", ["removed", "left"])
def test_ending_a_membership_ends_its_pairings(circle, how):
    pairing = circle.active_pair()
    if how == "removed":
        cohort_services.remove_member(circle.organizer, circle.membership)
    else:
        cohort_services.leave_cohort(circle.data_mentor, circle.cohort)
    db.session.commit()
    db.session.expire_all()
    pairing = db.session.get(Pairing, pairing.id)
    assert pairing.status == PairingStatus.ENDED and pairing.ended_on is not None


def test_a_proposed_mentor_who_leaves_reopens_the_request(circle):
    request = circle.ask()
    services.pair(circle.organizer, circle.cohort, request, circle.data_membership.id)
    db.session.commit()
    cohort_services.leave_cohort(circle.data_mentor, circle.cohort)
    db.session.commit()
    assert db.session.get(MentoringRequest, request.id).status == RequestStatus.OPEN


def test_only_the_two_open_the_pairs_space(circle, client):
    pairing = circle.active_pair()
    space.log_one_to_one(circle.data_mentor, pairing, pairing.started_on, "Secret notes", [])
    db.session.commit()
    url = f"/c/{circle.cohort.slug}/mentoring/pairs/{pairing.id}"
    for person, status in [
        (circle.member, 200),
        (circle.data_mentor, 200),
        (circle.organizer, 404),
        (circle.design_mentor, 404),
    ]:
        client.post("/login", data={"email": person.email, "password": factories.PASSWORD})
        response = client.get(url)
        assert response.status_code == status, person.display_name
        if status == 200:
            assert "Secret notes" in response.get_data(as_text=True)
        client.post("/logout")
    # The organizer's page names the pair and never its content.
    client.post("/login", data={"email": circle.organizer.email, "password": factories.PASSWORD})
    page = client.get(f"/c/{circle.cohort.slug}/mentoring").get_data(as_text=True)
    assert "Dana" in page and "Mia" in page and "Secret notes" not in page
    assert url not in page


def test_the_reflection_is_the_mentors_alone(circle, client):
    services.save_reflection(circle.data_mentor, circle.cohort, "Listening beats advice")
    db.session.commit()
    with pytest.raises(DomainError):
        services.save_reflection(circle.member, circle.cohort, "Not a mentor")
    client.post("/login", data={"email": circle.organizer.email, "password": factories.PASSWORD})
    page = client.get(f"/c/{circle.cohort.slug}/mentoring").get_data(as_text=True)
    assert "Listening beats advice" not in page
    assert client.get(f"/c/{circle.cohort.slug}/mentoring/profile").status_code == 403


def test_the_export_holds_ones_own_mentoring_and_only_ones_own_review(circle):
    from cohort.mentoring.export import mentoring

    pairing = circle.active_pair()
    space.log_one_to_one(circle.member, pairing, pairing.started_on, "We met", [])
    space.answer_review(circle.member, pairing, 3, "Mine", Decision.CONTINUE)
    space.answer_review(circle.data_mentor, pairing, 5, "Theirs", Decision.CONTINUE)
    services.save_reflection(circle.data_mentor, circle.cohort, "I learned to listen")
    db.session.commit()
    mine = mentoring(circle.member)
    (record,) = mine["pairings"]
    assert record["as"] == "mentee" and record["with"] == "Dana"
    assert record["one_to_ones"][0]["notes"] == "We met"
    assert [r["what_should_change"] for r in record["my_reviews"]] == ["Mine"]
    assert mine["mentor_profiles"] == [] and mine["requests"][0]["wish"].startswith("I want")
    theirs = mentoring(circle.data_mentor)
    assert theirs["mentor_profiles"][0]["reflection"] == "I learned to listen"
    assert "I learned to listen" not in str(mine)


def test_a_mentee_who_deletes_their_account_takes_the_pair_along(circle):
    from cohort.account.deletion import delete_account

    pairing = circle.active_pair()
    services.update_agreement(circle.member, pairing, services.AgreementInput(goals_text="x"))
    db.session.commit()
    pairing_id = pairing.id
    delete_account(circle.member, factories.PASSWORD)
    db.session.commit()
    assert db.session.get(Pairing, pairing_id) is None


def test_a_later_review_opens_two_weeks_before_its_date(circle):
    pairing = circle.active_pair()
    space.answer_review(circle.member, pairing, 4, "", Decision.CONTINUE)
    space.answer_review(circle.data_mentor, pairing, 4, "", Decision.CONTINUE)
    db.session.commit()
    with pytest.raises(DomainError):  # round 2 is three months away
        space.answer_review(circle.member, pairing, 4, "", Decision.CONTINUE)
    pairing.started_on -= timedelta(days=170)  # round 2 is now days away
    assert space.answer_review(circle.member, pairing, 4, "", Decision.CONTINUE).round == 2


def test_a_mentor_writes_their_profile_and_reflection_on_the_page(circle, client):
    client.post(
        "/login", data={"email": circle.design_mentor.email, "password": factories.PASSWORD}
    )
    url = f"/c/{circle.cohort.slug}/mentoring/profile"
    assert "UX design" in client.get(url).get_data(as_text=True)
    data = {
        "fields": "UX research, service design",
        "roles_held": "Design lead",
        "years": "12",
        "will_do": "Portfolio reviews",
        "will_not_do": "Referrals",
        "capacity": "3",
    }
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data={**data, "capacity": "99"}).status_code == 400
    client.post(f"/c/{circle.cohort.slug}/mentoring/reflection", data={"reflection": "Patience"})
    profile = services.profile_of(circle.design_membership)
    db.session.refresh(profile)
    assert (profile.fields, profile.capacity, profile.reflection) == (
        "UX research, service design",
        3,
        "Patience",
    )


def test_a_mentor_takes_a_request_from_the_page_where_the_cohort_allows(circle, client):
    request = circle.ask()
    services.set_direct_accept(circle.organizer, circle.cohort, True)
    db.session.commit()
    client.post(
        "/login", data={"email": circle.design_mentor.email, "password": factories.PASSWORD}
    )
    base = f"/c/{circle.cohort.slug}/mentoring"
    assert "Mentor Mia" in client.get(base).get_data(as_text=True)
    response = client.post(f"{base}/requests/{request.id}/accept")
    pairing = db.session.scalar(select(Pairing).where(Pairing.request_id == request.id))
    assert response.headers["Location"] == f"{base}/pairs/{pairing.id}/agreement"
    assert pairing.status == PairingStatus.ACTIVE


def test_a_mentor_who_deletes_their_account_leaves_the_record_to_the_mentee(circle, client):
    from cohort.account.deletion import delete_account

    pairing = circle.active_pair()
    space.log_one_to_one(circle.data_mentor, pairing, pairing.started_on, "Kept notes", [])
    db.session.commit()
    delete_account(circle.data_mentor, factories.PASSWORD)
    db.session.commit()
    db.session.expire_all()
    pairing = db.session.get(Pairing, pairing.id)
    assert pairing.mentor_id is None and pairing.status == PairingStatus.ENDED
    client.post("/login", data={"email": circle.member.email, "password": factories.PASSWORD})
    page = client.get(f"/c/{circle.cohort.slug}/mentoring/pairs/{pairing.id}")
    assert page.status_code == 200
    assert "Kept notes" in page.get_data(as_text=True)
    assert "a former member" in page.get_data(as_text=True)
    assert "a former member" in client.get(f"/c/{circle.cohort.slug}/mentoring").get_data(
        as_text=True
    )


def test_a_refusal_tells_the_member_and_the_organizers_in_their_language(app, circle):
    from flask_babel import force_locale

    from cohort.delivery.notices import message_of

    request = circle.ask()
    pairing = services.pair(circle.organizer, circle.cohort, request, circle.data_membership.id)
    services.decline_pairing(circle.data_mentor, pairing)
    db.session.commit()
    assert db.session.get(MentoringRequest, request.id).status == RequestStatus.OPEN
    notices = {
        n.user_id: n
        for n in db.session.scalars(
            select(Notification).where(Notification.kind.startswith("mentoring_declined"))
        )
    }
    assert set(notices) == {circle.member.id, circle.organizer.id}
    to_member, to_organizer = notices[circle.member.id], notices[circle.organizer.id]
    assert to_member.kind == "mentoring_declined"
    assert to_organizer.kind == "mentoring_declined_organizer"
    assert to_member.url == to_organizer.url == f"/c/{circle.cohort.slug}/mentoring"
    with app.test_request_context(), force_locale("en"):
        assert message_of(to_member) == "Dana cannot mentor you; your request is open again."
        assert "Mia's request" in message_of(to_organizer)
    with app.test_request_context(), force_locale("ja"):
        assert message_of(to_member).startswith("Danaさんはメンターを引き受けられませんでした")
        assert "Miaさんの希望を辞退しました" in message_of(to_organizer)


def test_a_mentor_made_a_member_ends_their_pairings_and_reopens_the_proposed(circle):
    active = circle.active_pair()
    other = factories.add_member(circle.cohort)
    second = services.create_request(other.user, circle.cohort, "Design help", [])
    proposed = services.pair(circle.organizer, circle.cohort, second, circle.design_membership.id)
    # The design mentor, made a member, loses the proposal; the data mentor, made an
    # organizer, ends their mentoring; a mentee's pairing stays when they become an organizer.
    third = factories.add_member(circle.cohort)
    own = services.create_request(third.user, circle.cohort, "UX", [])
    kept = services.pair(circle.organizer, circle.cohort, own, circle.design_membership.id)
    services.accept_pairing(circle.design_mentor, kept)
    db.session.commit()
    cohort_services.change_role(circle.organizer, circle.design_membership, Role.MEMBER)
    cohort_services.change_role(circle.organizer, circle.data_membership, Role.ORGANIZER)
    cohort_services.change_role(circle.organizer, circle.membership, Role.MENTOR)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Pairing, active.id).status == PairingStatus.ENDED
    assert db.session.get(Pairing, proposed.id).status == PairingStatus.DECLINED
    assert db.session.get(Pairing, kept.id).status == PairingStatus.ENDED
    assert db.session.get(MentoringRequest, second.id).status == RequestStatus.OPEN
    assert db.session.get(Pairing, active.id).ended_on is not None


def test_a_mentee_made_a_mentor_keeps_their_own_mentoring(circle):
    pairing = circle.active_pair()
    cohort_services.change_role(circle.organizer, circle.membership, Role.MENTOR)
    db.session.commit()
    assert db.session.get(Pairing, pairing.id).status == PairingStatus.ACTIVE


def test_the_mentor_edits_their_own_comments_only(circle):
    pairing = circle.active_pair()
    comment = space.comment_on_goal(circle.data_mentor, pairing, circle.goal.id, "Try joins")
    db.session.commit()
    space.edit_comment(circle.data_mentor, pairing, comment.id, "  Try window functions ")
    db.session.commit()
    assert db.session.get(GoalComment, comment.id).body == "Try window functions"
    with pytest.raises(DomainError):  # the mentee does not reword the mentor
        space.edit_comment(circle.member, pairing, comment.id, "Nothing to do")
    with pytest.raises(DomainError):
        space.edit_comment(circle.data_mentor, pairing, comment.id, "   ")
    with pytest.raises(DomainError):
        space.edit_comment(circle.data_mentor, pairing, comment.id + 999, "Elsewhere")
    db.session.rollback()
    assert db.session.get(GoalComment, comment.id).body == "Try window functions"


def test_either_side_edits_a_phase_of_their_own_plan(circle):
    pairing = circle.active_pair()
    phase = space.add_phase(circle.member, pairing, "Learn", 1, 3, "SQL course")
    db.session.commit()
    space.edit_phase(circle.data_mentor, pairing, phase.id, "Learn SQL", 1, 4, "Course\nKata")
    db.session.commit()
    phase = db.session.get(PlanPhase, phase.id)
    assert (phase.name, phase.first_month, phase.last_month, phase.task_list) == (
        "Learn SQL",
        1,
        4,
        ["Course", "Kata"],
    )
    space.edit_phase(circle.member, pairing, phase.id, "Learn", 2, 2, "")
    db.session.commit()
    assert (phase.name, phase.first_month, phase.last_month) == ("Learn", 2, 2)
    with pytest.raises(DomainError):
        space.edit_phase(circle.member, pairing, phase.id, "Learn", 5, 2, "")
    with pytest.raises(DomainError):
        space.edit_phase(circle.member, pairing, phase.id, "", 1, 2, "")
    with pytest.raises(NotAllowed):
        space.edit_phase(circle.design_mentor, pairing, phase.id, "Mine now", 1, 2, "")


def test_the_pair_edits_comments_and_phases_on_the_page(circle, client):
    pairing = circle.active_pair()
    comment = space.comment_on_goal(circle.data_mentor, pairing, circle.goal.id, "Try joins")
    phase = space.add_phase(circle.member, pairing, "Learn", 1, 3, "SQL course")
    db.session.commit()
    base = f"/c/{circle.cohort.slug}/mentoring/pairs/{pairing.id}"
    client.post("/login", data={"email": circle.member.email, "password": factories.PASSWORD})
    page = client.get(base).get_data(as_text=True)
    assert "Edit the phase" in page and "Edit the comment" not in page  # the mentee's view
    response = client.post(
        f"{base}/phases/edit",
        data={"item_id": phase.id, "name": "Apply", "first_month": 4, "last_month": 6},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#plan")
    client.post(f"{base}/comments/edit", data={"item_id": comment.id, "body": "Mine"})
    client.post("/logout")
    client.post("/login", data={"email": circle.data_mentor.email, "password": factories.PASSWORD})
    client.post("/language", data={"locale": "ja"})
    page = client.get(base).get_data(as_text=True)
    assert "コメントを編集" in page and "段階を編集" in page and "Apply" in page
    client.post(f"{base}/comments/edit", data={"item_id": comment.id, "body": "Use CTEs"})
    db.session.expire_all()
    assert db.session.get(GoalComment, comment.id).body == "Use CTEs"
    assert db.session.get(PlanPhase, phase.id).first_month == 4
