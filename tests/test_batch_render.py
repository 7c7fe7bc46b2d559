"""Emails rendered once per group of alike recipients are, for each recipient, byte for byte
what rendering the email for them alone gives."""

from types import SimpleNamespace

import pytest

from cohort.delivery import batch_render
from cohort.delivery.batch_render import BatchRenderer
from cohort.emails import render_email

from .test_email_snapshots import CONTEXTS, URLS

NAMES = ["Hanako", '<i>O\'Brien</i> & "Co"', "山田 太郎", "a%(name)sb {{ x }}"]


def person(name: str, locale: str, zone: str = "Asia/Tokyo", n: int = 0) -> SimpleNamespace:
    return SimpleNamespace(
        id=n, display_name=name, email=f"p{n}+<x>@example.org", locale=locale, timezone=zone
    )


def alone(kind: str, user, unsubscribe_url: str, context: dict):
    return render_email(
        kind,
        locale=user.locale,
        user=user,
        zone=user.timezone,
        unsubscribe_url=unsubscribe_url,
        **context,
    )


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_every_email_renders_the_same_for_each_recipient_of_a_batch(app, kind, locale):
    urls = {k: v for k, v in URLS.items() if k != "unsubscribe_url"}
    context = {**urls, **CONTEXTS[kind]}
    renderer = BatchRenderer()
    with app.test_request_context():
        for n, name in enumerate(NAMES):
            for zone in ("Asia/Tokyo", "Europe/London"):
                user = person(name, locale, zone, n)
                unsubscribe = f"https://cohort.example.org/unsubscribe/t{n}?a=1&b=<{n}>"
                got = renderer.render(kind, user, unsubscribe, context)
                assert got == alone(kind, user, unsubscribe, context)


def test_a_group_is_rendered_once(app, monkeypatch):
    monkeypatch.setattr(batch_render, "SUBSTITUTABLE", {})
    rendered = []
    monkeypatch.setattr(
        batch_render,
        "render_email",
        lambda template, **kw: rendered.append(template) or render_email(template, **kw),
    )
    context = {**URLS, **CONTEXTS["reminder_inventory_due"]}
    context.pop("unsubscribe_url")
    renderer = BatchRenderer()
    with app.test_request_context():
        for n in range(50):
            renderer.render("reminder_inventory_due", person(f"M{n}", "en", n=n), f"u{n}", context)
    assert len(rendered) == 3  # the check (stand-ins and tricky values) and the group


@pytest.mark.parametrize(
    "text", [lambda user: user.display_name.upper(), lambda user: f"{user.id}: {user.display_name}"]
)
def test_a_template_that_treats_the_recipient_its_own_way_is_rendered_for_each(
    app, monkeypatch, text
):
    def personal(template, *, locale, user, zone, unsubscribe_url, **context):
        return "Subject", text(user), unsubscribe_url

    monkeypatch.setattr(batch_render, "render_email", personal)
    monkeypatch.setattr(batch_render, "SUBSTITUTABLE", {})
    renderer = BatchRenderer()
    for n, name in enumerate(["ann", "bob"]):
        user = person(name, "en", n=n)
        assert renderer.render("x", user, f"u{n}", {}) == ("Subject", text(user), f"u{n}")
