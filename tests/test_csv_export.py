"""CSV downloads that open correctly in Excel in both languages, and the organizer's cohort
record built on them."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.csv_export import BOM, csv_text, safe_cell
from cohort.database import utcnow
from cohort.extensions import db
from cohort.meetings.models import Meeting

from . import factories


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+81 3 1234", "'+81 3 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("plain text", "plain text"),
        ("a = b", "a = b"),
        (3, 3),
        (-3, -3),  # numbers stay numbers
        (None, ""),
    ],
)
def test_the_formula_guard(value, expected):
    assert safe_cell(value) == expected


def test_utf8_with_a_bom_and_crlf():
    text = csv_text([["名前", "メモ"], ["花子", "=1+1"]])
    assert text.startswith(BOM)
    assert text.encode("utf-8")[:3] == b"\xef\xbb\xbf"
    assert text.count("\r\n") == 2
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["名前", "メモ"], ["花子", "'=1+1"]]


@pytest.fixture
def cohort_world(app):
    organizer = factories.make_user(display_name="Orga")
    cohort = factories.make_cohort(organizer, name="Circle")
    on_time = factories.make_user(display_name="=cmd|' /C calc'!A0")
    late = factories.make_user(display_name="Late Lou")
    factories.add_member(cohort, on_time)
    factories.add_member(cohort, late)
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=10)
    first = factories.make_meeting(cohort, starts_at=start, title="March")
    second = factories.make_meeting(cohort, starts_at=start + timedelta(days=30), title="April")
    with app.test_request_context():
        inventory = factories.make_shared_inventory(first, on_time)
        late_inventory = factories.make_shared_inventory(first, late)
        late_inventory.is_late = True
        factories.make_attendance(first, on_time, rsvp="going", attended=True)
        factories.make_feedback(inventory, late)
        db.session.commit()
    return organizer, cohort, (first, second)


def rows_of(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_cohort_record(client, cohort_world):
    organizer, cohort, _meetings = cohort_world
    client.post("/login", data={"email": organizer.email, "password": factories.PASSWORD})
    response = client.get(f"/c/{cohort.slug}/organize/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    rows = rows_of(response)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Session", "Date", "Session status", "Member"]
    sessions = db.session.scalar(
        select(func.count()).select_from(Meeting).where(Meeting.cohort_id == cohort.id)
    )
    assert sessions >= 2 and len(body) == sessions * 3  # three active members
    by_member = {row[3]: row for row in body if row[0] == "March"}
    guarded = by_member["'=cmd|' /C calc'!A0"]  # the formula guard at work
    assert guarded[5:12] == ["Going", "yes", "shared", "yes", "1", "0", "0"]
    assert by_member["Late Lou"][7:9] == ["shared late", "no"]
    assert by_member["Late Lou"][11] == "1"  # feedback given
    assert by_member["Orga"][7:9] == ["not started", "no"]


def test_the_cohort_record_in_japanese(client, cohort_world):
    organizer, cohort, _meetings = cohort_world
    organizer.locale = "ja"
    db.session.commit()
    client.post("/login", data={"email": organizer.email, "password": factories.PASSWORD})
    response = client.get(f"/c/{cohort.slug}/organize/export.csv")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = rows_of(response)[0]
    assert "セッション" in header[0] and "Session" not in header


def test_the_cohort_record_reads_a_bounded_number_of_statements(
    app, client, cohort_world, count_queries
):
    organizer, cohort, _meetings = cohort_world
    client.post("/login", data={"email": organizer.email, "password": factories.PASSWORD})

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(f"/c/{cohort.slug}/organize/export.csv").status_code == 200
        return counter.count

    few = statements()
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=100)
    for number in range(4):
        meeting = factories.make_meeting(
            cohort, starts_at=start + timedelta(days=number), title=f"Extra {number}"
        )
        member = factories.make_user()
        factories.add_member(cohort, member)
        factories.make_attendance(meeting, member)
    assert statements() == few


def test_members_may_not_download_it(client, cohort_world):
    _organizer, cohort, _meetings = cohort_world
    member = factories.make_user()
    factories.add_member(cohort, member)
    client.post("/login", data={"email": member.email, "password": factories.PASSWORD})
    assert client.get(f"/c/{cohort.slug}/organize/export.csv").status_code == 403
