"""Language and time zone of the viewer, and how dates read in each language."""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_timezone_location
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_timezone, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .timezones import canonical_zones, is_known_zone

__all__ = [
    "LANGUAGE_NAMES",
    "gettext",
    "lazy_gettext",
    "ngettext",
    "select_locale",
    "select_timezone",
]

# Each language named in itself, so a visitor finds theirs whatever the page's language.
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}

# "12月13日(土) 10:00" / "Sat 13 Dec, 10:00"
DATETIME_FORMATS = {"ja": "M月d日(E) HH:mm", "en": "EEE d MMM, HH:mm"}
DATE_FORMATS = {"ja": "y年M月d日(E)", "en": "EEE d MMM y"}


def select_locale() -> str:
    """The user's setting, else the visitor's choice, else the browser's preference."""
    if not has_request_context():
        return None  # commands and jobs pass the recipient's language explicitly
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str | None:
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def timezone_names() -> tuple[str, ...]:
    """Every zone a person can pick, sorted, UTC last (see ``cohort.timezones``)."""
    return canonical_zones()


def is_valid_timezone(name: str) -> bool:
    """A zone that may be stored: a picked one, or an older name already in use."""
    return is_known_zone(name)


def datetime_filter(value: datetime | None) -> str:
    """A UTC datetime shown in the viewer's zone and language."""
    if value is None:
        return ""
    language = str(get_locale().language)
    return _in_viewer_zone(value, DATETIME_FORMATS[language], language)


def time_filter(value: datetime | None) -> str:
    """Only the time of day, e.g. the end of a session that started the same day."""
    if value is None:
        return ""
    return _in_viewer_zone(value, "HH:mm", str(get_locale().language))


def _in_viewer_zone(value: datetime, pattern: str, language: str) -> str:
    """``value`` in the viewer's zone, formatted through a cache shared by every request:
    Babel parses the pattern and converts the zone on each call, and a page shows the same
    few moments (a session's start, today's cards) to everyone in a zone."""
    return _formatted(value, pattern, str(get_timezone()), language)


@lru_cache(maxsize=8192)
def _formatted(value: datetime, pattern: str, zone: str, language: str) -> str:
    return babel_format_datetime(value, pattern, tzinfo=ZoneInfo(zone), locale=language)


def date_filter(value: datetime | date | None) -> str:
    """A day in the app's own format: a UTC datetime as the viewer's local day, a calendar
    date (a goal's target) as it is."""
    if value is None:
        return ""
    language = str(get_locale().language)
    if not isinstance(value, datetime):
        return _calendar_day(value, language)
    return _in_viewer_zone(value, DATE_FORMATS[language], language)


@lru_cache(maxsize=4096)
def _calendar_day(value: date, language: str) -> str:
    return format_date(value, DATE_FORMATS[language], locale=language)


def local_today() -> date:
    """Today in the viewer's zone (what "overdue" is measured against)."""
    return datetime.now(get_timezone()).date()


def datetime_in_zone_filter(value: datetime | None, zone: str) -> str:
    """A UTC datetime in a given zone (emails and a cohort's own time), in the page's language."""
    if value is None:
        return ""
    return _in_zone(value, zone, str(get_locale().language))


@lru_cache(maxsize=4096)
def _in_zone(value: datetime, zone: str, language: str) -> str:
    """Remembered: a reminder tick formats each session's times for thousands of emails."""
    return babel_format_datetime(
        value, DATETIME_FORMATS[language], tzinfo=ZoneInfo(zone), locale=language
    )


@lru_cache(maxsize=1024)
def zone_place(name: str, language: str) -> str:
    """A zone as people name it in ``language``: "Japan Time", "日本時間", "France Time"."""
    if name == "UTC" or name.startswith("Etc/"):
        return "UTC"
    place = get_timezone_location(ZoneInfo(name), locale=language)
    # Babel knows no city for a few zones and shows their raw id inside the name instead.
    return name.replace("_", " ") if "/" in place else place


def datetime_zoned_filter(value: datetime | None, zone: str) -> str:
    """A UTC datetime in ``zone`` that says which zone it is in, for readers who may live
    elsewhere (emails): "Sat 12 Dec, 10:00 (Japan Time)", "12月12日(土) 10:00 (日本時間)"."""
    if value is None:
        return ""
    language = str(get_locale().language)
    return gettext(
        "%(time)s (%(zone)s)",
        time=datetime_in_zone_filter(value, zone),
        zone=zone_place(zone, language),
    )


def zone_label(name: str) -> str:
    """ "Asia/Tokyo" → "Asia/Tokyo (UTC+09:00)" for the current moment."""
    offset = datetime.now(ZoneInfo(name)).strftime("%z")
    return f"{name} (UTC{offset[:3]}:{offset[3:]})"


def current_catalog():
    """The translations of this request's language (or of the one forced for an email).

    Flask-Babel resolves them through a dozen context lookups on every call, and a page's
    templates make hundreds of calls (a reminder tick's emails, thousands): here the catalog is
    kept with the language object it was resolved for, in Flask-Babel's own namespace of the
    request or app context, and looked up again only when that object changes
    (``force_locale`` sets a new one).
    """
    babel_ctx = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(babel_ctx, "babel_locale", None)
    cached = getattr(babel_ctx, "cohort_catalog", None)
    if locale is not None and cached is not None and cached[0] is locale:
        return cached[1]
    catalog = get_translations()
    babel_ctx = g.get("_flask_babel") if has_app_context() else None
    if babel_ctx is not None:
        babel_ctx.cohort_catalog = (getattr(babel_ctx, "babel_locale", None), catalog)
    return catalog


def language_and_zone() -> tuple[str, str]:
    """This request's language and zone by name ("ja", "Asia/Tokyo"), as kept pages' keys
    hold them (cohort/fragments.py: dozens per page). Kept as ``current_catalog`` keeps the
    catalog: with the language and zone objects they were found for, found again when those
    change (``force_locale`` sets new ones for an email)."""
    babel_ctx = g.get("_flask_babel") if has_app_context() else None
    kept = getattr(babel_ctx, "cohort_language_and_zone", None)
    if (
        kept is not None
        and kept[0] is getattr(babel_ctx, "babel_locale", None)
        and kept[1] is getattr(babel_ctx, "babel_tzinfo", None)
    ):
        return kept[2]
    locale, zone = get_locale(), get_timezone()
    names = (str(locale), str(zone))
    babel_ctx = g.get("_flask_babel") if has_app_context() else None  # made by get_locale
    if babel_ctx is not None:
        babel_ctx.cohort_language_and_zone = (locale, zone, names)
    return names


def gettext(string: str, **variables) -> str:
    """Flask-Babel's ``gettext`` (same results) through ``current_catalog``: pages and
    emails translate hundreds of labels, and each of its calls resolves the catalog anew."""
    translated = current_catalog().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ``ngettext`` through ``current_catalog``; ``num`` fills ``%(num)d``."""
    variables.setdefault("num", num)
    return current_catalog().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """A label translated when it is shown, in the reader's language (Flask-Babel's lazy
    string, so forms and templates treat it as before)."""
    return LazyString(gettext, string, **variables)


@pass_context
def template_gettext(context: Context, string: str, **variables) -> str:
    """``_()`` and ``{% trans %}`` in templates: Jinja's new-style gettext (translated, marked
    safe when the template escapes, then always ``%``-formatted with escaped values), with
    the result for a string without values kept per catalog. A page says "Home" or "Cheer"
    dozens of times, and Jinja's own wrapper costs several times the lookup."""
    autoescape = context.eval_ctx.autoescape
    catalog = current_catalog()
    # Markup as Jinja's own gettext makes it: the catalogs are the app's, the values escaped.
    if variables:
        translated = catalog.ugettext(string)
        return (Markup(translated) if autoescape else translated) % variables  # noqa: S704
    kept = catalog.__dict__.setdefault("_cohort_template_strings", {})
    key = (string, autoescape)
    found = kept.get(key)
    if found is None:
        translated = catalog.ugettext(string)
        found = kept[key] = (Markup(translated) if autoescape else translated) % {}  # noqa: S704
    return found


def install_template_gettext(app: Flask) -> None:
    """Templates translate through ``current_catalog`` (same results, a fraction of the cost)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_catalog().ugettext(s),
        ngettext=lambda s, p, n: current_catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_catalog().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)


def init_app(app: Flask) -> None:
    install_template_gettext(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["time"] = time_filter
    app.jinja_env.filters["datetime_in"] = datetime_in_zone_filter
    app.jinja_env.filters["datetime_zoned"] = datetime_zoned_filter

    @app.context_processor
    def inject_languages():
        return {"language_names": LANGUAGE_NAMES, "current_locale": str(get_locale())}
