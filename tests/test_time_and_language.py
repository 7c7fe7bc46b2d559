"""UTC timestamps on both databases; dates in the viewer's zone and language."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from cohort.auth.models import User
from cohort.database import utcnow
from cohort.extensions import db
from cohort.i18n import datetime_filter

from . import factories


def test_timestamps_come_back_timezone_aware_in_utc(app):
    user = factories.make_user()
    created = user.created_at
    db.session.expire_all()
    reloaded = db.session.scalar(select(User).where(User.id == user.id))
    assert reloaded.created_at.tzinfo is not None
    assert reloaded.created_at.utcoffset() == timedelta(0)
    assert abs(reloaded.created_at - created) < timedelta(seconds=1)


def test_timestamps_given_in_another_zone_are_stored_as_the_same_instant(app):
    tokyo = timezone(timedelta(hours=9))
    user = factories.make_user(created_at=datetime(2026, 12, 13, 10, 0, tzinfo=tokyo))
    db.session.expire_all()
    assert db.session.get(User, user.id).created_at == datetime(2026, 12, 13, 1, 0, tzinfo=UTC)


def test_naive_timestamps_are_refused(app):
    user = factories.make_user()
    user.created_at = datetime(2026, 1, 1)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_utcnow_is_aware():
    assert utcnow().tzinfo is UTC


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        ("ja", "Asia/Tokyo", "12月12日(土) 10:00"),
        ("en", "Asia/Tokyo", "Sat 12 Dec, 10:00"),
        ("en", "Europe/London", "Sat 12 Dec, 01:00"),
    ],
)
def test_dates_read_naturally_in_the_viewers_zone_and_language(app, locale, zone, expected):
    user = factories.make_user(locale=locale, timezone=zone)
    moment = datetime(2026, 12, 12, 1, 0, tzinfo=UTC)
    with app.test_request_context():
        from flask_login import login_user

        login_user(user)
        with force_locale(locale):
            assert datetime_filter(moment) == expected


def test_visitors_get_the_browsers_language(client):
    japanese = client.get("/", headers={"Accept-Language": "ja,en;q=0.5"})
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="ja">' in japanese.get_data(as_text=True)
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_the_language_switcher_overrides_the_browser(client):
    client.post("/language", data={"locale": "ja", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ja">' in page


def test_the_switcher_saves_the_choice_for_signed_in_users(logged_in, user):
    logged_in.post("/language", data={"locale": "ja"})
    db.session.refresh(user)
    assert user.locale == "ja"


def test_the_switcher_ignores_unknown_languages_and_foreign_redirects(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example/"})
    assert response.location == "/"


def test_pages_after_logout_keep_the_users_language(logged_in, user):
    user.locale = "ja"
    db.session.commit()
    logged_in.post("/logout")
    page = logged_in.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ja">' in page


def test_required_fields_are_marked_in_text_in_both_languages(client):
    assert "(required)" in client.get("/register").get_data(as_text=True)
    client.post("/language", data={"locale": "ja"})
    assert "(必須)" in client.get("/register").get_data(as_text=True)


def test_templates_follow_a_language_forced_mid_request_and_back(app):
    """Emails are rendered in the recipient's language inside someone else's request."""
    from flask_babel import force_locale

    template = app.jinja_env.from_string('{{ _("Notifications") }}')
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert template.render() == "Notifications"
        with force_locale("ja"):
            assert template.render() == "通知"
        assert template.render() == "Notifications"


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_apps_own_gettext_says_what_flask_babel_says(app, locale):
    import flask_babel
    from flask_babel.speaklater import LazyString

    from cohort import i18n

    singular, plural = "%(num)d attended", "%(num)d attended"
    with app.test_request_context(), force_locale(locale):
        for text in ("Home", "Log in", "Notifications", "not a catalogued sentence"):
            assert i18n.gettext(text) == flask_babel.gettext(text)
            lazy = i18n.lazy_gettext(text)
            assert isinstance(lazy, LazyString) and str(lazy) == flask_babel.gettext(text)
        named = i18n.gettext("%(name)s cheered you on.", name="Ken")
        assert named == flask_babel.gettext("%(name)s cheered you on.", name="Ken")
        assert "Ken" in named
        for num in (1, 5):
            expected = flask_babel.ngettext(singular, plural, num)
            assert i18n.ngettext(singular, plural, num) == expected and str(num) in expected
    with app.test_request_context(), force_locale("en"):
        lazy = i18n.lazy_gettext("Home")
        english = str(lazy)
        with force_locale("ja"):
            assert str(lazy) != english and str(lazy) == flask_babel.gettext("Home")
        assert str(lazy) == english


def test_templates_translate_as_jinjas_own_gettext_would(app):
    """``_()`` and ``{% trans %}`` give what Jinja's new-style gettext gives, escaping
    included, in either language, however often a string comes back."""
    from jinja2 import Environment

    from cohort.i18n import current_catalog

    jinja = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    jinja.install_gettext_callables(
        gettext=lambda s: current_catalog().ugettext(s),
        ngettext=lambda s, p, n: current_catalog().ungettext(s, p, n),
        newstyle=True,
    )
    body = (
        '{{ _("Home") }}|{{ _("Home") }}|{{ _("%(name)s cheered you on.", name=who) }}|'
        "{% trans %}Notifications{% endtrans %}|{% trans name=who %}%(name)s cheered you on."
        "{% endtrans %}|{{ _('50%% done') }}"
    )
    source = body + "{% autoescape false %}||" + body + "{% endautoescape %}"
    from cohort.i18n import template_gettext

    assert app.jinja_env.globals["_"] is template_gettext  # the app's, measured against Jinja's
    renders = []
    with app.test_request_context():
        for locale in ("en", "ja", "en"):
            with force_locale(locale):
                ours = app.jinja_env.from_string(source).render(who="<b>Ken</b>")
                assert ours == jinja.from_string(source).render(who="<b>Ken</b>")
                assert "&lt;b&gt;Ken" in ours and "<b>Ken</b>" in ours  # escaped, then not
                assert "50% done" in ours
                renders.append(ours)
    english, japanese, english_again = renders
    assert english.startswith("Home|Home|") and not japanese.startswith("Home")
    assert english_again == english  # kept per language: Japanese never leaks into English
