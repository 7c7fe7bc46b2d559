"""Rendered pieces kept per process (cohort/fragments.py): a feed card's heading and taste are
rendered once, yet every viewer still reads their own language, zone and cheer state, and a
change to what the piece shows is seen at once."""

import pytest
from sqlalchemy import select

from cohort import fragments
from cohort.extensions import db
from cohort.fragments import FragmentCache
from cohort.inventories import services
from cohort.inventories.models import Goal

from . import factories
from .test_inventories import session_for
from .test_timeline import login, make_circle, months_ago, write


@pytest.fixture
def circle(app, user):
    return make_circle(user)


def feed(client) -> str:
    response = client.get("/feed?scope=cohorts")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_card_is_rendered_once_and_served_again_unchanged(client, circle):
    cohort, ken, aiko = circle
    write(ken, months_ago(cohort, 1), answers={"did": "Shipped the **beta**."})
    login(client, aiko)
    cache = fragments.cache()
    first = feed(client)
    rendered = cache.misses
    assert rendered >= 2 and "<strong>beta</strong>" in first  # the heading and the taste
    second = feed(client)
    assert cache.misses == rendered and cache.hits >= 2
    assert second == first


def test_a_saved_change_and_a_new_name_show_at_once(client, circle):
    cohort, ken, aiko = circle
    meeting = months_ago(cohort, 1)
    inventory = write(ken, meeting, answers={"did": "First words."})
    login(client, aiko)
    assert "First words." in feed(client)
    change = services.InventoryInput(answers={"did": "Second thoughts."})
    services.save_inventory(ken, meeting, change, inventory.version)
    ken.display_name = "Kenji"
    db.session.commit()
    page = feed(client)
    assert "Second thoughts." in page and "First words." not in page
    assert "Kenji shared their" in page and "Ken shared their" not in page


def test_each_reader_gets_their_language_zone_and_cheer_state(app, circle):
    cohort, ken, aiko = circle
    write(ken, months_ago(cohort, 1))
    tokyo = factories.make_user(display_name="Yui", locale="ja", timezone="Asia/Tokyo")
    factories.add_member(cohort, tokyo)
    english, japanese = app.test_client(), app.test_client()
    login(english, aiko)
    login(japanese, tokyo)
    page = feed(english)
    assert "Ken shared their" in page and "Cheer<span" in page
    inventory_id = page.split('id="feed-', 1)[1].split('"', 1)[0]
    english.post(f"/c/{cohort.slug}/inventories/{inventory_id}/cheer", data={"action": "add"})
    assert "Cheered<span" in feed(english)
    other = feed(japanese)
    assert "Kenさんが" in other and "キャリア棚卸しを共有しました" in other
    assert "Cheered" not in other and "応援する" in other  # Yui has not cheered
    english_time = page.split("<time", 1)[1].split("</time>", 1)[0]
    japanese_time = other.split("<time", 1)[1].split("</time>", 1)[0]
    assert english_time != japanese_time  # London and Tokyo, English and Japanese


def test_the_cache_keeps_at_most_its_size_and_drops_the_oldest():
    cache = FragmentCache(2)
    calls = []

    def render(text):
        def piece():
            calls.append(text)
            return text

        return piece

    cache.get_or_render("a", render("<a>"))
    cache.get_or_render("b", render("<b>"))
    cache.get_or_render("a", render("<a>"))  # kept: a is now the newest
    cache.get_or_render("c", render("<c>"))  # b goes
    assert len(cache) == 2
    cache.get_or_render("a", render("<a>"))
    cache.get_or_render("b", render("<b>"))
    assert calls == ["<a>", "<b>", "<c>", "<b>"]


def test_size_zero_renders_every_time():
    cache = FragmentCache(0)
    calls = []
    for _ in range(3):
        cache.get_or_render("a", lambda: calls.append(1) or "x")
    assert len(calls) == 3 and len(cache) == 0


def test_session_cards_are_kept_but_the_feedback_link_is_the_viewers(app, circle, user):
    cohort, ken, aiko = circle
    meeting = months_ago(cohort, 1)
    inventory = write(ken, meeting, answers={"did": "Ran the first workshop."})
    url = f"/c/{cohort.slug}/sessions/{meeting.id}"
    author, peer = app.test_client(), app.test_client()
    login(author, ken)
    login(peer, aiko)
    give = f"/c/{cohort.slug}/inventories/{inventory.id}/feedback"
    own = author.get(url).get_data(as_text=True)
    assert "Ran the first workshop." in own and give not in own  # nobody reviews themself
    misses = fragments.cache().misses
    other = peer.get(url).get_data(as_text=True)
    assert fragments.cache().misses == misses  # the card came from memory...
    assert "Ran the first workshop." in other and give in other  # ...with Aiko's own link
    change = services.InventoryInput(answers={"did": "Ran two workshops."})
    services.save_inventory(ken, meeting, change, inventory.version)
    db.session.commit()
    assert "Ran two workshops." in peer.get(url).get_data(as_text=True)


def test_a_timeline_card_follows_what_others_change_on_it(client, circle):
    cohort, ken, aiko = circle
    first = write(ken, months_ago(cohort, 2), new_goals=[("Speak at a meetup", "")])
    goal = db.session.scalar(select(Goal).where(Goal.user_id == ken.id))
    second = write(ken, months_ago(cohort, 1), goal_progress={goal.id: (40, "", "active")})
    login(client, aiko)
    url = f"/c/{cohort.slug}/members/{ken.id}"

    def card_progress() -> str:
        page = client.get(url).get_data(as_text=True)
        card = page.split(f'id="month-{second.meeting_id}"', 1)[1].split("</li>\n", 1)[0]
        return card.split('class="goal-progress"', 1)[1].split("</ul>", 1)[0]

    assert "Speak at a meetup" in card_progress()
    goal.title = "Speak at two meetups"
    db.session.commit()
    assert "Speak at two meetups" in card_progress()
    assert first.meeting_id != second.meeting_id


def test_an_edited_feedback_reads_anew_where_it_was_kept(client, circle):
    cohort, ken, aiko = circle
    inventory = write(ken, session_for(cohort, days_ahead=3))
    factories.make_feedback(inventory, aiko, behaviour="You asked the quiet ones first")
    login(client, ken)
    inbox = f"/c/{cohort.slug}/feedback"
    assert "You asked the quiet ones first" in client.get(inbox).get_data(as_text=True)
    factories.make_feedback(inventory, aiko, behaviour="You let the silence work")
    page = client.get(inbox).get_data(as_text=True)
    assert "You let the silence work" in page and "quiet ones first" not in page
