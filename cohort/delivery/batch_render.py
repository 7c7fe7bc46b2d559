"""Rendering the same email for many recipients at once.

A reminder tick sends one template to thousands of members, and most of an email is the same
for every recipient who shares a language, a time zone and what the email is about (the
session, its links, the names it lists): only the greeting's name, the address and the
unsubscribe link are theirs. ``BatchRenderer`` renders each such group once with stand-ins
for those three values, then puts each recipient's own values in, escaped for HTML where the
template escapes them.

Byte for byte the same as ``render_email`` for each recipient: the first time a template is
used in a language, it is also rendered in full for a recipient whose values need escaping,
and if the two ways disagree (a template that filters or tests the name, say) that template
is rendered in full for every recipient of the batch.
"""

from collections.abc import Hashable

from markupsafe import escape

from ..emails import render_email

NAME = "xCohortNameStandInx"
EMAIL = "xCohortEmailStandInx"
UNSUBSCRIBE = "xCohortUnsubscribeStandInx"
# A recipient whose every value needs escaping: the check that substitution is exact.
TRICKY = {NAME: '<b>O\'Brien & "名前"</b>', EMAIL: "a+<x>@example.org", UNSUBSCRIBE: "h?a=1&b=<2>"}

Rendered = tuple[str, str, str]  # subject, text, HTML
# Whether substitution is exact for a (template, language): a property of the template, so
# checked once per process (a process whose templates reload at run time checks too rarely:
# such is only the development server, which sends no reminders).
SUBSTITUTABLE: dict[tuple[str, str], bool] = {}


class _StandIn:
    """The recipient as a group's rendering sees it. Reading anything but these makes the
    template personal in a way substitution cannot follow: it is then rendered per recipient."""

    def __init__(self, locale: str, timezone: str, values: dict[str, str]) -> None:
        self._fields = {
            "display_name": values[NAME],
            "email": values[EMAIL],
            "locale": locale,
            "timezone": timezone,
        }
        self.strayed = False

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._fields:
            return self._fields[name]
        self.strayed = True  # some other attribute of the user: not substitutable
        return None


def _frozen(value) -> Hashable:
    """A key for a context value: plain values by value, containers by their items, any
    other object by identity (a batch's sessions and cohorts are the same objects)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    return ("object", id(value))


def _has_stand_in(values: dict[str, str]) -> bool:
    return any(stand_in in (value or "") for value in values.values() for stand_in in TRICKY)


def _substitute(rendered: Rendered, values: dict[str, str]) -> Rendered:
    subject, text, html = rendered
    for stand_in, value in values.items():
        subject = subject.replace(stand_in, value)
        text = text.replace(stand_in, value)
        html = html.replace(stand_in, str(escape(value)))
    return subject, text, html


class BatchRenderer:
    """Renders a batch's emails, each group of identical ones once (see the module)."""

    def __init__(self) -> None:
        self._groups: dict[Hashable, Rendered] = {}

    def render(self, template: str, user, unsubscribe_url: str, context: dict) -> Rendered:
        """``render_email(template, locale=user.locale, user=user, zone=user.timezone,
        unsubscribe_url=unsubscribe_url, **context)``, the same text, from a shared copy."""
        locale, zone = user.locale, user.timezone
        own = {NAME: user.display_name, EMAIL: user.email, UNSUBSCRIBE: unsubscribe_url}
        if not self._substitutable(template, locale, zone, context) or _has_stand_in(own):
            return render_email(
                template,
                locale=locale,
                user=user,
                zone=zone,
                unsubscribe_url=unsubscribe_url,
                **context,
            )
        key = (
            template,
            locale,
            zone,
            tuple(sorted((name, _frozen(value)) for name, value in context.items())),
        )
        if key not in self._groups:
            stand_ins = {stand_in: stand_in for stand_in in TRICKY}
            self._groups[key] = self._render(template, locale, zone, stand_ins, context)[0]
        return _substitute(self._groups[key], own)

    def _substitutable(self, template: str, locale: str, zone: str, context: dict) -> bool:
        """Whether substitution gives what a full rendering gives, checked once per template
        and language with values that need escaping."""
        checked = (template, locale)
        if checked not in SUBSTITUTABLE:
            stand_ins = {stand_in: stand_in for stand_in in TRICKY}
            generic, strayed = self._render(template, locale, zone, stand_ins, context)
            full, _ = self._render(template, locale, zone, TRICKY, context)
            SUBSTITUTABLE[checked] = not strayed and _substitute(generic, TRICKY) == full
        return SUBSTITUTABLE[checked]

    @staticmethod
    def _render(
        template: str, locale: str, zone: str, values: dict[str, str], context: dict
    ) -> tuple[Rendered, bool]:
        user = _StandIn(locale, zone, values)
        rendered = render_email(
            template,
            locale=locale,
            user=user,
            zone=zone,
            unsubscribe_url=values[UNSUBSCRIBE],
            **context,
        )
        return rendered, user.strayed
