"""Following peers, the feed and cheers (応援): who may follow, what the feed shows, cheering
once, "may see" agreeing with "list of visible", and a feed of 30 people in bounded queries."""

import itertools
import re
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from cohort.cohorts.models import Membership, MembershipStatus
from cohort.delivery.models import Notification
from cohort.extensions import db
from cohort.inventories.models import Goal, Inventory
from cohort.meetings.models import Meeting
from cohort.permissions import (
    Action,
    can,
    can_cheer,
    can_see_cheer,
    can_see_follow,
    visible_cheers,
    visible_follows,
)
from cohort.timeline.buttons import cheer_forms
from cohort.timeline.feed import Scope, feed_inventories, feed_page
from cohort.timeline.milestones import (
    achieved_goals,
    achieved_goals_column,
    achieved_goals_from_lines,
)
from cohort.timeline.models import Cheer, Follow
from cohort.timeline.months import month_label

from . import factories
from .test_inventories import session_for
from .test_timeline import (
    login,
    make_circle,
    member_page,
    months_ago,
    two_cheered_months,
    write,
)


@pytest.fixture
def circle(app, user):
    return make_circle(user)


# ---- Following ----------------------------------------------------------------------------------


def test_follow_and_unfollow_co_members_only(logged_in, user, circle):
    cohort, ken, _aiko = circle
    stranger = factories.make_user(display_name="Stranger")
    assert logged_in.post(f"/people/{ken.id}/follow").status_code == 302
    assert logged_in.post(f"/people/{ken.id}/follow").status_code == 302  # twice: one row
    assert logged_in.post(f"/people/{stranger.id}/follow").status_code == 404
    assert logged_in.post(f"/people/{user.id}/follow").status_code == 403
    assert logged_in.post("/people/999999/follow").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 1
    page = logged_in.get("/following").get_data(as_text=True)
    assert "You follow 1 person" in page and "Ken" in page
    members = logged_in.get(f"/c/{cohort.slug}/members/").get_data(as_text=True)
    assert 'Unfollow<span class="visually-hidden"> Ken</span>' in members
    assert 'Follow<span class="visually-hidden"> Aiko</span>' in members
    logged_in.post(f"/people/{ken.id}/unfollow")
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0


def test_followers_see_who_follows_them_and_can_follow_back(app, client, user, circle):
    _cohort, ken, _aiko = circle
    db.session.add(Follow(follower_id=ken.id, followee_id=user.id))
    db.session.commit()
    login(client, user)
    page = client.get("/following").get_data(as_text=True)
    assert "1 follower" in page and 'Follow<span class="visually-hidden"> Ken</span>' in page


def test_a_follow_shows_nothing_once_people_no_longer_share_a_cohort(logged_in, user, circle):
    cohort, ken, _aiko = circle
    logged_in.post(f"/people/{ken.id}/follow")
    meeting = months_ago(cohort, 1)
    write(ken, meeting, answers={"did": "Visible while we share"})
    assert "Visible while we share" in logged_in.get("/feed").get_data(as_text=True)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == ken.id))
    membership.status = MembershipStatus.LEFT
    db.session.commit()
    assert "Visible while we share" not in logged_in.get("/feed").get_data(as_text=True)
    assert "You follow 0 people" in logged_in.get("/following").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 1  # kept, inert
    assert not set(db.session.scalars(visible_follows(user)))


# ---- The feed -----------------------------------------------------------------------------------


def test_the_feed_shows_followed_peoples_shared_inventories_newest_first(logged_in, circle):
    cohort, ken, aiko = circle
    logged_in.post(f"/people/{ken.id}/follow")
    write(ken, months_ago(cohort, 2), answers={"did": "Ken older"})
    write(ken, months_ago(cohort, 1), answers={"did": "Ken newer"})
    write(aiko, months_ago(cohort, 1), answers={"did": "Aiko month"})
    write(ken, session_for(cohort, days_ahead=5), share=False, answers={"did": "Ken draft"})
    page = logged_in.get("/feed").get_data(as_text=True)
    assert page.index("Ken newer") < page.index("Ken older")
    assert "Aiko month" not in page and "Ken draft" not in page
    assert "First inventory shared" in page
    everyone = logged_in.get("/feed?scope=cohorts").get_data(as_text=True)
    assert "Aiko month" in everyone and "Ken draft" not in everyone
    home = logged_in.get("/").get_data(as_text=True)
    assert "From people you follow" in home and "Ken newer" in home


def test_the_feed_is_paginated(logged_in, circle):
    cohort, ken, _aiko = circle
    logged_in.post(f"/people/{ken.id}/follow")
    for n in range(22, 0, -1):
        write(ken, months_ago(cohort, n), answers={"did": f"Month number {n}."})
    first = logged_in.get("/feed").get_data(as_text=True)
    assert "Month number 1." in first and "Month number 22." not in first
    assert 'href="/feed?page=2"' in first
    second = logged_in.get("/feed?page=2").get_data(as_text=True)
    assert "Month number 22." in second and "Month number 1." not in second


def test_feed_milestones_are_marked_once_on_the_month_that_reached_them(logged_in, circle):
    cohort, ken, _aiko = circle
    logged_in.post(f"/people/{ken.id}/follow")
    write(ken, months_ago(cohort, 14), new_goals=[("Speak at a meetup", "")])
    goal = db.session.scalar(select(Goal))
    write(ken, months_ago(cohort, 13), share=False)  # a draft never counts
    for n in range(12, 0, -1):
        progress = {goal.id: (100, "", "achieved")} if n in (9, 8) else {}
        write(ken, months_ago(cohort, n), goal_progress=progress)
    page = logged_in.get("/feed").get_data(as_text=True)
    marked = 'class="milestone">'
    assert page.count(marked + "First inventory shared") == 1
    assert page.count(marked + "1 year of reflections") == 1
    assert page.count(marked + "Goal achieved: Speak at a meetup") == 1  # its last month
    (year,) = [card for card in page.split('class="card feed-item"') if "1 year of" in card]
    assert months_label(cohort, 2) in year  # the 12th shared month


def months_label(cohort, n):
    """The feed heading of Ken's inventory n months ago."""
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == f"Session -{n}"))
    return f"Ken shared their {meeting.starts_at:%b %Y} inventory"


def test_feed_items_are_exactly_the_visible_shared_inventories_of_peers(app):
    """The "everyone" feed of each user is what they may see, minus their own and drafts."""
    users = [factories.make_user() for _ in range(5)]
    cohorts = [factories.make_cohort(users[i], name=f"C{i}") for i in range(2)]
    factories.add_member(cohorts[0], users[2])
    factories.add_member(cohorts[1], users[2], status="removed")
    factories.add_member(cohorts[1], users[3])
    for cohort in cohorts:
        meeting = session_for(cohort, days_ahead=-3)
        for index, user in enumerate(users[:4]):
            if can(user, Action.POST_INVENTORY, cohort):
                write(user, meeting, share=index % 2 == 0)
    everything = db.session.scalars(select(Inventory)).all()
    for user in users:
        listed = set(db.session.scalars(feed_inventories(user, Scope.COHORTS)))
        assert listed == {
            i
            for i in everything
            if i.is_shared and i.user_id != user.id and can(user, Action.VIEW, i)
        }


# ---- Cheers -------------------------------------------------------------------------------------


def test_cheer_an_inventory_once_and_the_member_is_told(logged_in, user, circle):
    cohort, ken, _aiko = circle
    inventory = write(ken, months_ago(cohort, 1))
    url = f"/c/{cohort.slug}/inventories/{inventory.id}/cheer"
    assert logged_in.post(url, data={"action": "add"}).status_code == 302
    logged_in.post(url, data={"action": "add"})  # a double tap cheers once
    assert db.session.scalar(select(func.count()).select_from(Cheer)) == 1
    notes = db.session.scalars(select(Notification).where(Notification.user_id == ken.id)).all()
    assert [(n.kind, n.data["name"]) for n in notes] == [("cheered", "Ann")]
    assert notes[0].url == f"/c/{cohort.slug}/inventories/{inventory.id}#cheers"
    page = logged_in.get(f"/c/{cohort.slug}/inventories/{inventory.id}").get_data(as_text=True)
    assert "1 cheer" in page and "Ann" in page and 'aria-pressed="true"' in page
    logged_in.post(url, data={"action": "remove"})
    assert db.session.scalar(select(func.count()).select_from(Cheer)) == 0


def test_cheer_a_milestone_but_never_an_invented_one(logged_in, circle):
    cohort, ken, _aiko = circle
    inventory = write(ken, months_ago(cohort, 1))
    url = f"/c/{cohort.slug}/inventories/{inventory.id}/cheer"
    logged_in.post(url, data={"milestone": "first", "next": f"/c/{cohort.slug}/members/{ken.id}"})
    logged_in.post(url, data={"milestone": "year-3"})
    cheers = db.session.scalars(select(Cheer)).all()
    assert [c.milestone for c in cheers] == ["first"]
    page = member_page(logged_in, cohort, ken)
    assert re.search(r'id="cheer-\d+-first".*?1 cheer', page, re.S)


def cheer_buttons(page: str) -> list[tuple[str, str]]:
    """(aria-pressed, visible label) of each cheer button on the page."""
    found = re.findall(r'class="cheer-button" aria-pressed="(\w+)">([^<]*)<', page)
    return [(pressed, label.strip()) for pressed, label in found]


@pytest.mark.parametrize(
    ("locale", "cheer", "cheered"), [("en", "Cheer", "Cheered"), ("ja", "応援する", "応援済み")]
)
def test_a_cheer_button_says_in_words_whether_it_is_pressed(
    logged_in, user, circle, locale, cheer, cheered
):
    cohort, ken, _aiko = circle
    user.locale = locale
    db.session.commit()
    inventory = write(ken, months_ago(cohort, 1))
    url = f"/c/{cohort.slug}/inventories/{inventory.id}"
    assert ("false", cheer) in cheer_buttons(logged_in.get(url).get_data(as_text=True))
    logged_in.post(f"{url}/cheer", data={"action": "add"})
    buttons = cheer_buttons(logged_in.get(url).get_data(as_text=True))
    assert ("true", cheered) in buttons
    assert ("true", cheer) not in buttons and ("false", cheered) not in buttons


def test_cheer_and_feedback_wait_at_the_top_of_a_long_inventory_and_at_its_end(logged_in, circle):
    cohort, ken, _aiko = circle
    inventory = write(ken, session_for(cohort, days_ahead=-1))
    page = logged_in.get(f"/c/{cohort.slug}/inventories/{inventory.id}").get_data(as_text=True)
    give = f'href="/c/{cohort.slug}/inventories/{inventory.id}/feedback"'
    top, end = page.split('<section class="inventory-section"', 1)
    assert 'class="inventory-actions"' in top
    for part in (top, end):
        assert 'class="cheer-button"' in part and give in part
    anchors = re.findall(r'<div class="cheer" id="([^"]+)"', page)
    assert len(anchors) == len(set(anchors)) == 3  # top, milestone, end: each its own anchor
    assert f'value="/c/{cohort.slug}/inventories/{inventory.id}#cheer-top-{inventory.id}"' in top


def test_nobody_cheers_drafts_their_own_or_in_archived_cohorts(app, client, user, circle):
    cohort, ken, _aiko = circle
    draft = write(ken, session_for(cohort, days_ahead=5), share=False)
    shared = write(ken, months_ago(cohort, 1))
    login(client, user)
    assert client.post(f"/c/{cohort.slug}/inventories/{draft.id}/cheer").status_code == 404
    login(client, ken)
    assert client.post(f"/c/{cohort.slug}/inventories/{shared.id}/cheer").status_code == 403
    cohort.is_archived = True
    db.session.commit()
    login(client, user)
    assert client.post(f"/c/{cohort.slug}/inventories/{shared.id}/cheer").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Cheer)) == 0


def test_follows_and_cheers_may_see_agrees_with_the_list_of_visible(app):
    users = [factories.make_user() for _ in range(5)]
    cohorts = [factories.make_cohort(users[i], name=f"C{i}") for i in range(2)]
    factories.add_member(cohorts[0], users[2])
    factories.add_member(cohorts[1], users[3])
    factories.add_member(cohorts[0], users[3], status="left")
    inventories = [write(users[i], session_for(cohorts[i], days_ahead=-1)) for i in range(2)]
    for a, b in itertools.permutations(users, 2):
        if (a.id + b.id) % 2:
            db.session.add(Follow(follower_id=a.id, followee_id=b.id))
    for cheerer, inventory in itertools.product(users, inventories):
        if cheerer.id != inventory.user_id:
            db.session.add(Cheer(user_id=cheerer.id, inventory_id=inventory.id))
    db.session.commit()
    follows, cheers = (
        db.session.scalars(select(Follow)).all(),
        db.session.scalars(select(Cheer)).all(),
    )
    for user in users:
        assert set(db.session.scalars(visible_follows(user))) == {
            f for f in follows if can_see_follow(user, f)
        }
        assert set(db.session.scalars(visible_cheers(user))) == {
            c for c in cheers if can_see_cheer(user, c)
        }


def test_feed_cards_hold_what_their_inventories_hold(app, user):
    """A card is made of the slice's columns, not of entities: each value the card macros read
    is the inventory's own, its month is the session's, and it may be cheered exactly when
    ``can_cheer`` says so (an open cohort, an archived one, a session of a closed season)."""
    ken = factories.make_user(display_name="Ken")
    cohorts = [factories.make_cohort(name=name) for name in ("Open", "Archived", "Closed")]
    for cohort in cohorts:
        factories.add_member(cohort, user)
        factories.add_member(cohort, ken)
        write(ken, months_ago(cohort, 1), energy=3)
    write(ken, months_ago(cohorts[0], 2), share=False)  # a draft: never in the feed
    cohorts[1].is_archived = True
    closed = db.session.scalar(select(Meeting).where(Meeting.cohort_id == cohorts[2].id))
    factories.close_in_season(closed, ken)
    with app.test_request_context("/feed"):
        items = feed_page(user, Scope.COHORTS).items
        assert len(items) == 3
        for item in items:
            card = item.inventory
            entity = db.session.get(Inventory, card.id)
            for name in card._fields:
                if name not in ("cohort", "meeting", "user"):
                    assert getattr(card, name) == getattr(entity, name), name
            for name in card.cohort._fields:
                assert getattr(card.cohort, name) == getattr(entity.cohort, name), name
            for name in ("starts_at", "month_on", "season_id", "is_closed"):
                assert getattr(card.meeting, name) == getattr(entity.meeting, name), name
            assert card.meeting.cohort is card.cohort
            assert card.user.display_name == entity.user.display_name
            assert (card.is_shared, card.is_quarter) == (entity.is_shared, entity.is_quarter)
            assert item.month == month_label(entity.meeting)
            assert item.can_cheer == can_cheer(user, entity)
        assert [item.can_cheer for item in items if item.inventory.cohort.name == "Open"] == [True]
        assert sum(item.can_cheer for item in items) == 1


def test_the_feed_of_someone_following_30_people_runs_as_many_queries_as_for_3(
    logged_in, user, circle, count_queries
):
    cohort, _ken, _aiko = circle
    meeting = months_ago(cohort, 1)

    def follow_people_who_share(n):
        for _ in range(n):
            peer = factories.make_user()
            factories.add_member(cohort, peer)
            db.session.add(Follow(follower_id=user.id, followee_id=peer.id))
            inventory = write(peer, meeting, new_goals=[("A goal", "")])
            db.session.add(Cheer(user_id=user.id, inventory_id=inventory.id))
        db.session.commit()

    follow_people_who_share(3)
    logged_in.get("/feed")  # warm: the template's section titles are read once per process
    with count_queries() as few:
        assert logged_in.get("/feed").status_code == 200
    follow_people_who_share(27)
    with count_queries() as new_cards:
        page = logged_in.get("/feed").get_data(as_text=True)
    assert page.count('class="card feed-item"') == 20
    with count_queries() as many:
        assert logged_in.get("/feed").get_data(as_text=True) == page
    assert many.count == few.count
    # Cards not rendered before read their tastes, all of the page's in one statement.
    assert new_cards.count == few.count + 1
    assert sum("answers_html" in s for s in new_cards.statements) == 1
    assert not any("answers_html" in s for s in many.statements)


def test_the_feed_reads_achieved_goals_with_its_slice(logged_in, circle, count_queries):
    """The slice carries the achieved goals each card marks: a page that shows one runs no
    statement more than a page that shows none (never one per card)."""
    cohort, ken, _aiko = circle
    logged_in.post(f"/people/{ken.id}/follow")
    write(ken, months_ago(cohort, 3), new_goals=[("Run a 10k", "")])
    goal = db.session.scalar(select(Goal))
    write(ken, months_ago(cohort, 2), goal_progress={goal.id: (50, "", "active")})
    logged_in.get("/feed")
    with count_queries() as without:
        assert "Goal achieved" not in logged_in.get("/feed").get_data(as_text=True)
    write(ken, months_ago(cohort, 1), goal_progress={goal.id: (100, "", "achieved")})
    logged_in.get("/feed")
    with count_queries() as marked:
        page = logged_in.get("/feed").get_data(as_text=True)
    assert page.count('class="milestone">Goal achieved: Run a 10k') == 1
    assert marked.count == without.count


def test_the_achieved_goals_column_finds_what_achieved_goals_finds(app, circle):
    cohort, ken, _aiko = circle
    title = 'Say "hi" \\ 日本語\nin two lines'
    write(ken, months_ago(cohort, 4), new_goals=[("Run a 10k", ""), (title, ""), ("Read", "")])
    run, odd, read = db.session.scalars(select(Goal).order_by(Goal.id)).all()
    write(ken, months_ago(cohort, 3), goal_progress={read.id: (100, "", "achieved")})
    write(ken, months_ago(cohort, 2), goal_progress={read.id: (100, "", "achieved")})
    done = {run.id: (100, "", "achieved"), odd.id: (100, "", "achieved")}
    marking = write(ken, months_ago(cohort, 1), goal_progress=done)
    run.closed_at = odd.closed_at + timedelta(hours=1)  # closed last, listed last
    db.session.commit()
    ids = list(db.session.scalars(select(Inventory.id).where(Inventory.user_id == ken.id)))
    rows = db.session.execute(
        select(Inventory.id, achieved_goals_column()).where(Inventory.id.in_(ids))
    )
    from_column = {i: achieved_goals_from_lines(lines) for i, lines in rows if lines}
    assert from_column == achieved_goals(ids)
    assert len(from_column) == 2  # "Read" counts only at its last month
    assert [goal.id for goal in from_column[marking.id]] == [odd.id, run.id]
    assert from_column[marking.id][0].title == title


def test_the_inventory_page_reads_its_cheers_and_achieved_goals_with_the_inventory(
    logged_in, circle, count_queries
):
    """A month that marks an achieved goal shows its milestone and costs no statement more
    than one without; neither reads the cheers or the goals in a statement of their own."""
    cohort, ken, _aiko = circle
    write(ken, months_ago(cohort, 3), new_goals=[("Run a 10k", "")])
    goal = db.session.scalar(select(Goal))
    plain = write(ken, months_ago(cohort, 2), goal_progress={goal.id: (50, "", "active")})
    marking = write(ken, months_ago(cohort, 1), goal_progress={goal.id: (100, "", "achieved")})
    pages = {}
    for name, inventory in (("plain", plain), ("marking", marking)):
        url = f"/c/{cohort.slug}/inventories/{inventory.id}"
        logged_in.get(url)
        with count_queries() as counter:
            page = logged_in.get(url).get_data(as_text=True)
        pages[name] = (page.split('id="cheers"', 1)[1], counter.count)
        assert not any("JOIN cheers" in sql for sql in counter.statements)
    assert "Goal achieved" not in pages["plain"][0]
    assert 'class="milestone">Goal achieved: Run a 10k' in pages["marking"][0]
    assert 'name="milestone" value="goal-' in pages["marking"][0]
    assert pages["marking"][1] == pages["plain"][1]


def test_cheer_forms_give_what_each_button_built_for_itself(app):
    """The parts every cheer button of a page shares (cohort/timeline/buttons.py) are the
    ones it used to build itself."""
    with app.test_request_context("/c/circle-2/members/4?months=all"):
        forms = cheer_forms()
        assert forms is cheer_forms()  # one per request
        for slug, inventory_id in (("circle-2", 7), ("circle-2", 10), ("other", 100)):
            expected = url_for("timeline.cheer", slug=slug, inventory_id=inventory_id)
            assert forms.action(slug, inventory_id) == expected
        assert forms.back == "/c/circle-2/members/4?months=all"
    with app.app_context(), app.test_request_context("/feed"):  # a request of its own
        assert cheer_forms().back == "/feed" and cheer_forms() is not forms


def test_cheer_buttons_escape_names_and_what_they_name(logged_in, user, circle):
    """The button is written from Python: a name with markup in it is text, in the count of
    who cheered as in what the button names for screen readers."""
    cohort, ken, _aiko = circle
    inventory = write(ken, months_ago(cohort, 1))
    ken.display_name = "<b>Ken</b>"
    user.display_name = 'Ann "<i>"'
    db.session.add(Cheer(user_id=user.id, inventory_id=inventory.id))
    db.session.commit()
    page = logged_in.get("/feed?scope=cohorts").get_data(as_text=True)
    assert "<b>Ken</b>" not in page and "<i>" not in page
    assert 'hidden"> &lt;b&gt;Ken&lt;/b&gt;: First inventory shared</span>' in page
    assert "hidden\"> &lt;b&gt;Ken&lt;/b&gt;'s " in page  # the month inventory
    assert '1 cheer<span class="muted"> · Ann &#34;&lt;i&gt;&#34;</span>' in page
    assert 'aria-pressed="true">Cheered<span class="visually-hidden">' in page


def test_the_feed_reads_its_cards_cheers_with_its_slice(app, circle, count_queries):
    """Who cheered each card and its milestones comes with the cards: per milestone, in the
    order given, the viewer's own marked; no statement reads the cheers on their own."""
    cohort, ken, aiko = circle
    first, second, odd = two_cheered_months(cohort, ken, aiko)
    db.session.add(Follow(follower_id=aiko.id, followee_id=ken.id))
    db.session.commit()
    with app.test_request_context(), count_queries() as counted:
        items = {item.inventory.id: item for item in feed_page(aiko).items}
    assert items[first.id].cheers_for().names == [odd.display_name, "Aiko"]
    assert items[first.id].cheers_for().by_viewer
    assert items[first.id].cheers_for("first").names == ["Aiko"]
    assert items[second.id].cheers_for().names == [odd.display_name]
    assert not items[second.id].cheers_for().by_viewer
    assert set(items[second.id].cheers) == {""}
    assert not any(sql.lstrip().startswith("SELECT cheers.") for sql in counted.statements)
