"""Cheer buttons: one tap to cheer (応援); pressed again, it takes the cheer back.

A feed page draws twenty to forty of them and a timeline a dozen or more. As a Jinja macro
each one cost about as much as the rest of its card, kept rendered (cohort/fragments.py), and
most of that was the macro's own machinery: ``cheer_button`` writes the same HTML from Python.
What is the same for every button of the page (the form's address but for the id, the CSRF
token, the way back, the labels) is worked out once per request by a ``CheerForms`` kept for
the request (``cheer_forms()``).

The HTML: ``target`` names what is cheered for screen readers, as a page may hold many of
these buttons. The label says the state in words ("Cheered"), not only by its look;
aria-pressed says it to screen readers. ``place`` tells apart a second button for the same
thing on one page (its own anchor). No inline script and no style attribute (CSP).
"""

from functools import cached_property

from flask import g, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..i18n import gettext, ngettext


class CheerForms:
    """The shared parts of this request's cheer buttons. Everything is worked out when first
    asked: a page without a button that may be pressed never makes a CSRF token (which
    would write it into the session)."""

    def __init__(self) -> None:
        self._addresses: dict[str, tuple[str, str]] = {}
        self._counts: dict[int, str] = {}

    def action(self, slug: str, inventory_id: int) -> str:
        """``url_for("timeline.cheer", slug=slug, inventory_id=inventory_id)``: the address
        is built once per cohort, with the id (the only part that differs) put in its place."""
        parts = self._addresses.get(slug)
        if parts is None:
            head, _, tail = url_for("timeline.cheer", slug=slug, inventory_id=0).rpartition("/0/")
            parts = self._addresses[slug] = (head + "/", "/" + tail)
        return f"{parts[0]}{inventory_id}{parts[1]}"

    @cached_property
    def csrf_token(self) -> str:
        return generate_csrf()

    @cached_property
    def back(self) -> str:
        return current_path()

    # The labels, translated once (plain text: none of them holds markup).
    @cached_property
    def cheer(self) -> str:
        return gettext("Cheer")

    @cached_property
    def cheered(self) -> str:
        return gettext("Cheered")

    @cached_property
    def no_cheers_yet(self) -> str:
        return gettext("No cheers yet")

    # The same, escaped once for the page's buttons.
    @cached_property
    def hidden_token(self) -> str:
        return f'<input type="hidden" name="csrf_token" value="{escape(self.csrf_token)}">'

    @cached_property
    def escaped_back(self) -> str:
        return str(escape(self.back))

    @cached_property
    def labels(self) -> dict[bool, str]:
        """Pressed or not → the button's value, ``aria-pressed`` and label."""
        return {
            True: f'"remove" class="cheer-button" aria-pressed="true">{escape(self.cheered)}',
            False: f'"add" class="cheer-button" aria-pressed="false">{escape(self.cheer)}',
        }

    @cached_property
    def no_cheers_html(self) -> str:
        return f'<span class="cheer-count muted">{escape(self.no_cheers_yet)}</span>'

    def count(self, number: int) -> str:
        """ "3 cheers", escaped, said once per number on a page."""
        text = self._counts.get(number)
        if text is None:
            text = ngettext("%(num)d cheer", "%(num)d cheers", number)
            text = self._counts[number] = str(escape(text))
        return text


def current_path() -> str:
    """This page's path and query, for forms that come back here."""
    return request.full_path if request.query_string else request.path


def cheer_forms() -> CheerForms:
    """This request's ``CheerForms``, made on first use."""
    forms = g.get("_cheer_forms")
    if forms is None:
        forms = g._cheer_forms = CheerForms()
    return forms


def cheer_button(
    slug: str,
    inventory_id: int,
    key: str,
    cheers,
    allowed: bool,
    target: str,
    place: str = "",
) -> Markup:
    """A cheer button and the count of cheers with who gave them (``services.Cheers``): the
    form only where the viewer may cheer, "No cheers yet" only where they may not."""
    forms = cheer_forms()
    anchor = escape(f"cheer-{place + '-' if place else ''}{inventory_id}{'-' + key if key else ''}")
    parts = [f'<div class="cheer" id="{anchor}" data-inplace-region="{anchor}">']
    if allowed:
        milestone = f'<input type="hidden" name="milestone" value="{escape(key)}">' if key else ""
        parts.append(
            f'<form method="post" action="{escape(forms.action(slug, inventory_id))}"'
            f' class="inline-form">{forms.hidden_token}{milestone}'
            f'<input type="hidden" name="next" value="{forms.escaped_back}#{anchor}">'
            f'<button type="submit" name="action" value={forms.labels[bool(cheers.by_viewer)]}'
            f'<span class="visually-hidden"> {escape(target)}</span></button></form>'
        )
    if cheers.count:
        names = escape(", ".join(cheers.names))
        parts.append(
            f'<span class="cheer-count">{forms.count(cheers.count)}'
            f'<span class="muted"> · {names}</span></span>'
        )
    elif not allowed:
        parts.append(forms.no_cheers_html)
    parts.append("</div>")
    # One line each, as the layout spaces the button and the count apart like words.
    return Markup("\n".join(parts))  # noqa: S704 (every value above is escaped)
