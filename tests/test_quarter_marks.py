"""The quarter review where members meet it outside its own page: marked in the feed and on the
session page (at no extra query), the year page's part of life kept across its picker and
download, and the inventory reminder of a quarter's month inviting the review, in English and
Japanese."""

from datetime import datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from cohort.delivery.models import Notification, OutboundEmail
from cohort.delivery.notices import message_of
from cohort.extensions import db
from cohort.inventories import services
from cohort.inventories.models import GoalStatus, InventoryKind
from cohort.notifications.due import shifted

from . import factories
from .test_life_areas import tagged_history
from .test_reminders import BERLIN, berlin, make_session, tick  # noqa: F401 (fixture)
from .test_timeline import login, make_circle, write


@pytest.fixture
def circle(app, user):
    return make_circle(user)


def shared_quarter(cohort, ken, aiko):
    """Ken shares a quarter review and Aiko a month inventory for the same session."""
    meeting = factories.make_meeting(cohort, title="Quarter session")
    review = services.save_quarter_answers(
        ken, meeting, {"quarter_plan": "Second clinic by June"}, 0
    )
    services.share_inventory(ken, review)
    db.session.commit()
    month = write(aiko, meeting, answers={"did": "Aiko shipped the form"})
    return meeting, review, month


def test_the_feed_and_the_session_page_mark_the_quarter_review(client, circle, user):
    cohort, ken, aiko = circle
    meeting, review, month = shared_quarter(cohort, ken, aiko)
    quarter_link = f"/c/{cohort.slug}/inventories/{review.id}/quarter"
    login(client, user)
    for url in ("/feed?scope=cohorts", f"/c/{cohort.slug}/sessions/{meeting.id}"):
        page = client.get(url).get_data(as_text=True)
        assert page.count("badge quarter-marker") == 1, url  # Ken's, not Aiko's month
        assert "Quarter review</span>" in page and quarter_link in page, url
        assert f"/c/{cohort.slug}/inventories/{month.id}/quarter" not in page, url
    user.locale = "ja"
    db.session.commit()
    for url in ("/feed?scope=cohorts", f"/c/{cohort.slug}/sessions/{meeting.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "四半期のふり返り</span>" in page and "四半期を並べて見る" in page, url


def test_marking_the_quarter_costs_no_query(client, circle, user, count_queries):
    cohort, ken, aiko = circle
    meeting, review, _month = shared_quarter(cohort, ken, aiko)
    login(client, user)
    counts = {}
    for kind in (InventoryKind.QUARTER, InventoryKind.MONTH):
        review.kind = kind
        db.session.commit()
        for url in ("/feed?scope=cohorts", f"/c/{cohort.slug}/sessions/{meeting.id}"):
            client.get(url)
            with count_queries() as queries:
                page = client.get(url).get_data(as_text=True)
            assert ("badge quarter-marker" in page) == (kind == InventoryKind.QUARTER)
            counts[kind, url] = len(queries.statements)
    for url in ("/feed?scope=cohorts", f"/c/{cohort.slug}/sessions/{meeting.id}"):
        assert counts[InventoryKind.QUARTER, url] == counts[InventoryKind.MONTH, url], url


# ---- The year page keeps the part of life --------------------------------------------------


def test_the_year_keeps_the_part_of_life_in_its_picker_and_download(client, circle):
    cohort, ken, _aiko = circle
    api, zine = tagged_history(cohort, ken)
    api.status = zine.status = GoalStatus.ACHIEVED
    db.session.commit()
    login(client, ken)
    base = f"/c/{cohort.slug}/members/{ken.id}/year"
    page = client.get(f"{base}?area=parallel").get_data(as_text=True)
    assert '<input type="hidden" name="area" value="parallel">' in page
    assert f'href="{base}?area=parallel"' in page  # the last twelve months, same part
    assert f"{base}.md?area=parallel&amp;start=" in page
    text = client.get(f"{base}.md?area=parallel").get_data(as_text=True)
    assert "Reached: Write a zine" in text and "Ship the API" not in text
    assert "Goals and tasks of: Parallel career" in text
    response = client.get(f"{base}.md?area=parallel")
    assert "parallel" in response.headers["Content-Disposition"]
    # Without a part (or with one the cohort does not have) the download holds everything.
    for url in (f"{base}.md", f"{base}.md?area=%00nope"):
        text = client.get(url).get_data(as_text=True)
        assert "Write a zine" in text and "Ship the API" in text
        assert "Goals and tasks of" not in text
    page = client.get(base).get_data(as_text=True)
    assert 'name="area"' not in page and f"{base}.md?start=" in page
    ken.locale = "ja"
    db.session.commit()
    text = client.get(f"{base}.md?area=parallel").get_data(as_text=True)
    assert "目標とタスクの領域：" in text and "Ship the API" not in text


# ---- The reminder of a quarter's month -----------------------------------------------------


def reminded(frozen_time, cohort, due_local: datetime, member):
    meeting = make_session(cohort, due_local)
    tick(frozen_time, shifted(meeting.inventory_due_at, BERLIN, days=1))
    notice = db.session.scalar(select(Notification).where(Notification.user_id == member.id))
    email = db.session.scalar(select(OutboundEmail).where(OutboundEmail.user_id == member.id))
    return meeting, notice, email


def test_the_reminder_of_a_quarter_month_invites_the_review(frozen_time, berlin):  # noqa: F811
    ken = factories.make_user(display_name="Ken", timezone=BERLIN)
    factories.add_member(berlin, ken)
    meeting, notice, email = reminded(frozen_time, berlin, datetime(2027, 6, 10, 10, 0), ken)
    assert notice.kind == "inventory_due" and notice.data["variant"] == "quarter"
    assert "invited to write a quarter review" in message_of(notice)
    assert "invited to write a quarter review" in email.text_body
    quarter = f"/c/{berlin.slug}/sessions/{meeting.id}/quarter"
    assert quarter in email.text_body and quarter in email.html_body
    assert f"/c/{berlin.slug}/sessions/{meeting.id}/inventory" in email.text_body


def test_the_reminder_of_another_month_says_nothing_of_a_quarter(frozen_time, berlin):  # noqa: F811
    ken = factories.make_user(display_name="Ken", timezone=BERLIN)
    factories.add_member(berlin, ken)
    _meeting, notice, email = reminded(frozen_time, berlin, datetime(2027, 5, 10, 10, 0), ken)
    assert notice.kind == "inventory_due" and "variant" not in notice.data
    assert "quarter" not in message_of(notice)
    assert "quarter" not in email.text_body and "/quarter" not in email.html_body


def test_the_quarter_reminder_speaks_japanese(frozen_time, berlin):  # noqa: F811
    hana = factories.make_user(display_name="Hana", timezone=BERLIN, locale="ja")
    factories.add_member(berlin, hana)
    _meeting, notice, email = reminded(frozen_time, berlin, datetime(2027, 9, 10, 10, 0), hana)
    with force_locale("ja"):
        assert "四半期のふり返りもぜひ書いてください" in message_of(notice)
    assert "四半期のふり返りを書いてみませんか" in email.text_body
    assert "四半期のふり返りを書く：http" in email.text_body
