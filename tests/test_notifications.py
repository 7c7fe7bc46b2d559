"""The bell: notifications written by services, counted, listed and marked read."""

import pytest
from sqlalchemy import select

from cohort.delivery import notices
from cohort.delivery.models import Notification
from cohort.extensions import db

from . import factories


def test_unread_count_shows_in_the_navigation(logged_in, user):
    notices.notify(user.id, "cheered", name="Ken", url="/c/x/")
    notices.notify(user.id, "feedback_helpful", recipient="Aiko")
    db.session.commit()
    page = logged_in.get("/").get_data(as_text=True)
    assert '<span class="count">2' in page


def test_the_page_lists_them_in_the_readers_language(logged_in, user):
    notices.notify(user.id, "cheered", name="Ken")
    db.session.commit()
    assert "Ken cheered you on." in logged_in.get("/notifications").get_data(as_text=True)
    logged_in.post("/language", data={"locale": "ja"})
    page = logged_in.get("/notifications").get_data(as_text=True)
    assert "Ken cheered you on." not in page and "Ken" in page


def test_marking_one_read_follows_its_link_and_never_leaves_the_site(logged_in, user):
    notices.notify(user.id, "cheered", name="Ken")
    db.session.commit()
    notification = db.session.scalar(select(Notification))
    response = logged_in.post(
        f"/notifications/{notification.id}/read", data={"next": "https://evil.example/"}
    )
    assert response.location == "/notifications"
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_mark_all_read_and_nobody_marks_anothers(logged_in, user):
    other = factories.make_user()
    notices.notify(user.id, "cheered", name="Ken")
    notices.notify(other.id, "cheered", name="Ken")
    db.session.commit()
    theirs = db.session.scalar(select(Notification).where(Notification.user_id == other.id))
    logged_in.post(f"/notifications/{theirs.id}/read")
    logged_in.post("/notifications/read-all")
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
    assert notices.unread_count(user) == 0


def test_unknown_kinds_are_refused(app, user):
    with pytest.raises(ValueError):
        notices.notify(user.id, "no-such-kind")


def test_the_notifications_page_runs_a_fixed_number_of_queries(logged_in, user, count_queries):
    for _ in range(3):
        notices.notify(user.id, "cheered", name="Ken")
    db.session.commit()
    with count_queries() as few:
        logged_in.get("/notifications")
    for _ in range(25):
        notices.notify(user.id, "cheered", name="Ken")
    db.session.commit()
    with count_queries() as many:
        logged_in.get("/notifications")
    assert few.count == many.count


def test_pages_of_thirty_link_to_each_other_without_counting_them_all(
    logged_in, user, count_queries
):
    for number in range(31):
        notices.notify(user.id, "cheered", name=f"Peer{number:02d}")
    db.session.commit()
    with count_queries() as first:
        page = logged_in.get("/notifications").get_data(as_text=True)
    assert "Peer30 cheered" in page and "Peer01 cheered" in page and "Peer00" not in page
    assert 'href="/notifications?page=2"' in page and "?page=0" not in page
    # The signed-in user with the bell's count, then one slice of notifications.
    assert first.count == 2 and not any("count(" in s.lower() for s in first.statements[1:])
    older = logged_in.get("/notifications?page=2").get_data(as_text=True)
    assert "Peer00 cheered" in older and "Peer01" not in older
    assert 'href="/notifications?page=1"' in older and "?page=3" not in older
    alone = logged_in.get("/notifications?page=9").get_data(as_text=True)
    assert "cheered" not in alone
