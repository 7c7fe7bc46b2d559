"""Sections kept whole with holes for the viewer's own parts (cohort/fragments.py): a member's
timeline is rendered once for everyone who sees the same months, and each viewer still gets
their own cheer and follow buttons, forms and tokens; what the owner alone sees never reaches
anyone else, and a change shows at once."""

import re

import pytest

from cohort import fragments
from cohort.extensions import db
from cohort.fragments import KeptSection

from . import factories
from .test_timeline import login, make_circle, member_page, months_ago, write

CSRF_VALUE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def circle(app, user):
    return make_circle(user)


def render(app, source: str, section: KeptSection) -> str:
    return app.jinja_env.from_string(source).render(section=section)


KEPT = (
    '{% call kept_section(section) %}<p>{{ hole("name", 1) }} and {{ hole("name", 2) }}</p>'
    "{% endcall %}"
)


def test_a_section_is_rendered_once_and_its_holes_filled_for_each_request(app):
    renders = []
    counted = KEPT.replace("<p>", "<p>{{ count() }}")
    app.jinja_env.globals["count"] = lambda: renders.append(1) or ""
    try:
        with app.test_request_context():
            first = KeptSection.look_up(("test", "one"), lambda hole: f"[{hole[1]} for Ken]")
            assert first.kept is None
            html = render(app, counted, first)
        with app.test_request_context():
            again = KeptSection.look_up(("test", "one"), lambda hole: f"[{hole[1]} for Aiko]")
            assert again.kept is not None
            other = render(app, counted, again)
    finally:
        del app.jinja_env.globals["count"]
    assert html == "<p>[1 for Ken] and [2 for Ken]</p>"
    assert other == "<p>[1 for Aiko] and [2 for Aiko]</p>"
    assert renders == [1]  # the second request filled the kept rendering's holes only


def test_a_section_without_a_key_or_cache_is_rendered_every_time(app, monkeypatch):
    with app.test_request_context():
        unkeyed = KeptSection.look_up(None, lambda hole: "x")
        assert render(app, KEPT, unkeyed) == "<p>x and x</p>"
        assert KeptSection.look_up(("test", ["a list"]), lambda hole: "x").key is None
        monkeypatch.setattr(fragments.sections(), "size", 0)
        off = KeptSection.look_up(("test", "two"), lambda hole: "y")
        assert render(app, KEPT, off) == "<p>y and y</p>"
        assert KeptSection.look_up(("test", "two"), lambda hole: "y").kept is None


def test_a_hole_only_goes_in_a_kept_section_and_never_in_a_kept_piece(app):
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="outside a kept section"):
            app.jinja_env.from_string('{{ hole("name") }}').render()
        inside_piece = (
            '{% call kept_section(section) %}{% call fragment("piece", 1) %}'
            '{{ hole("name") }}{% endcall %}{% endcall %}'
        )
        with pytest.raises(RuntimeError, match="inside fragment"):
            render(app, inside_piece, KeptSection.look_up(("test", "three"), str))


def buttons(page: str) -> list[str]:
    """The page's cheer buttons as (pressed?, what they cheer), in order."""
    return re.findall(
        r'aria-pressed="(true|false)">[^<]*<span class="visually-hidden"> ([^<]+)<', page
    )


def test_a_kept_timeline_gives_each_viewer_their_own_buttons_and_tokens(app, circle):
    cohort, ken, aiko = circle
    yui = factories.make_user(display_name="Yui")
    factories.add_member(cohort, yui)
    earlier = write(ken, months_ago(cohort, 2))
    write(ken, months_ago(cohort, 1))
    as_aiko, as_yui = app.test_client(), app.test_client()
    login(as_aiko, aiko)
    login(as_yui, yui)
    as_aiko.post(f"/c/{cohort.slug}/inventories/{earlier.id}/cheer", data={"action": "add"})
    as_aiko.post(f"/people/{ken.id}/follow")
    sections = fragments.sections()
    aikos = member_page(as_aiko, cohort, ken)
    misses, hits = sections.misses, sections.hits
    yuis = member_page(as_yui, cohort, ken)
    assert (sections.misses, sections.hits) == (misses, hits + 1)  # Yui's came from memory
    # Newest first: the last month, then the earlier one's milestone and the month itself.
    assert [pressed for pressed, _ in buttons(aikos)] == ["false", "false", "true"]
    assert [pressed for pressed, _ in buttons(yuis)] == ["false", "false", "false"]
    assert [what for _, what in buttons(aikos)] == [what for _, what in buttons(yuis)]
    assert "1 cheer<span" in yuis and "Aiko" in yuis  # the count is everyone's
    assert ">Unfollow<" in aikos and ">Follow<" not in aikos
    assert ">Follow<" in yuis and ">Unfollow<" not in yuis
    aiko_tokens, yui_tokens = set(CSRF_VALUE.findall(aikos)), set(CSRF_VALUE.findall(yuis))
    assert len(aiko_tokens) == len(yui_tokens) == 1 and aiko_tokens != yui_tokens
    assert aikos.count('name="csrf_token"') == yuis.count('name="csrf_token"')


def test_what_only_the_owner_sees_never_reaches_a_peer(app, circle):
    cohort, ken, aiko = circle
    write(ken, months_ago(cohort, 2), answers={"did": "Shared words."})
    write(ken, months_ago(cohort, 1), share=False, answers={"did": "Draft words."})
    as_ken, as_aiko = app.test_client(), app.test_client()
    login(as_ken, ken)
    login(as_aiko, aiko)
    own = member_page(as_ken, cohort, ken)
    assert "Draft words." in own and "Draft: only you can see this" in own
    assert "Your drafts and paused months show here only for you." in own
    misses = fragments.sections().misses
    other = member_page(as_aiko, cohort, ken)
    assert fragments.sections().misses == misses + 1  # not Ken's kept timeline
    assert "Shared words." in other
    assert "Draft words." not in other and "only you can see" not in other
    assert "Your drafts" not in other


def test_a_kept_timeline_follows_a_cheer_a_new_name_and_the_readers_language(app, circle):
    cohort, ken, aiko = circle
    inventory = write(ken, months_ago(cohort, 1))
    yui = factories.make_user(display_name="Yui", locale="ja", timezone="Asia/Tokyo")
    factories.add_member(cohort, yui)
    as_aiko, as_yui = app.test_client(), app.test_client()
    login(as_aiko, aiko)
    login(as_yui, yui)
    assert "No cheers yet" not in member_page(as_aiko, cohort, ken)
    assert "cheer<span" not in member_page(as_aiko, cohort, ken)
    as_yui.post(f"/c/{cohort.slug}/inventories/{inventory.id}/cheer", data={"action": "add"})
    assert "1 cheer<span" in member_page(as_aiko, cohort, ken)
    ken.display_name = "Kenji"
    db.session.commit()
    page = member_page(as_aiko, cohort, ken)
    assert "Kenji" in page and "Ken's" not in page
    japanese = member_page(as_yui, cohort, ken)
    assert "タイムライン" in japanese and ">Timeline<" not in japanese


def test_the_owner_and_a_peer_keep_their_own_timelines_of_the_same_months(app, circle):
    cohort, ken, aiko = circle
    write(ken, months_ago(cohort, 1))
    as_ken, as_aiko = app.test_client(), app.test_client()
    login(as_ken, ken)
    login(as_aiko, aiko)
    assert "Your drafts and paused months" in member_page(as_ken, cohort, ken)
    other = member_page(as_aiko, cohort, ken)
    assert "Your drafts and paused months" not in other and ">Follow<" in other
    assert "Your drafts and paused months" in member_page(as_ken, cohort, ken)
