"""The time zones people pick from: one per place in the IANA zone table, named in the
reader's language, grouped by region.

Only the zones of ``zone.tab`` are offered (where people live, e.g. "Asia/Kolkata"), not the
names kept for backward compatibility ("Asia/Calcutta", "US/Pacific", "Africa/Asmera"). A
value stored under such an old name stays valid and selectable for whoever has it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


def region_names() -> dict[str, str]:
    return {
        "Africa": _("Africa"),
        "America": _("Americas"),
        "Antarctica": _("Antarctica"),
        "Arctic": _("Arctic"),
        "Asia": _("Asia"),
        "Atlantic": _("Atlantic"),
        "Australia": _("Australia"),
        "Europe": _("Europe"),
        "Indian": _("Indian Ocean"),
        "Pacific": _("Pacific"),
    }


@cache
def zone_countries() -> dict[str, str]:
    """Each canonical zone with the ISO code of its country, from the tzdata package."""
    table = files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    known = available_timezones()
    zones = {}
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coordinates, zone = line.split("\t")[:3]
        if zone.split("/")[0] in REGIONS and zone in known:
            zones[zone] = country
    return zones


@cache
def canonical_zones() -> tuple[str, ...]:
    """Every zone a person can pick, sorted, with UTC last."""
    return (*sorted(zone_countries()), "UTC")


def is_known_zone(name: str | None) -> bool:
    """A zone Python can use: the canonical ones, and old names already stored."""
    return bool(name) and (name in zone_countries() or name in available_timezones())


@cache
def _cldr_names() -> dict[str, tuple[str, ...]]:
    """CLDR keeps its city names under the older zone names: "Asia/Kolkata" → Calcutta."""
    names: dict[str, tuple[str, ...]] = {}
    for old, new in get_global("zone_aliases").items():
        names[new] = (*names.get(new, ()), old)
    return names


def _city(zone: str, locale: Locale) -> str:
    for key in (zone, *_cldr_names().get(zone, ())):
        city = locale.time_zones.get(key, {}).get("city")
        if city:
            return city
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def utc_offset(zone: str, now: datetime | None = None) -> str:
    """ "UTC+09:00" for the given moment (now by default)."""
    offset = (now or datetime.now(ZoneInfo(zone))).astimezone(ZoneInfo(zone)).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def short_offset(offset: str) -> str:
    """ "UTC+09:00" → "utc+9", "UTC-03:30" → "utc-3:30": what people type to search."""
    hours, minutes = offset[4:].split(":")
    return f"utc{offset[3]}{int(hours)}" + (f":{minutes}" if minutes != "00" else "")


@dataclass(frozen=True)
class ZoneOption:
    zone: str
    region: str | None  # None for UTC
    label: str  # "東京（日本） UTC+09:00"
    search: str  # lower-case words a search box matches: the zone id, English names


def zone_label(zone: str, language: str) -> str:
    """ "Asia/Tokyo" → "東京（日本） UTC+09:00", or "Tokyo (Japan) UTC+09:00" in English."""
    if zone not in zone_countries():
        return f"{zone} {utc_offset(zone)}" if zone != "UTC" else "UTC"
    locale = Locale.parse(language)
    city = _city(zone, locale)
    country = locale.territories.get(zone_countries()[zone], "")
    with force_locale(language):
        place = _("%(city)s (%(country)s)", city=city, country=country)
    return f"{place if country and country != city else city} {utc_offset(zone)}"


@lru_cache(maxsize=8)
def zone_options(language: str, hour: str) -> tuple[ZoneOption, ...]:
    """The picker's options in ``language``, grouped by region and sorted by name. ``hour``
    (the current UTC hour) keys the cache so offsets follow daylight saving time."""
    english = Locale.parse("en")
    options = [ZoneOption("UTC", None, "UTC", "utc gmt")]
    for zone in zone_countries():
        words = {zone.lower(), zone.replace("_", " ").lower(), _city(zone, english).lower()}
        words.add(english.territories.get(zone_countries()[zone], "").lower())
        words.add(short_offset(utc_offset(zone)))
        options.append(
            ZoneOption(
                zone, zone.split("/")[0], zone_label(zone, language), " ".join(sorted(words))
            )
        )
    options[1:] = sorted(options[1:], key=lambda o: (REGIONS.index(o.region), o.label))
    return tuple(options)


class TimezoneField(SelectField):
    """A ``<select>`` of zones grouped by region (``<optgroup>``), searchable with app.js.

    The choices are built for the page's language when the field is rendered or checked.
    A value stored under an old name is kept as a choice of its own so saving a form does
    not change it behind the user's back.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)

    @property
    def choices(self):
        regions = region_names()
        language = str(get_locale().language) if get_locale() else "en"
        hour = datetime.now(UTC).strftime("%Y%m%d%H")
        choices = [
            SelectChoice(
                option.zone,
                option.label,
                render_kw={"data-search": option.search},
                optgroup=regions[option.region] if option.region else None,
            )
            for option in zone_options(language, hour)
        ]
        legacy = self.data not in zone_countries() and self.data != "UTC"
        if legacy and is_known_zone(self.data):
            choices.insert(0, SelectChoice(self.data, zone_label(self.data, language)))
        return choices

    @choices.setter
    def choices(self, value):  # the choices always come from the zone table
        pass
