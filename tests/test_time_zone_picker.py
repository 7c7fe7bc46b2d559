"""The time-zone picker: places people live, named in their language, grouped by region;
old zone names already stored stay valid."""

import re

import pytest
from flask_babel import force_locale

from cohort.extensions import db
from cohort.timezones import canonical_zones, is_known_zone, short_offset, zone_label

from . import factories


def test_only_canonical_places_are_offered():
    zones = set(canonical_zones())
    for legacy in (
        "Africa/Asmera",
        "Africa/Timbuktu",
        "Mexico/BajaNorte",
        "US/Pacific",
        "Etc/GMT+9",
        "Asia/Calcutta",
        "America/Buenos_Aires",
        "Japan",
    ):
        assert legacy not in zones, legacy
    for place in ("Asia/Tokyo", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "UTC"):
        assert place in zones
    assert len(zones) > 300


def test_zone_names_are_localized(app):
    with app.test_request_context():
        with force_locale("ja"):
            assert zone_label("Asia/Tokyo", "ja") == "東京（日本） UTC+09:00"
            assert zone_label("Asia/Kolkata", "ja").startswith("コルカタ（インド）")
        with force_locale("en"):
            assert zone_label("Asia/Tokyo", "en") == "Tokyo (Japan) UTC+09:00"


def test_short_offsets_are_what_people_type():
    assert short_offset("UTC+09:00") == "utc+9"
    assert short_offset("UTC-03:30") == "utc-3:30"
    assert short_offset("UTC+00:00") == "utc+0"


def _select(page: str, name: str = "timezone") -> str:
    return re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)


@pytest.mark.parametrize(
    ("language", "group", "tokyo"),
    [("ja", "アジア", "東京（日本）"), ("en", "Asia", "Tokyo (Japan)")],
)
def test_the_register_picker_is_grouped_by_region(client, language, group, tokyo):
    page = client.get("/register", headers={"Accept-Language": language}).get_data(as_text=True)
    select = _select(page)
    assert f'<optgroup label="{group}">' in select
    assert select.count("<optgroup") == 10
    assert re.search(
        rf'data-search="[^"]*asia/tokyo[^"]*" value="Asia/Tokyo">{re.escape(tokyo)}', select
    )
    assert "Africa/Asmera" not in select and "US/Pacific" not in select
    assert "data-timezone-picker" in select and "data-detect-timezone" in select


def test_a_stored_legacy_zone_stays_selected_and_is_kept_on_save(app, client, auth):
    user = factories.make_user(timezone="Asia/Calcutta")
    auth.login(user.email)
    page = client.get("/settings/").get_data(as_text=True)
    select = _select(page)
    assert re.search(r'<option selected value="Asia/Calcutta">', select)
    response = client.post(
        "/settings/",
        data={"display_name": user.display_name, "locale": "en", "timezone": "Asia/Calcutta"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.timezone == "Asia/Calcutta"


def test_an_unknown_zone_is_refused_with_a_clear_message(app, client, auth):
    user = factories.make_user()
    auth.login(user.email)
    page = client.post(
        "/settings/",
        data={"display_name": user.display_name, "locale": "en", "timezone": "Mars/Base"},
    ).get_data(as_text=True)
    assert "Choose a time zone from the list." in page
    db.session.refresh(user)
    assert user.timezone == "Europe/London"


def test_legacy_names_remain_usable_zones():
    assert is_known_zone("Asia/Calcutta") and is_known_zone("US/Pacific")
    assert not is_known_zone("Mars/Base") and not is_known_zone("")


def test_the_cohort_form_offers_the_picker_and_detects_only_when_creating(app, client, auth):
    user = factories.make_user(timezone="Asia/Tokyo")
    cohort = factories.make_cohort(user)
    auth.login(user.email)
    create = _select(client.get("/c/new").get_data(as_text=True))
    assert "data-detect-timezone" in create and "data-timezone-picker" in create
    settings = _select(client.get(f"/c/{cohort.slug}/organize/settings").get_data(as_text=True))
    assert "data-timezone-picker" in settings and "data-detect-timezone" not in settings
    assert re.search(r'<option [^>]*selected value="Asia/Tokyo">', settings)
