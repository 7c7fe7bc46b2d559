"""Peer feedback: giving it (once, until the due time), replies, "helpful", sharing, who sees
what, the pages, and the self-trait picker and blind-spot map."""

import itertools
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from cohort.cohorts.models import Membership
from cohort.delivery.models import Notification
from cohort.errors import DomainError
from cohort.extensions import db
from cohort.feedback import reading, services
from cohort.feedback.models import Feedback
from cohort.feedback.services import FeedbackInput, give_feedback
from cohort.inventories.models import Inventory
from cohort.inventories.services import InventoryInput, save_inventory
from cohort.permissions import Action, NotAllowed, can, visible_feedback

from . import factories
from .test_inventories import session_for

ASK = "How do I show impact without numbers?"


@pytest.fixture
def circle(app, user):
    """Ann organizes; Ken (who shared, asking for feedback), Aiko and Mentor Mo are in it."""
    cohort = factories.make_cohort(user, name="Circle")
    people = {
        name: factories.make_user(display_name=name, email=f"{name.lower()}@example.org")
        for name in ("Ken", "Aiko", "Mo")
    }
    factories.add_member(cohort, people["Ken"])
    factories.add_member(cohort, people["Aiko"])
    factories.add_member(cohort, people["Mo"], role="mentor")
    meeting = session_for(cohort)
    inventory = factories.make_shared_inventory(
        meeting, people["Ken"], did="Ran a **workshop**.", feedback_ask=ASK
    )
    return SimpleNamespace(
        cohort=cohort, organizer=user, meeting=meeting, inventory=inventory, **people
    )


def feedback_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Feedback))


def notifications(user, kind: str) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).all()


def login(client, user):
    assert client.post("/login", data={"email": user.email, "password": "a long enough passphrase"})


def form_data(**overrides) -> dict:
    data = {**factories.FEEDBACK_PARTS, "traits": ["explains_clearly", "curious"]}
    return {**data, **overrides}


# Giving ------------------------------------------------------------------------------------


def test_give_feedback_renders_markdown_and_tells_the_recipient(circle):
    feedback = factories.make_feedback(circle.inventory, circle.Aiko, situation="In **the** demo")
    assert feedback.situation_html == "<p>In <strong>the</strong> demo</p>"
    assert feedback.traits == ["calm_under_pressure"]
    assert feedback.recipient_id == circle.Ken.id
    (note,) = notifications(circle.Ken, "feedback_received")
    assert note.data == {"giver": "Aiko"}
    assert note.url == f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}#feedback"


def test_one_feedback_per_giver_per_inventory_a_second_send_edits_it(circle):
    factories.make_feedback(circle.inventory, circle.Aiko)
    factories.make_feedback(circle.inventory, circle.Aiko, impact="Two clients booked again")
    assert feedback_count() == 1
    assert db.session.scalar(select(Feedback.impact)) == "Two clients booked again"
    assert len(notifications(circle.Ken, "feedback_received")) == 1


def test_a_simultaneous_double_submit_makes_one_row(circle, monkeypatch):
    """The second request did not see the first's row yet: the unique key catches it."""
    factories.make_feedback(circle.inventory, circle.Aiko)
    real_find = services.find_feedback
    calls = iter([None])
    monkeypatch.setattr(
        services, "find_feedback", lambda *args: next(calls, None) or real_find(*args)
    )
    data = FeedbackInput(**factories.FEEDBACK_PARTS, traits=["curious"])
    feedback = give_feedback(circle.Aiko, circle.inventory, data)
    db.session.commit()
    assert feedback_count() == 1
    assert feedback.traits == ["curious"]


def test_double_posting_the_form_keeps_one_piece(circle, client):
    login(client, circle.Aiko)
    url = f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}/feedback"
    for _ in range(2):
        assert client.post(url, data=form_data()).status_code == 302
    assert feedback_count() == 1


def test_feedback_can_be_edited_until_the_due_time_and_not_after(circle):
    factories.make_feedback(circle.inventory, circle.Aiko)
    circle.meeting.feedback_due_at = services.utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(DomainError, match="closed"):
        factories.make_feedback(circle.inventory, circle.Aiko, impact="Changed my mind")
    db.session.rollback()
    assert db.session.scalar(select(Feedback.impact)) == factories.FEEDBACK_PARTS["impact"]


def test_after_the_due_time_the_form_sends_back_to_the_inventory(circle, client):
    circle.meeting.feedback_due_at = services.utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(client, circle.Aiko)
    response = client.get(f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}/feedback")
    assert response.location.endswith(f"/inventories/{circle.inventory.id}#feedback")


def test_no_feedback_on_drafts_on_ones_own_inventory_or_across_cohorts(circle):
    draft = save_inventory(
        circle.Aiko, circle.meeting, InventoryInput(answers={"did": "Still writing"}), 0
    )
    db.session.commit()
    with pytest.raises(NotAllowed) as refused:
        factories.make_feedback(draft, circle.Ken)
    assert refused.value.status_code == 404
    with pytest.raises(NotAllowed) as refused:
        factories.make_feedback(circle.inventory, circle.Ken)
    assert refused.value.status_code == 403
    stranger = factories.make_user(display_name="Stranger")
    factories.make_cohort(stranger, name="Elsewhere")
    with pytest.raises(NotAllowed) as refused:
        factories.make_feedback(circle.inventory, stranger)
    assert refused.value.status_code == 404
    db.session.rollback()
    assert feedback_count() == 0


def test_an_inventory_of_another_cohort_through_this_cohorts_url_is_404(circle, client):
    other = factories.make_cohort(circle.Aiko, name="Aiko's own")
    their = factories.make_shared_inventory(session_for(other), circle.Aiko)
    login(client, circle.Ken)
    url = f"/c/{circle.cohort.slug}/inventories/{their.id}/feedback"
    assert client.post(url, data=form_data()).status_code == 404
    assert feedback_count() == 0


def test_mentors_and_organizers_give_feedback_too(circle):
    factories.make_feedback(circle.inventory, circle.Mo)
    factories.make_feedback(circle.inventory, circle.organizer)
    assert feedback_count() == 2


def test_every_missing_part_is_explained_at_once(circle):
    data = FeedbackInput(situation="Short", question="Why not try it", traits=[])
    with pytest.raises(services.InvalidFeedback) as invalid:
        give_feedback(circle.Aiko, circle.inventory, data)
    assert set(invalid.value.problems) == {
        "ask_answer",
        "situation",
        "behaviour",
        "impact",
        "question",
        "traits",
    }
    assert "at least 10 characters" in str(invalid.value.problems["situation"])
    assert "question mark" in str(invalid.value.problems["question"])


def test_the_answer_to_the_ask_is_optional_when_nothing_was_asked(circle):
    quiet = factories.make_shared_inventory(circle.meeting, circle.Aiko)
    feedback = factories.make_feedback(quiet, circle.Ken, ask_answer="")
    assert feedback.ask_answer == ""


def test_one_to_three_known_traits(circle):
    too_many = ["curious", "keeps_promises", "plans_ahead", "learns_quickly"]
    for traits in ([], too_many, ["not_a_trait"]):
        data = FeedbackInput(**factories.FEEDBACK_PARTS, traits=traits)
        assert "traits" in services.feedback_problems(circle.inventory, data)


def test_keep_start_stop_is_kept_only_when_the_cohort_asks_for_it(circle):
    feedback = factories.make_feedback(circle.inventory, circle.Aiko, keep="Keep the Friday notes")
    assert feedback.keep == ""
    circle.cohort.keep_start_stop = True
    db.session.commit()
    feedback = factories.make_feedback(circle.inventory, circle.Aiko, keep="Keep the Friday notes")
    assert feedback.keep_html == "<p>Keep the Friday notes</p>"


def test_the_form_shows_the_ask_the_inventory_and_examples(circle, client):
    login(client, circle.Aiko)
    page = client.get(f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}/feedback")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ASK in text
    assert "Ran a <strong>workshop</strong>." in text
    assert "Example: “In last month's client workshop" in text
    assert "Ken and the organizers will read it" in text
    assert 'name="keep"' not in text  # off for new cohorts


def test_the_form_keeps_the_text_and_marks_the_parts_to_fix(circle, client):
    login(client, circle.Aiko)
    url = f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}/feedback"
    response = client.post(url, data=form_data(situation="Short", traits=[]))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A little more, please: at least 10 characters." in text
    assert "Pick one to three traits." in text
    assert factories.FEEDBACK_PARTS["impact"] in text
    assert feedback_count() == 0


# Receiving ----------------------------------------------------------------------------------


def test_the_recipient_replies_once_and_the_giver_is_told(circle):
    feedback = factories.make_feedback(circle.inventory, circle.Aiko)
    services.reply_to_feedback(circle.Ken, feedback, "Thank you, I will *try* it.")
    db.session.commit()
    assert feedback.reply_html == "<p>Thank you, I will <em>try</em> it.</p>"
    assert notifications(circle.Aiko, "feedback_replied")[0].data == {"recipient": "Ken"}
    with pytest.raises(DomainError, match="already replied"):
        services.reply_to_feedback(circle.Ken, feedback, "And another thing")


@pytest.mark.parametrize("who", ["Aiko", "Mo", "organizer"])
def test_only_the_recipient_replies_marks_helpful_or_shares(circle, who):
    feedback = factories.make_feedback(circle.inventory, circle.Aiko)
    someone = getattr(circle, who)
    for use_case in (
        lambda: services.reply_to_feedback(someone, feedback, "Thanks"),
        lambda: services.mark_helpful(someone, feedback),
        lambda: services.share_feedback(someone, feedback),
    ):
        with pytest.raises(NotAllowed):
            use_case()


def test_helpful_tells_the_giver_once_even_when_toggled(circle):
    feedback = factories.make_feedback(circle.inventory, circle.Aiko)
    for helpful in (True, False, True):
        services.mark_helpful(circle.Ken, feedback, helpful)
    db.session.commit()
    assert feedback.is_helpful
    assert len(notifications(circle.Aiko, "feedback_helpful")) == 1


def test_who_sees_feedback_before_and_after_the_recipient_shares_it(circle, client):
    feedback = factories.make_feedback(circle.inventory, circle.Mo)
    readers = {"Ken", "Mo", "organizer"}
    for name in ("Ken", "Aiko", "Mo", "organizer"):
        assert can(getattr(circle, name), Action.VIEW, feedback) == (name in readers)
    login(client, circle.Aiko)
    page = client.get(f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}")
    assert "From Mo" not in page.get_data(as_text=True)
    services.share_feedback(circle.Ken, feedback)
    db.session.commit()
    assert can(circle.Aiko, Action.VIEW, feedback)
    page = client.get(f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}")
    assert "From Mo" in page.get_data(as_text=True)


def test_may_see_feedback_agrees_with_the_list_of_visible(circle):
    other = factories.make_cohort(circle.Aiko, name="Aiko's own")
    factories.add_member(other, circle.Ken)
    other_inventory = factories.make_shared_inventory(session_for(other), circle.Ken)
    aiko_inventory = factories.make_shared_inventory(circle.meeting, circle.Aiko)
    pieces = [
        factories.make_feedback(circle.inventory, circle.Aiko),
        factories.make_feedback(circle.inventory, circle.Mo),
        factories.make_feedback(aiko_inventory, circle.Ken),
        factories.make_feedback(other_inventory, circle.Aiko),
    ]
    services.share_feedback(circle.Ken, pieces[1])
    db.session.commit()
    removed = factories.add_member(circle.cohort, status="removed").user
    everyone = [circle.organizer, circle.Ken, circle.Aiko, circle.Mo, removed, None]
    for user, piece in itertools.product(everyone, pieces):
        listed = db.session.scalar(visible_feedback(user).where(Feedback.id == piece.id))
        assert (listed is not None) == can(user, Action.VIEW, piece), (user, piece)


def test_the_recipient_answers_from_the_inventory_page(circle, client):
    feedback = factories.make_feedback(circle.inventory, circle.Aiko)
    login(client, circle.Ken)
    base = f"/c/{circle.cohort.slug}/feedback/{feedback.id}"
    assert client.post(f"{base}/reply", data={"reply": "Thanks!"}).status_code == 302
    assert client.post(f"{base}/helpful", data={"value": "1"}).status_code == 302
    response = client.post(f"{base}/share", data={"value": "1", "next": "/c/x/feedback"})
    assert response.location == "/c/x/feedback"
    db.session.refresh(feedback)
    assert (feedback.reply, feedback.is_helpful, feedback.is_shared) == ("Thanks!", True, True)


def test_the_inbox_toggles_post_what_they_say_and_switch_once_used(circle, client):
    """The recipient's toggles (``feedback.buttons.response_toggles``): each posts the value
    its button names to its own address, comes back to the inbox, and says the opposite once
    used; the page address they return to is escaped."""
    feedback = factories.make_feedback(circle.inventory, circle.Aiko)
    login(client, circle.Ken)
    inbox = f"/c/{circle.cohort.slug}/feedback"
    base = f"{inbox}/{feedback.id}"

    def toggles(query: str = "") -> list[tuple[str, str, str]]:
        page = client.get(inbox + query).get_data(as_text=True)
        actions = page.split(f'data-inplace-region="feedback-actions-{feedback.id}">', 1)[1]
        forms = re.findall(
            r'<form method="post" action="([^"]+)" class="inline-form">.*?name="next" value="'
            r'([^"]*)".*?name="value" value="(\d)">.*?>([^<]+)</button></form>',
            actions.split("</div>", 1)[0],
        )
        return [(action, back, value, label) for action, back, value, label in forms]

    assert toggles() == [
        (f"{base}/helpful", f"{inbox}?", "1", "Mark as helpful"),
        (f"{base}/share", f"{inbox}?", "1", "Share with the cohort"),
    ]
    for action, back, value, _ in toggles():
        assert client.post(action, data={"value": value, "next": back}).location == inbox
    assert [(value, label) for *_, value, label in toggles()] == [
        ("0", "Unmark helpful"),
        ("0", "Stop sharing"),
    ]
    assert {back for _, back, *_ in toggles('?page=1&x="<b>')} == {
        f"{inbox}?page=1&amp;x=&#34;&lt;b&gt;"
    }


# Self-traits and the blind-spot map ---------------------------------------------------------


def test_the_can_section_saves_the_traits_members_see_in_themselves(circle, client):
    login(client, circle.Aiko)
    url = f"/c/{circle.cohort.slug}/sessions/{circle.meeting.id}/inventory"
    assert "Traits you see in yourself" in client.get(url).get_data(as_text=True)
    data = {"version": "0", "self_traits": ["curious", "plans_ahead"], "action": "save"}
    assert client.post(url, data=data).status_code == 302
    inventory = db.session.scalar(select(Inventory).where(Inventory.user_id == circle.Aiko.id))
    assert inventory.self_traits == ["curious", "plans_ahead"]
    too_many = [
        "curious",
        "plans_ahead",
        "learns_quickly",
        "keeps_promises",
        "new_ideas",
        "curious",
    ]
    data = {"version": "1", "self_traits": too_many, "action": "save"}
    assert "Pick up to five traits." in client.post(url, data=data).get_data(as_text=True)


def test_the_blind_spot_map_sets_self_beside_peers(circle):
    inventory = circle.inventory
    inventory.self_traits = ["curious", "plans_ahead"]
    db.session.commit()
    factories.make_feedback(inventory, circle.Aiko, traits=["curious", "explains_clearly"])
    factories.make_feedback(inventory, circle.Mo, traits=["explains_clearly"])
    ken = db.session.scalar(select(Membership).where(Membership.user_id == circle.Ken.id))
    spots = reading.blind_spot_context(circle.Ken, circle.cohort, ken)["blind_spots"]
    assert spots.latest.both == [("curious", 1, 1)]
    assert spots.latest.peers_only == [("explains_clearly", 2, 0)]
    assert spots.latest.self_only == [("plans_ahead", 0, 1)]
    assert not spots.is_partial
    partial = reading.blind_spot_context(circle.Aiko, circle.cohort, ken)["blind_spots"]
    assert partial.is_partial  # Aiko sees her own piece, not Mo's
    assert partial.latest.peers_only == [("explains_clearly", 1, 0)]


def test_the_member_page_reads_the_same_peer_traits_with_the_timeline(app, circle):
    """The timeline's months bring the traits of the feedback the viewer may read: the map
    built from them is the one its own statement builds, for the member and for a peer."""
    from cohort.database import utcnow
    from cohort.timeline.timeline import member_timeline

    circle.inventory.self_traits = ["curious"]
    db.session.commit()
    factories.make_feedback(circle.inventory, circle.Aiko, traits=["curious", "explains_clearly"])
    factories.make_feedback(circle.inventory, circle.Mo, traits=["explains_clearly"])
    ken = db.session.scalar(select(Membership).where(Membership.user_id == circle.Ken.id))
    for viewer in (circle.Ken, circle.Aiko):
        with app.test_request_context():
            timeline = member_timeline(viewer, circle.cohort, circle.Ken.id, utcnow())
            shared, peers = timeline.traits_by_month()
        read = reading.blind_spot_context(viewer, circle.cohort, ken, shared, peers)
        asked = reading.blind_spot_context(viewer, circle.cohort, ken)
        assert read == asked
        assert read["blind_spots"].latest.peers_only


def test_the_feedback_page_pages_what_was_received_newest_first(client, circle, count_queries):
    """Ten pieces a page, with links both ways; a page past the end is empty and links back."""
    givers = [factories.make_user(display_name=f"Giver {n:02}") for n in range(12)]
    for giver in givers:
        factories.add_member(circle.cohort, giver)
        factories.make_feedback(circle.inventory, giver)
    db.session.commit()
    login(client, circle.Ken)
    inbox = f"/c/{circle.cohort.slug}/feedback"

    def page(number: int) -> str:
        response = client.get(f"{inbox}?page={number}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    first, second, past = page(1), page(2), page(5)
    assert [f"From Giver {n:02}" in first for n in (11, 2, 1)] == [True, True, False]
    assert "From Giver 01" in second and "From Giver 00" in second
    assert "From Giver 02" not in second and "From Giver" not in past
    assert f'href="{inbox}?page=2">Older' in first and "Newer" not in first
    assert f'href="{inbox}?page=1">Newer' in second and "Older" not in second
    assert f'href="{inbox}?page=4">Newer' in past and "Older" not in past
    with count_queries() as on_a_page:
        page(2)
    with count_queries() as past_the_end:
        page(5)
    assert past_the_end.count == on_a_page.count + 1  # the number of pieces, asked apart
