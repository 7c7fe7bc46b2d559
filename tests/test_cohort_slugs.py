"""Cohort addresses: chosen at creation or in the settings, suggested from the name, unique,
and old links keep working after a change."""

import re

import pytest
from sqlalchemy import select

from cohort.cohorts import slugs
from cohort.cohorts.models import Cohort, CohortSlugRedirect, Membership
from cohort.extensions import db

from . import factories


def cohort_form(name: str, slug: str = "", **overrides) -> dict:
    return {
        "name": name,
        "slug": slug,
        "description": "",
        "guide": "",
        "locale": "en",
        "timezone": "Asia/Tokyo",
        "rhythm_kind": "monthly_weekday",
        "rhythm_week": "2",
        "rhythm_weekday": "5",
        "rhythm_starts_at": "10:00",
        "rhythm_minutes": "120",
        "inventory_due_days": "2",
        "feedback_due_days": "7",
        "first_reminder_days": "7",
        "last_reminder_days": "1",
        "feedback_reviewers": "2",
        **overrides,
    }


@pytest.fixture
def organizer(app):
    return factories.make_user(display_name="Aiko")


@pytest.mark.parametrize(
    ("slug", "problem"),
    [
        ("ok-slug", False),
        ("abc", False),
        ("a" * 40, False),
        ("ab", True),
        ("a" * 41, True),
        ("Upper", True),
        ("-start", True),
        ("end-", True),
        ("double--hyphen", True),
        ("under_score", True),
        ("日本語", True),
        ("new", True),
    ],
)
def test_what_a_slug_may_look_like(slug, problem):
    assert (slugs.slug_problem(slug) is not None) is problem


def test_suggestions_come_from_the_name(app):
    assert slugs.suggest_slug("Design Leads Tokyo") == "design-leads-tokyo"
    assert slugs.suggest_slug("Café Crème 2026") == "cafe-creme-2026"
    japanese = slugs.suggest_slug("若手キャリアの会")
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d{2}", japanese)
    assert slugs.slug_problem(japanese) is None


def test_a_taken_name_gets_a_free_suggestion(app, organizer):
    first = factories.make_cohort(organizer, name="Design Leads")
    assert first.slug == "design-leads"
    second = factories.make_cohort(organizer, name="Design Leads")
    assert second.slug != first.slug and second.slug.startswith("design-leads-")


def test_an_organizer_chooses_the_slug_at_creation(app, client, auth, organizer):
    auth.login(organizer.email)
    response = client.post("/c/new", data=cohort_form("若手の会", slug="wakate-no-kai"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/c/wakate-no-kai/")
    assert db.session.query(Cohort).filter_by(slug="wakate-no-kai").one().name == "若手の会"


def test_an_empty_slug_at_creation_is_made_from_the_name(app, client, auth, organizer):
    auth.login(organizer.email)
    response = client.post("/c/new", data=cohort_form("Product Circle"))
    assert response.headers["Location"].startswith("/c/product-circle/")


def test_bad_and_taken_slugs_are_refused_with_clear_errors(app, client, auth, organizer):
    factories.make_cohort(organizer, name="Taken")
    auth.login(organizer.email)
    page = client.post("/c/new", data=cohort_form("X", slug="Not OK")).get_data(as_text=True)
    assert "lowercase letters a–z" in page
    page = client.post("/c/new", data=cohort_form("X", slug="taken")).get_data(as_text=True)
    match = re.search(
        r"The address /c/taken/ is taken\. Please choose another, for example ([^.<]+)\.", page
    )
    assert match and match.group(1).startswith("taken-")
    assert 'value="taken"' in page  # what was typed is kept
    assert db.session.query(Cohort).count() == 1


def test_changing_the_slug_keeps_old_links_working(app, client, auth, organizer):
    cohort = factories.make_cohort(organizer, name="Old Name")
    old = cohort.slug
    auth.login(organizer.email)
    response = client.post(
        f"/c/{old}/organize/settings", data=cohort_form("New Name", slug="new-name")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/new-name/organize/settings"
    db.session.refresh(cohort)
    assert cohort.slug == "new-name"

    moved = client.get(f"/c/{old}/sessions/?page=2")
    assert moved.status_code == 302
    assert moved.headers["Location"] == "/c/new-name/sessions/?page=2"
    assert client.get(f"/c/{old}/").headers["Location"] == "/c/new-name/"
    posted = client.post(f"/c/{old}/leave")
    assert posted.status_code == 307  # the form is sent again to the new address
    assert client.get("/c/new-name/").status_code == 200


def test_old_links_tell_outsiders_nothing(app, client, auth, organizer):
    cohort = factories.make_cohort(organizer, name="Secret Circle")
    old = cohort.slug
    slugs.change_slug(cohort, "renamed")
    db.session.commit()
    outsider = factories.make_user()
    auth.login(outsider.email)
    assert client.get(f"/c/{old}/").status_code == 404


def test_an_old_slug_belongs_to_its_cohort(app, organizer):
    first = factories.make_cohort(organizer, name="First")
    second = factories.make_cohort(organizer, name="Second")
    slugs.change_slug(first, "first-renamed")
    db.session.commit()
    with pytest.raises(slugs.DomainError):
        slugs.change_slug(second, "first")  # would steal the old links
    slugs.change_slug(first, "first")  # the cohort itself may go back
    db.session.commit()
    assert first.slug == "first"
    assert {r.slug for r in db.session.query(CohortSlugRedirect)} == {"first-renamed"}


def test_the_settings_page_suggests_a_slug_from_the_name(app, client, auth, organizer):
    cohort = factories.make_cohort(organizer, name="Night Owls")
    slugs.change_slug(cohort, "owls")
    db.session.commit()
    auth.login(organizer.email)
    page = client.get("/c/owls/organize/settings").get_data(as_text=True)
    assert "Suggested from the name: night-owls" in page
    assert 'value="owls"' in page


def test_no_suggestion_when_the_name_gives_nothing_to_build_on(app, organizer):
    cohort = factories.make_cohort(organizer, name="若手の会")
    assert slugs.suggestion_from_name("若手の会", cohort) is None
    named = factories.make_cohort(organizer, name="Night Owls")
    assert slugs.suggestion_from_name("Night Owls", named) is None  # it already has it


def _as_if_checked_before(monkeypatch, slug: str) -> None:
    """The address looks free once more, as it did to a request that checked it just before
    another one created a cohort there."""
    real = slugs.is_taken
    looked = []

    def first_look_misses(candidate, cohort=None):
        if candidate == slug and not looked:
            looked.append(candidate)
            return False
        return real(candidate, cohort)

    monkeypatch.setattr(slugs, "is_taken", first_look_misses)


def test_two_creations_racing_for_a_chosen_address_refuse_the_second(app, organizer, monkeypatch):
    factories.make_cohort(organizer, name="Design Leads")
    _as_if_checked_before(monkeypatch, "design-leads")
    with pytest.raises(slugs.DomainError, match=r"/c/design-leads/ is taken"):
        factories.make_cohort(organizer, name="Another", slug="design-leads")
    db.session.rollback()
    assert db.session.query(Cohort).count() == 1


def test_two_creations_racing_for_a_suggested_address_get_two(app, organizer, monkeypatch):
    first = factories.make_cohort(organizer, name="Design Leads")
    _as_if_checked_before(monkeypatch, "design-leads")
    second = factories.make_cohort(organizer, name="Design Leads")
    db.session.commit()
    assert first.slug == "design-leads"
    assert second.slug.startswith("design-leads-")
    roles = db.session.scalars(select(Membership.role).where(Membership.cohort_id == second.id))
    assert [role.value for role in roles] == ["organizer"]
