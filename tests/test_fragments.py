"""Rendered pieces kept per process (cohort/fragments.py): a feed card's heading and taste are
rendered once, yet every viewer still reads their own language, zone and cheer state, and a
change to what the piece shows is seen at once."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cohort import fragments
from cohort.cohorts.models import Membership, Role
from cohort.extensions import db
from cohort.fragments import FragmentCache
from cohort.inventories import services
from cohort.inventories.models import Goal
from cohort.timeline import charts

from . import factories
from .test_inventories import session_for
from .test_timeline import login, make_circle, months_ago, write


@pytest.fixture
def circle(app, user):
    return make_circle(user)


# A form's CSRF token is signed with the second it was made in: two renderings of the same
# page differ there when a second passes between them, whatever is kept.
CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]+"')


def feed(client) -> str:
    """The feed page, its CSRF tokens blanked so two renderings can be compared."""
    response = client.get("/feed?scope=cohorts")
    assert response.status_code == 200
    return CSRF_VALUE.sub(r'\1"', response.get_data(as_text=True))


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


def test_a_session_page_whose_cards_are_kept_reads_none_of_their_answers(
    app, circle, user, count_queries
):
    cohort, ken, aiko = circle
    meeting = months_ago(cohort, 1)
    write(ken, meeting, answers={"did": "Ran the first workshop."})
    write(aiko, meeting, answers={"did": "Mapped my network."})
    url = f"/c/{cohort.slug}/sessions/{meeting.id}"
    client = app.test_client()
    login(client, aiko)
    with count_queries() as first:
        page = client.get(url).get_data(as_text=True)
    assert "Ran the first workshop." in page and "Mapped my network." in page
    assert any("answers_html" in sql for sql in first.statements)
    with count_queries() as again:
        assert client.get(url).get_data(as_text=True) == page
    assert not any("answers_html" in sql for sql in again.statements)
    assert again.count < first.count


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


def test_a_chart_is_drawn_anew_when_anything_it_draws_changes(app):
    """A timeline chart is kept per ``Panel.key()`` and colour: a changed value, draft or gap
    month, month label or title, or another colour, is never served from the kept drawing."""
    months = [charts.Column("Jan 2026"), charts.Column("Feb 2026")]
    macros = app.jinja_env.get_template("timeline/_macros.html").module

    def draw(title="Energy", values=(3, 4), colour="#0172ad", columns=months) -> str:
        panel = charts.line_panel(
            title, columns, list(values), charts.RATING_SCALE, charts.RATING_TICKS
        )
        return str(macros.chart_panel(panel, colour))

    with app.test_request_context():
        first = draw()
        hits = fragments.cache().hits
        assert draw() == first and fragments.cache().hits == hits + 1
        changed = {
            "value": draw(values=(3, 5)),
            "missing value": draw(values=(3, None)),
            "title": draw(title="Skills"),
            "colour": draw(colour="#1f6f43"),
            "draft": draw(columns=[months[0], charts.Column("Feb 2026", is_draft=True)]),
            "gap": draw(columns=[months[0], charts.Column("Feb 2026", is_gap=True)]),
            "label": draw(columns=[charts.Column("Dec 2025"), months[1]]),
            "more months": draw(values=(3, 4, 2), columns=[*months, charts.Column("Mar 2026")]),
        }
    assert all(drawn != first for drawn in changed.values()), [
        name for name, drawn in changed.items() if drawn == first
    ]


def test_a_grid_of_charts_is_drawn_anew_when_anything_it_draws_changes(app):
    """The member page keeps each grid of charts per ``Grid.key()``: a changed value, title,
    draft or gap month, month label, another panel or the other scale is never served from
    the kept drawing."""
    months = (charts.Column("Jan 2026"), charts.Column("Feb 2026"))
    page = app.jinja_env.from_string(
        '{% from "timeline/_macros.html" import chart_panel with context %}'
        '{% call fragment("rating-charts", *grid.key()) %}'
        "{% for panel in grid.panels %}{{ chart_panel(panel) }}{% endfor %}{% endcall %}"
    )

    def draw(series=(("Energy", (3, 4)),), columns=months, percent=False) -> str:
        return page.render(grid=charts.Grid(columns, series, percent))

    with app.test_request_context():
        first = draw()
        hits = fragments.cache().hits
        assert draw() == first and fragments.cache().hits == hits + 1
        changed = {
            "value": draw(series=(("Energy", (3, 5)),)),
            "missing value": draw(series=(("Energy", (3, None)),)),
            "title": draw(series=(("Skills", (3, 4)),)),
            "another panel": draw(series=(("Energy", (3, 4)), ("Skills", (2, 2)))),
            "scale": draw(percent=True),
            "draft": draw(columns=(months[0], charts.Column("Feb 2026", is_draft=True))),
            "gap": draw(columns=(months[0], charts.Column("Feb 2026", is_gap=True))),
            "label": draw(columns=(charts.Column("Dec 2025"), months[1])),
        }
    assert all(drawn != first for drawn in changed.values()), [
        name for name, drawn in changed.items() if drawn == first
    ]


def test_the_blind_spot_map_follows_new_traits_a_name_and_its_reader(app, circle):
    """Kept per the member's name and all the map shows: a peer's new trait, a new name, and
    whether the reader sees only part of the feedback show at once."""
    cohort, ken, aiko = circle
    mo = factories.make_user(display_name="Mo")
    factories.add_member(cohort, mo)
    inventory = write(ken, session_for(cohort, days_ahead=3), self_traits=["curious"])
    factories.make_feedback(inventory, aiko, traits=["curious"])
    partial = "Built from the feedback you can read"

    def blind_spots(person) -> str:
        client = app.test_client()
        login(client, person)
        page = client.get(f"/c/{cohort.slug}/members/{ken.id}").get_data(as_text=True)
        return page.split('class="card blind-spot-map"', 1)[1].split("</section>", 1)[0]

    own = blind_spots(ken)
    assert "Ken picked" in own and partial not in own and "peers ×1" in own
    assert partial in blind_spots(aiko)
    factories.make_feedback(inventory, mo, traits=["curious"])
    assert "peers ×2" in blind_spots(ken)
    ken.display_name = "Kenji"
    db.session.commit()
    assert "Kenji picked" in blind_spots(ken)


def test_a_timeline_card_links_to_its_changes_at_the_cohort_address(client, circle):
    """The link to what changed is kept per cohort address, member, session and month."""
    cohort, ken, aiko = circle
    first = write(ken, months_ago(cohort, 2))
    second = write(ken, months_ago(cohort, 1))
    login(client, aiko)

    def links() -> list[str]:
        page = client.get(f"/c/{cohort.slug}/members/{ken.id}").get_data(as_text=True)
        return [line for line in page.splitlines() if "What changed since last month" in line]

    expected = [
        f'href="/c/{cohort.slug}/members/{ken.id}/months/{meeting_id}"'
        for meeting_id in (second.meeting_id, first.meeting_id)
    ]
    assert [link in line for link, line in zip(expected, links(), strict=True)] == [True, True]
    cohort.slug = "career-circle-2026"
    db.session.commit()
    assert all(f'href="/c/career-circle-2026/members/{ken.id}/' in line for line in links())


def test_the_organizer_nav_follows_the_page_the_address_and_archiving(client, circle, user):
    """Kept per cohort address, page and archived state: each of them changes what it shows."""
    cohort, _ken, _aiko = circle
    login(client, user)

    def nav(path: str) -> str:
        page = client.get(f"/c/{cohort.slug}/organize/{path}").get_data(as_text=True)
        return page.split('<nav class="subnav"', 1)[1].split("</nav>", 1)[0]

    overview, members = nav(""), nav("members")
    current = 'aria-current="page">{}</a>'
    assert current.format("Overview") in overview and current.format("Overview") not in members
    assert current.format("Members and roles") in members
    assert fragments.cache().misses >= 2
    misses = fragments.cache().misses
    assert nav("") == overview and fragments.cache().misses == misses  # kept
    cohort.slug = "career-circle-2026"
    db.session.commit()
    assert f"/c/{cohort.slug}/organize/members" in nav("")
    assert "Inventory template" in nav("")
    cohort.is_archived = True
    db.session.commit()
    assert "Inventory template" not in nav("")


def test_the_overview_lists_follow_names_roles_and_try_lines(client, circle):
    """The overview's member list and its list of shared Try lines are kept for every viewer:
    a new name, role or Try line shows at once."""
    cohort, ken, aiko = circle
    meeting = session_for(cohort, days_ahead=3)
    inventory = write(ken, meeting, answers={"did": "Things.", "try": "Pair on reviews"})
    login(client, aiko)
    url = f"/c/{cohort.slug}/"

    def members_card() -> str:
        page = client.get(url).get_data(as_text=True)
        return page.split("<h2>Members</h2>", 1)[1].split("</article>", 1)[0]

    page = client.get(url).get_data(as_text=True)
    assert "Pair on reviews" in page and page.count(">Ken</a>") == 2
    misses = fragments.cache().misses
    assert "Pair on reviews" in client.get(url).get_data(as_text=True)
    assert fragments.cache().misses == misses  # both lists came from memory
    change = services.InventoryInput(answers={"did": "Things.", "try": "Pair on designs"})
    services.save_inventory(ken, meeting, change, inventory.version)
    ken.display_name = "Kenji"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Pair on designs" in page and "Pair on reviews" not in page
    assert ">Ken</a>" not in page and page.count(">Kenji</a>") == 2
    assert 'Aiko</a> <span class="muted">Member</span>' in members_card()
    membership = db.session.scalar(select(Membership).where(Membership.user_id == aiko.id))
    membership.role = Role.MENTOR
    db.session.commit()
    assert 'Aiko</a> <span class="muted">Mentor</span>' in members_card()


def test_the_session_times_follow_a_move_and_each_readers_zone(app, circle):
    cohort, _ken, aiko = circle
    meeting = session_for(cohort, days_ahead=3, place="Room 1")
    tokyo = factories.make_user(display_name="Yui", locale="ja", timezone="Asia/Tokyo")
    factories.add_member(cohort, tokyo)
    english, japanese = app.test_client(), app.test_client()
    login(english, aiko)
    login(japanese, tokyo)
    url = f"/c/{cohort.slug}/sessions/{meeting.id}"

    def when(client) -> str:
        page = client.get(url).get_data(as_text=True)
        return page.split('id="when-heading"', 1)[1].split("</section>", 1)[0]

    def next_session(client) -> str:  # the cohort's overview shows the same
        page = client.get(f"/c/{cohort.slug}/").get_data(as_text=True)
        return page.split('id="next-session"', 1)[1].split("</article>", 1)[0]

    first, first_next = when(english), next_session(english)
    assert "Room 1" in first and first != when(japanese)  # London and Tokyo
    assert "Room 1" in first_next and first_next != next_session(japanese)
    meeting.starts_at -= timedelta(hours=1)  # a longer session
    db.session.commit()
    assert when(english).split("<time", 1)[1] != first.split("<time", 1)[1]
    assert next_session(english).split("<time", 1)[1] != first_next.split("<time", 1)[1]
    meeting.place = "Room 2"
    db.session.commit()
    for moved in (when(english), next_session(english)):
        assert "Room 2" in moved and "Room 1" not in moved


def test_the_cohort_header_follows_name_page_archiving_and_who_organizes(app, circle, user):
    """Kept per cohort, page and whether the viewer organizes it: a member never gets the
    organizer's tab from a kept piece, and a new name or archiving shows at once."""
    cohort, ken, _aiko = circle
    organizer, member = app.test_client(), app.test_client()
    login(organizer, user)
    login(member, ken)

    def header(client, path: str = "") -> str:
        page = client.get(f"/c/{cohort.slug}/{path}").get_data(as_text=True)
        return page.split('<header class="cohort-header">', 1)[1].split("</header>", 1)[0]

    assert ">Organize</a>" in header(organizer)
    misses = fragments.cache().misses
    assert ">Organize</a>" not in header(member)  # the same page and cohort, not an organizer
    assert fragments.cache().misses == misses + 1
    assert header(member) == header(member) and fragments.cache().misses == misses + 1
    assert 'aria-current="page">Members</a>' in header(member, "members/")
    assert 'aria-current="page">Members</a>' not in header(member)
    cohort.name = "Career Circle 2027"
    db.session.commit()
    assert "Career Circle 2027</a>" in header(member)
    cohort.is_archived = True
    db.session.commit()
    assert "Archived" in header(member)


def test_a_card_without_milestones_is_one_piece_that_follows_its_changes(client, circle):
    """A feed card with no milestone between its heading and its taste is kept as one piece,
    keyed by everything both show: a new answer, author name, cohort name or session date is
    never served from the kept piece."""
    cohort, ken, aiko = circle
    write(ken, months_ago(cohort, 2), answers={"did": "The first month."})  # a milestone
    meeting = months_ago(cohort, 1)
    inventory = write(ken, meeting, answers={"did": "First words."})  # none
    login(client, aiko)
    cache = fragments.cache()
    misses = cache.misses
    first = feed(client)
    assert cache.misses == misses + 3  # heading and taste of the first card, one piece here

    def card_of(page: str) -> str:
        return page.split(f'id="feed-{inventory.id}"', 1)[1].split("</article>", 1)[0]

    card = card_of(first)
    assert "First words." in card and "Ken shared their" in card
    assert 'class="milestones"' not in card
    assert card_of(feed(client)) == card and cache.misses == misses + 3

    change = services.InventoryInput(answers={"did": "Second thoughts."})
    services.save_inventory(ken, meeting, change, inventory.version)
    db.session.commit()
    assert "Second thoughts." in card_of(feed(client))
    ken.display_name = "Kenji"
    db.session.commit()
    assert "Kenji shared their" in card_of(feed(client))
    cohort.name = "Career Guild"
    db.session.commit()
    assert "Career Guild" in card_of(feed(client))
    meeting.month_on = date(2001, 1, 1)  # the session now counts for another month
    db.session.commit()
    assert "Jan 2001" in card_of(feed(client))


def test_the_table_of_ratings_is_kept_apart_for_paused_and_skipped_months(app, circle):
    """The owner's table says a month was paused; a peer's says only that it has no inventory.
    Their charts draw the same (a gap either way), so the table's piece is told apart by the
    months' states, never served from the owner's to a peer."""
    cohort, ken, aiko = circle
    write(ken, months_ago(cohort, 3), energy=4)
    services.pause_month(ken, months_ago(cohort, 2))
    write(ken, months_ago(cohort, 1), energy=3)
    db.session.commit()
    owner, peer = app.test_client(), app.test_client()
    login(owner, ken)
    login(peer, aiko)
    url = f"/c/{cohort.slug}/members/{ken.id}"
    for _ in range(2):  # the second time from what was kept
        mine = owner.get(url).get_data(as_text=True)
        theirs = peer.get(url).get_data(as_text=True)
        assert 'class="muted">paused</td>' in mine
        assert 'class="muted">paused</td>' not in theirs
        assert 'class="muted">no inventory</td>' in theirs


def test_a_piece_rendered_in_another_language_within_one_request_is_its_own(app, circle):
    """An email rendered for a reader of another language (``force_locale``) inside a request
    gets pieces in that language: the language a key holds is not kept past a change."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = '{% call fragment("probe", 1) %}{{ _("Cheer") }}{% endcall %}'
    with app.test_request_context("/"):
        english = render_template_string(template)
        with force_locale("ja"):
            japanese = render_template_string(template)
        again = render_template_string(template)
    assert (english, japanese, again) == ("Cheer", "応援する", "Cheer")
