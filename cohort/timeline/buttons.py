"""What every cheer button of one page has in common, worked out once per request.

A feed page draws twenty to forty cheer buttons (templates/timeline/_macros.html); each of
them used to build its form's address with ``url_for``, ask for the CSRF token, read the
page's path and translate its labels, all the same for every button of the page. A
``CheerForms`` kept for the request (``cheer_forms()``) answers these once each; the HTML is
the same as before.
"""

from functools import cached_property

from flask import g, request, url_for
from flask_wtf.csrf import generate_csrf

from ..i18n import gettext


class CheerForms:
    """The shared parts of this request's cheer buttons. Everything is worked out when first
    asked: a page without a button that may be pressed never makes a CSRF token (which
    would write it into the session)."""

    def __init__(self) -> None:
        self._addresses: dict[str, tuple[str, str]] = {}

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


def current_path() -> str:
    """This page's path and query, for forms that come back here."""
    return request.full_path if request.query_string else request.path


def cheer_forms() -> CheerForms:
    """This request's ``CheerForms``, made on first use."""
    forms = g.get("_cheer_forms")
    if forms is None:
        forms = g._cheer_forms = CheerForms()
    return forms
