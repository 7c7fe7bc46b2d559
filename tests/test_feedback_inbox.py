"""The feedback page's cards (feedback/cards.py): drawn in Python from plain rows, they must
read as the inventory page's ``feedback_card`` draws the same piece, escape what people typed,
and offer the recipient's controls exactly where ``can(user, RESPOND, piece)`` does."""

import re
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import update

from cohort.extensions import db
from cohort.feedback import services
from cohort.feedback.models import Feedback
from cohort.fragments import forget
from cohort.permissions import Action, can

from . import factories
from .test_inventories import session_for
from .test_templates import context_read_by

TOKEN = re.compile(r'(name="csrf_token" value=")[^"]*"')
# Odd names: markup, an entity, both quotes and Japanese.
GIVER = "Aiko <b>&amp; \"Ai\" 'chan'</b> 山田"
RECIPIENT = "Ken & <i>Ken</i> 「鈴木」"
TITLE = 'Session <x> & "ten" 第十回'


def circle_in(locale: str) -> SimpleNamespace:
    """Ken shared his inventory in a cohort that asks for Keep / Start / Stop; Aiko and Mo
    are in it. Ken reads the app in ``locale``."""
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer, keep_start_stop=True)
    ken = factories.make_user(display_name=RECIPIENT, locale=locale, email="ken@example.org")
    aiko = factories.make_user(display_name=GIVER)
    mo = factories.make_user(display_name="Mo")
    for person in (ken, aiko, mo):
        factories.add_member(cohort, person)
    meeting = session_for(cohort, title=TITLE)
    inventory = factories.make_shared_inventory(meeting, ken, feedback_ask="How do I show it?")
    return SimpleNamespace(
        cohort=cohort, meeting=meeting, inventory=inventory, ken=ken, aiko=aiko, mo=mo
    )


@pytest.fixture
def circle(app):
    return circle_in("en")


def login(client, user) -> None:
    data = {"email": user.email, "password": factories.PASSWORD}
    assert client.post("/login", data=data).status_code == 302


def card(page: str, piece: Feedback) -> str:
    """The piece's card on a page, with the CSRF token (signed anew each time) blanked."""
    found = re.search(rf'<article [^>]*id="feedback-{piece.id}".*?</article>\n', page, re.S)
    assert found, f"no card for piece {piece.id}"
    return TOKEN.sub(r'\1"', found.group(0))


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("kept", [False, True], ids=["drawn", "kept"])
def test_an_inbox_card_reads_as_the_inventory_page_draws_it(app, client, locale, kept):
    """Byte for byte, but for what only the inbox has: the session's link and the way back."""
    circle = circle_in(locale)
    plain = factories.make_feedback(circle.inventory, circle.aiko, traits=["curious"])
    answered = factories.make_feedback(
        circle.inventory, circle.mo, keep="Keep *this*", stop="Stop & think"
    )
    db.session.execute(
        update(Feedback).where(Feedback.id == answered.id).values(traits=["curious", "no<such>"])
    )
    db.session.commit()
    services.reply_to_feedback(circle.ken, answered, "Thank you <3")
    services.mark_helpful(circle.ken, answered)
    services.share_feedback(circle.ken, answered)
    db.session.commit()
    login(client, circle.ken)
    inbox = f'/c/{circle.cohort.slug}/feedback?page=1&x="<'
    shown = f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}"
    for piece in (plain, answered):
        if not kept:
            forget()
        on_the_inventory = card(get(client, shown), piece)
        if not kept:
            forget()
        in_the_inbox = card(get(client, inbox), piece)
        address = f"/c/{circle.cohort.slug}/inventories/{circle.inventory.id}#feedback-{piece.id}"
        assert f'<a href="{address}">{escape(TITLE)}</a> · ' in in_the_inbox
        back = '<input type="hidden" name="next" value="/c/{}/feedback?page=1&amp;x=&#34;&lt;">'
        assert back.format(circle.cohort.slug) in in_the_inbox
        without_inbox_parts = re.sub(r"<a href=[^>]*>[^<]*</a> · ", "", in_the_inbox, count=1)
        without_inbox_parts = without_inbox_parts.replace(back.format(circle.cohort.slug), "")
        assert without_inbox_parts == on_the_inventory


def test_an_inbox_card_shows_each_part_and_escapes_what_people_typed(circle, client):
    piece = factories.make_feedback(
        circle.inventory, circle.aiko, keep="Keep the **pace**", start="Start & <go>"
    )
    login(client, circle.ken)
    shown = card(get(client, f"/c/{circle.cohort.slug}/feedback"), piece)
    giver = "Aiko &lt;b&gt;&amp;amp; &#34;Ai&#34; &#39;chan&#39;&lt;/b&gt; 山田"
    recipient = "Ken &amp; &lt;i&gt;Ken&lt;/i&gt; 「鈴木」"
    assert f'<h3 id="feedback-{piece.id}-heading">From {giver}</h3>' in shown
    assert "Session &lt;x&gt; &amp; &#34;ten&#34; 第十回</a>" in shown
    assert f"Seen by {recipient} and the organizers." in shown
    assert f'<label for="reply-{piece.id}">Reply to {giver}</label>' in shown
    for text in (
        "<p>Lead with the client's own words: they show the impact.</p>",
        "<p>In the December workshop</p>",
        "<p>You re-planned the agenda calmly</p>",
        "<p>Everyone left with a decision</p>",
        "<p>Keep the <strong>pace</strong></p>",
        "<p>Start &amp; &lt;go&gt;</p>",
        "<p>What would you try if nobody was watching?</p>",
        '<li class="trait">Calm under pressure</li>',
    ):
        assert text in shown, text
    for raw in (GIVER, RECIPIENT, TITLE, "<go>"):
        assert raw not in shown


def test_the_reply_form_carries_its_hidden_fields_and_goes_once_answered(circle, client):
    piece = factories.make_feedback(circle.inventory, circle.aiko)
    login(client, circle.ken)
    inbox = f"/c/{circle.cohort.slug}/feedback"
    page = client.get(f"{inbox}?page=1").get_data(as_text=True)
    form = page.split('class="reply-form">', 1)[1].split("</form>", 1)[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    assert hidden["csrf_token"] and hidden["next"] == f"{inbox}?page=1"
    action = f'<form method="post" action="{inbox}/{piece.id}/reply" class="reply-form">'
    assert action in page
    response = client.post(f"{inbox}/{piece.id}/reply", data={"reply": "Thanks!", **hidden})
    assert response.location == f"{inbox}?page=1"
    shown = card(get(client, inbox), piece)
    assert 'class="reply-form"' not in shown and "<p>Thanks!</p>" in shown
    assert f'data-inplace-region="feedback-actions-{piece.id}"' in shown


def test_the_controls_show_where_can_says_the_recipient_may_respond(circle, client):
    """An open piece, one in a closed season, and every piece once the cohort is archived."""
    open_piece = factories.make_feedback(circle.inventory, circle.aiko)
    old = factories.make_meeting(circle.cohort, title="Old session")
    old_inventory = factories.make_shared_inventory(old, circle.ken)
    closed_piece = factories.make_feedback(old_inventory, circle.mo)
    factories.close_in_season(old, circle.mo)
    login(client, circle.ken)
    inbox = f"/c/{circle.cohort.slug}/feedback"

    def controls() -> dict[int, bool]:
        page = get(client, inbox)
        return {
            piece.id: 'class="reply-form"' in card(page, piece)
            for piece in (open_piece, closed_piece)
        }

    def allowed() -> dict[int, bool]:
        db.session.expire_all()
        pieces = (
            db.session.get(Feedback, open_piece.id),
            db.session.get(Feedback, closed_piece.id),
        )
        return {piece.id: can(circle.ken, Action.RESPOND, piece) for piece in pieces}

    assert controls() == allowed() == {open_piece.id: True, closed_piece.id: False}
    circle.cohort.is_archived = True
    db.session.commit()
    assert controls() == allowed() == {open_piece.id: False, closed_piece.id: False}


def test_a_piece_from_a_former_member_says_so(circle, client):
    piece = factories.make_feedback(circle.inventory, circle.aiko)
    db.session.execute(update(Feedback).where(Feedback.id == piece.id).values(giver_id=None))
    db.session.commit()
    login(client, circle.ken)
    shown = card(get(client, f"/c/{circle.cohort.slug}/feedback"), piece)
    assert "From a former member</h3>" in shown and "Reply to a former member</label>" in shown


def test_the_kept_body_needs_nothing_of_the_page(app):
    """The cards draw ``feedback_body`` from the macro file imported without a context."""
    assert context_read_by(app.jinja_env, "feedback/_macros.html", ("feedback_body",)) == set()
