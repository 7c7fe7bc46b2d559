"""Settings → "Download my data": the ZIP holds all of the member's writing and nothing
private of anyone else; it streams, is rate limited and never cached."""

import io
import json
import zipfile

import pytest

from cohort.account.archive import DATA_FILE, archive_chunks
from cohort.account.export import SCHEMA_VERSION
from cohort.extensions import db
from cohort.inventories.services import InventoryInput, save_inventory

from . import factories
from .account_data import EMAIL, MARK, NAME, PEER_SECRET, Person
from .test_security import csrf_token, login_with_csrf


@pytest.fixture
def person(app):
    with app.test_request_context():
        return Person()


def download(client, email=EMAIL):
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    return client.post("/settings/data")


def read_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_the_archive_holds_the_members_writing_from_every_cohort(client, person):
    response = download(client)
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = read_zip(response)
    names = archive.namelist()
    assert "README.txt" in names and DATA_FILE in names
    markdown = sorted(name for name in names if name.endswith(".md"))
    # The shared inventory of Circle A and the draft of Circle B, one file each.
    assert len(markdown) == 2
    assert {name.split("/")[1] for name in markdown} == {
        person.cohort.slug,
        person.other_cohort.slug,
    }
    shared = archive.read(f"inventories/{person.cohort.slug}/" + markdown[0].split("/")[2])
    texts = "".join(archive.read(name).decode() for name in markdown)
    assert f"{MARK} shipped the beta" in texts and f"{MARK} draft" in texts
    assert shared  # readable Markdown with the section titles
    assert "# March" in texts

    data = json.loads(archive.read(DATA_FILE))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["profile"]["email"] == EMAIL and data["profile"]["display_name"] == NAME
    assert {c["cohort"] for c in data["cohorts"]} == {person.cohort.slug, person.other_cohort.slug}
    assert {i["status"] for i in data["inventories"]} == {"shared", "draft"}
    assert data["goals"][0]["title"] == f"{MARK} goal" and data["goals"][0]["progress"]
    assert data["tasks"][0]["title"] == f"{MARK} task"
    assert data["feedback_given"][0]["situation"] == f"{MARK} given"
    assert data["feedback_given"][0]["recipient"] == "Pia"
    assert data["feedback_received"][0]["giver"] == "Pia"
    assert data["replies"] == [
        {"feedback_id": person.received.id, "reply": f"{MARK} reply", "replied_at": ANY_TIME}
    ]
    assert data["helpful_marks"] == [{"feedback_id": person.received.id}]
    assert data["cheers"][0]["author"] == "Pia"
    assert data["follows"][0]["following"] == "Pia"
    assert data["rsvps"][0]["rsvp"] == "going"
    assert data["notification_preferences"] == [{"email_kind": "digest", "enabled": False}]
    assert data["writing_preference"] == {"short_form": True}
    assert data["profile"]["calendar_feed"] is True
    readme = archive.read("README.txt").decode()
    assert DATA_FILE in readme and "schema version 1" in readme


class _AnyTime:
    def __eq__(self, other):
        return isinstance(other, str) and other[:2] == "20"


ANY_TIME = _AnyTime()


def test_nothing_private_of_anyone_else(client, person):
    archive = read_zip(download(client))
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert MARK in everything
    # Other people by display name only: no email, no writing of their own.
    assert "peer.private@example.org" not in everything
    assert "orga@example.org" not in everything
    assert "new@example.org" not in everything
    assert PEER_SECRET not in everything
    assert "Pia's shared month" not in everything
    assert "Pia saw this" in everything  # feedback addressed to the member is theirs


def test_another_member_gets_only_their_own(client, person):
    archive = read_zip(download(client, "peer.private@example.org"))
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert PEER_SECRET in everything
    assert EMAIL not in everything
    assert f"{MARK} shipped the beta" not in everything
    assert f"{MARK} draft" not in everything


def test_japanese_readme(client, person):
    person.user.locale = "ja"
    db.session.commit()
    archive = read_zip(download(client))
    readme = archive.read("README.txt").decode()
    assert "Cohort" in readme and "JSON" in readme
    assert "Your data from Cohort" not in readme


def test_get_shows_the_page_and_downloads_nothing(client, person):
    client.post("/login", data={"email": EMAIL, "password": factories.PASSWORD})
    response = client.get("/settings/data")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b'method="post"' in response.data and b"csrf_token" in response.data


def test_the_archive_is_streamed_a_file_at_a_time(app, person):
    with app.test_request_context():
        chunks = [chunk for chunk in archive_chunks(person.user) if chunk]
    assert len(chunks) >= 4  # README, JSON pieces, inventories, central directory
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None


def test_the_download_is_rate_limited_per_member(client, person, real_limits):
    client.post("/login", data={"email": EMAIL, "password": factories.PASSWORD})
    statuses = [client.post("/settings/data").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_the_export_reads_a_bounded_number_of_statements(app, person, count_queries):
    def statements() -> int:
        with app.test_request_context(), count_queries() as counter:
            b"".join(archive_chunks(person.user))
        return counter.count

    few = statements()
    for number in range(5):
        meeting = factories.make_meeting(person.cohort, title=f"Extra {number}")
        save_inventory(person.user, meeting, InventoryInput(answers={"did": f"{MARK} {number}"}), 0)
    db.session.commit()
    assert statements() == few


def test_the_download_needs_the_forms_token(make_app, person):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    login_with_csrf(client, EMAIL)
    refused = client.post("/settings/data")
    assert refused.mimetype != "application/zip"
    token = csrf_token(client.get("/settings/data").get_data(as_text=True))
    assert read_zip(client.post("/settings/data", data={"csrf_token": token})).namelist()


def test_demo_members_download_their_data_and_see_the_deletion_page(app, client):
    from cohort.demo.builder import DEMO_PASSWORD
    from cohort.demo.content import load, locales

    from .test_demo import build

    assert build()
    emails = [f"{p.key}@demo.example.org" for locale in locales() for p in load(locale).people]
    for email in emails:
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        archive = read_zip(client.post("/settings/data"))
        data = json.loads(archive.read(DATA_FILE))
        assert data["profile"]["email"] == email
        everything = "".join(archive.read(name).decode() for name in archive.namelist())
        assert not [other for other in emails if other != email and other in everything]
        assert client.get("/settings/delete").status_code == 200
        client.post("/logout")
    writers = [e for e in emails if "inventories/" in "".join(read_names(client, e))]
    assert writers  # the demo's members have months to take with them


def read_names(client, email) -> list[str]:
    from cohort.demo.builder import DEMO_PASSWORD

    client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    names = read_zip(client.post("/settings/data")).namelist()
    client.post("/logout")
    return names
