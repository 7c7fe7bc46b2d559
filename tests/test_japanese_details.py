"""Japanese pages without raw codes, spreadsheets that open in Excel, and a catalog without
stray spaces around names and numbers."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from cohort import labels
from cohort.cohorts import services as cohort_services
from cohort.cohorts.models import EventKind, Role
from cohort.csv_export import csv_text, local_time, safe_cell
from cohort.extensions import db
from cohort.inventories import services as inventory_services
from cohort.meetings.models import Meeting

from . import factories

CATALOG = Path(__file__).resolve().parent.parent / "cohort/translations/ja/LC_MESSAGES/messages.po"


@pytest.fixture
def organizer(app):
    return factories.make_user(display_name="Aiko", locale="ja", timezone="Asia/Tokyo")


@pytest.fixture
def cohort(organizer):
    return factories.make_cohort(organizer, name="キャリアの会")


def test_every_code_people_read_has_a_label_in_both_languages(app):
    for kind, names in labels.LABELS.items():
        assert set(names) == set(kind), f"{kind.__name__} lacks a label"
        for member in kind:
            with force_locale("ja"):
                japanese = labels.label(member)
            with force_locale("en"):
                english = labels.label(member)
            assert japanese != english, f"{member!r} has no Japanese label"
            assert not re.search(r"[a-z_]{3,}", japanese), japanese


def test_the_log_shows_roles_by_their_japanese_names(app, client, auth, organizer, cohort):
    member = factories.add_member(cohort, factories.make_user(display_name="Ken"))
    cohort_services.change_role(organizer, member, Role.MENTOR)
    db.session.commit()
    auth.login(organizer.email)
    page = client.get(f"/c/{cohort.slug}/organize/log").get_data(as_text=True)
    assert "(organizer)" not in page and "(member" not in page and "mentor)" not in page
    assert "（オーガナイザー）" in page or "(オーガナイザー)" in page
    assert "メンバー→メンター" in page
    with force_locale("ja"):
        assert labels.label(EventKind.ROLE_CHANGED) in page


def test_a_log_detail_that_is_no_role_stays_as_it_is(app):
    with force_locale("ja"):
        assert labels.event_detail(EventKind.INVITATION_CREATED, "ken@example.org") == (
            "ken@example.org"
        )
        assert labels.event_detail(EventKind.ROLE_CHANGED, "member→organizer") == (
            "メンバー→オーガナイザー"
        )
        assert labels.event_detail(EventKind.JOINED, "member") == "メンバー"


def test_a_member_who_left_reads_in_japanese_on_the_members_page(
    app, client, auth, organizer, cohort
):
    factories.add_member(cohort, factories.make_user(display_name="Ken"), status="left")
    auth.login(organizer.email)
    page = client.get(f"/c/{cohort.slug}/organize/members").get_data(as_text=True)
    with force_locale("ja"):
        assert f"· {labels.label(labels.MembershipStatus.LEFT)}" in page
    assert "· left" not in page


# CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+81 3", "'+81 3"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("普通の文", "普通の文"),
        (-5, -5),
        (3, 3),
    ],
)
def test_cells_that_would_be_formulas_stay_text(value, expected):
    assert safe_cell(value) == expected


def test_csv_text_starts_with_a_byte_order_mark_and_guards_the_header_too():
    text = csv_text([["=名前"], ["a"]])
    assert text.startswith("\ufeff")
    assert text[1:].splitlines()[0] == "'=名前"


def test_local_time_is_in_the_zone_to_the_minute():
    moment = datetime(2026, 12, 13, 1, 2, 3, 456789, tzinfo=UTC)
    assert local_time(moment, "Asia/Tokyo") == "2026-12-13 10:02"
    assert local_time(None, "Asia/Tokyo") == ""


def test_the_month_export_in_japanese(app, client, auth, organizer, cohort):
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    meeting = Meeting(
        cohort_id=cohort.id,
        title="12月のセッション",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        inventory_due_at=starts - timedelta(days=2),
        feedback_due_at=starts + timedelta(days=7),
    )
    db.session.add(meeting)
    peer = factories.make_user(display_name="-Ken")
    factories.add_member(cohort, peer)
    factories.add_member(cohort, factories.make_user(display_name="Quiet"))
    inventory = inventory_services.save_inventory(
        peer, meeting, inventory_services.InventoryInput(answers={"did": "=勉強会を開いた"}), 0
    )
    inventory_services.share_inventory(peer, inventory)
    db.session.commit()
    auth.login(organizer.email)

    response = client.get(f"/c/{cohort.slug}/organize/sessions/{meeting.id}/inventories.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:4] == ["名前", "状態", "共有日時（Asia/Tokyo）", "期限後の共有"]
    shared = next(row for row in rows if row[0] == "'-Ken")
    assert shared[1] == "共有済み"
    expected = inventory.shared_at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
    assert shared[2] == expected  # the organizer's zone, no seconds or microseconds
    assert "'=勉強会を開いた" in shared
    statuses = {row[0]: row[1] for row in rows[1:]}
    assert statuses["Quiet"] == "未着手" and statuses["Aiko"] == "未着手"
    assert not any(word in body for word in ("not started", "shared", "draft"))


def test_the_month_export_in_english_keeps_english_words(app, client, auth, cohort):
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    meeting = Meeting(
        cohort_id=cohort.id,
        title="December",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        inventory_due_at=starts - timedelta(days=2),
        feedback_due_at=starts + timedelta(days=7),
    )
    db.session.add(meeting)
    english = factories.make_user(locale="en", timezone="Europe/London")
    factories.add_member(cohort, english, role="organizer")
    auth.login(english.email)
    body = client.get(f"/c/{cohort.slug}/organize/sessions/{meeting.id}/inventories.csv").get_data(
        as_text=True
    )
    header = next(csv.reader(io.StringIO(body[1:])))
    assert header[:3] == ["Name", "Status", "Shared at (Europe/London)"]
    assert "not started" in body


# The catalog ----------------------------------------------------------------------------

JAPANESE = r"\u3040-\u30ff\u3400-\u9fff\uff01-\uff60"


def test_no_space_between_a_name_or_number_and_the_japanese_around_it():
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    stray = re.compile(
        rf"%\(\w+\)[sd] (?=[{JAPANESE}])|(?<=[{JAPANESE}]) %\(|[A-Za-z0-9] (?=[のがをにはでと])"
    )
    offenders = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        offenders += [text for text in strings if text and stray.search(text)]
    assert offenders == []


def test_the_japanese_guide_has_no_stray_spaces_before_particles():
    guide = (CATALOG.parents[3] / "cohorts/guides/ja.md").read_text(encoding="utf-8")
    assert not re.search(rf"[A-Za-z0-9] [のがをにはでと](?=[{JAPANESE}])", guide)
