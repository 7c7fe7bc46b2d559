"""The cards of the feedback page, drawn in Python.

A page shows ten pieces received, each with its session, badges, reply and the recipient's
controls. As a Jinja macro each card cost more than all the page's statements together, most
of it the macro's own machinery and attribute reads. ``ReceivedCards`` writes the same HTML
from the page's rows (``inbox.ReceivedCard``): what every card of the page shares (the
cohort's address, the way back, the CSRF token, the recipient's lines, the labels) is worked
out once, and what the giver wrote is the body the inventory page keeps too
(``feedback_body`` in templates/feedback/_macros.html, kept per saved version of the piece).

Labels are said as the templates' ``_()`` says them: the translation is the app's own markup,
the names put in it are escaped.
"""

from functools import cached_property

from flask import current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..auth.models import User
from ..cohorts.models import Cohort
from ..fragments import cache, fragment_of
from ..i18n import datetime_filter, gettext
from ..permissions import Action, can_on_feedback_row
from ..security import kept_text
from ..urls import template_url_for
from .buttons import response_toggles
from .inbox import ReceivedCard
from .traits import TRAITS


def _say(string: str) -> Markup:
    """A label as ``_()`` says it in a template: the app's own markup, with ``%`` left for the
    names it takes (escaped when put in)."""
    return Markup(gettext(string))  # noqa: S704 (the app's catalog)


class ReceivedCards:
    """This request's cards on ``user``'s page of ``cohort``, coming back to ``next_url``."""

    def __init__(self, user: User, cohort: Cohort, next_url: str) -> None:
        self.user = user
        self.cohort_url = template_url_for("cohorts.overview", slug=cohort.slug)
        self.next_url = next_url
        self._fragment = fragment_of(cache())

    @cached_property
    def token(self) -> str:
        """Asked for once, and only when a card has forms (it writes it into the session)."""
        return generate_csrf()

    @cached_property
    def labels(self) -> dict[str, Markup]:
        """The cards' words, said once a page; those naming the recipient (the viewer) with
        the name put in."""
        said = {
            key: _say(text)
            for key, text in (
                ("from", "From %(name)s"),
                ("helpful", "helpful"),
                ("shared", "shared with the cohort"),
                ("reply_to", "Reply to %(name)s"),
                ("one_reply", "One reply per piece: a thank-you, or what you will do with it."),
                ("send", "Send reply"),
            )
        }
        name = {"name": self.user.display_name}
        said["reply_from"] = _say("Reply from %(name)s") % name
        said["shared_by"] = _say("Shared by %(name)s with everyone in the cohort.") % name
        said["seen_by"] = _say("Seen by %(name)s and the organizers.") % name
        return said

    @cached_property
    def _macros(self):
        return current_app.jinja_env.get_template("feedback/_macros.html").module

    def draw(self, card: ReceivedCard) -> Markup:
        """One card: ``feedback_card``'s, with the session named and forms that come back to
        the page (tests/test_feedback_inbox.py holds the two together)."""
        labels, piece = self.labels, card.id
        privacy = labels["shared_by"] + "\n      " if card.is_shared else labels["seen_by"]
        return Markup(  # noqa: S704 (every value is escaped, the body is kept markup)
            f'\n  <article class="card feedback-card" id="feedback-{piece}"'
            f' aria-labelledby="feedback-{piece}-heading">'
            f'\n    <h3 id="feedback-{piece}-heading">'
            f"{labels['from'] % {'name': card.giver_name}}</h3>"
            f"\n    {self._meta(card)}\n    \n    {self._body(card)}\n    "
            f"{self._reply(card)}\n    {self._responses(card)}"
            '\n    <p class="privacy">\n      '
            f"{privacy}"
            "\n    </p>\n  </article>\n"
        )

    def _meta(self, card: ReceivedCard) -> str:
        """The session, the day and the badges."""
        piece, labels = card.id, self.labels
        link = f"{self.cohort_url}inventories/{card.inventory_id}#feedback-{piece}"
        helpful = f'<span class="badge badge-helpful">{labels["helpful"]}</span>'
        shared = f'<span class="badge">{labels["shared"]}</span>'
        return (
            f'<p class="muted feedback-meta" data-inplace-region="feedback-meta-{piece}">'
            f'\n      <a href="{escape(link)}">{escape(card.meeting.title)}</a> · '
            f"\n      {escape(datetime_filter(card.created_at))}"
            f"\n      {helpful if card.is_helpful else ''}"
            f"\n      {shared if card.is_shared else ''}\n    </p>"
        )

    def _body(self, card: ReceivedCard) -> str:
        """What the giver wrote, kept under the key ``feedback_card`` keeps it under."""
        traits = "\n".join(str(TRAITS.get(key, key)) for key in card.traits)
        return self._fragment(
            "feedback-body",
            card.id,
            card.updated_at,
            traits,
            caller=lambda: self._macros.feedback_body(card, TRAITS),
        )

    def _reply(self, card: ReceivedCard) -> str:
        if not card.has_reply:
            return ""
        return (
            '\n      <div class="feedback-reply">'
            f"\n        <h4>{self.labels['reply_from']}</h4>"
            f'\n        <div class="prose">{card.reply_html}</div>\n      </div>\n    '
        )

    def _responses(self, card: ReceivedCard) -> str:
        """The recipient's toggles and reply form, where ``can(user, RESPOND, piece)`` would
        allow them: the card is asked of the same rule (``can_on_feedback_row``)."""
        if not can_on_feedback_row(self.user, Action.RESPOND, card):
            return ""
        piece_url = f"{self.cohort_url}feedback/{card.id}"
        toggles = response_toggles(card, piece_url, self.token, self.next_url)
        return f"\n  \n  \n  {toggles}\n  {self._reply_form(card, piece_url)}\n"

    def _reply_form(self, card: ReceivedCard, piece_url: str) -> str:
        if card.has_reply:
            return ""
        labels, field = self.labels, f"reply-{card.id}"
        reply_url = f"{piece_url}/reply"
        back = f'<input type="hidden" name="next" value="{escape(self.next_url)}">'
        return (
            f'\n    <form method="post" action="{escape(reply_url)}" class="reply-form">'
            f'\n      <input type="hidden" name="csrf_token" value="{escape(self.token)}">'
            f"\n      {back if self.next_url else ''}"
            f'\n      <label for="{field}">{labels["reply_to"] % {"name": card.giver_name}}</label>'
            f'\n      <small id="{field}-help" class="help">{labels["one_reply"]}</small>'
            f'\n      <textarea id="{field}" name="reply" rows="2" maxlength="2000"'
            f' aria-describedby="{field}-help">{escape(kept_text(reply_url, "reply"))}</textarea>'
            f'\n      <button type="submit">{labels["send"]}</button>\n    </form>\n  '
        )
