"""The demo: its content obeys the rules, ``flask demo`` builds two living cohorts through the
app's services, never twice, never over real accounts unless forced, whatever the date."""

import re
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from cohort.auth.models import User
from cohort.cohorts.models import Cohort, Membership, Role
from cohort.companion.models import CohortCompanion, CompanionMode, CompanionPreference
from cohort.database import utcnow
from cohort.delivery.models import Notification
from cohort.demo import writing as demo_writing
from cohort.demo.builder import DEMO_PASSWORD, companion_user, demo_email, past_slots
from cohort.demo.content import CONTENT, check, load, locales
from cohort.demo.install import RealUsersPresent, install_demo
from cohort.extensions import db
from cohort.feedback.models import Feedback, FeedbackAssignment
from cohort.inventories.models import Goal, GoalStatus, Inventory, InventoryStatus
from cohort.meetings.models import Meeting
from cohort.timeline.models import Cheer, Follow
from cohort.writing.models import ShortFormSetting, WritingPreference

from . import factories

MONTH_NAMES = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Christmas|Easter)\b|[0-9０-９]+月|正月|お盆|年末|年始"
)


def build(now=None) -> bool:
    from flask import current_app

    with current_app.test_request_context():
        built = install_demo(now or utcnow())
        db.session.commit()
    return built


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


# ---- Content ----------------------------------------------------------------------------------


def test_both_languages_have_a_story_that_passes_every_check(app):
    assert locales() == ["en", "ja"]
    for locale in locales():
        story = load(locale)
        assert check(story) == []
        writers = [person for person in story.people if person.writes]
        assert 6 <= len(story.people) <= 10
        assert all(len(person.data["months"]) >= 5 for person in writers)
        assert sum(len(person.data.get("paused", [])) for person in writers) in (1, 2, 3)


def test_the_story_is_written_in_its_own_language_and_names_no_month():
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for path in sorted(CONTENT.glob("*/*.toml")):
        text = path.read_text(encoding="utf-8")
        assert not MONTH_NAMES.search(text), f"{path.name}: dates must stay relative"
        share = len(japanese.findall(text)) / max(len(text), 1)
        assert (share > 0.2) if path.parent.name == "ja" else (share == 0), path


def test_the_checker_catches_a_broken_person(tmp_path):
    (tmp_path / "ja").mkdir()
    for source in (CONTENT / "ja").glob("*.toml"):
        (tmp_path / "ja" / source.name).write_text(source.read_text(encoding="utf-8"), "utf-8")
    broken = tmp_path / "ja" / "kenichi.toml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(re.sub(r"(?m)^energy = \d", "energy = 9", text, count=1), "utf-8")
    with pytest.raises(ValueError, match="energy must be 1–5"):
        load("ja", root=tmp_path)


# ---- Building ---------------------------------------------------------------------------------


def test_the_demo_is_two_living_cohorts(app):
    now = utcnow()
    assert build(now) is True

    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.locale)).all()
    assert [(c.locale, c.timezone, c.slug) for c in cohorts] == [
        ("en", "Europe/London", "thursday-circle"),
        ("ja", "Asia/Tokyo", "doyou-career"),
    ]
    for cohort in cohorts:
        story = load(cohort.locale)
        roles = Counter(
            db.session.scalars(select(Membership.role).where(Membership.cohort_id == cohort.id))
        )
        assert roles[Role.ORGANIZER] == 1 and roles[Role.MENTOR] == 1
        assert 6 <= sum(roles.values()) <= 10
        meetings = db.session.scalars(
            select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(Meeting.starts_at)
        ).all()
        past = [m for m in meetings if m.starts_at < now]
        assert [m.starts_at for m in past] == past_slots(story, now)
        assert any(m.starts_at > now for m in meetings), "the next session is scheduled"
        for meeting in past:
            statuses = Counter(
                db.session.scalars(
                    select(Inventory.status).where(Inventory.meeting_id == meeting.id)
                )
            )
            assert statuses[InventoryStatus.SHARED] >= 4, meeting.title
            assert meeting.agenda_html
        paused = db.session.scalar(
            select(func.count(Inventory.id)).where(
                Inventory.cohort_id == cohort.id, Inventory.status == InventoryStatus.PAUSED
            )
        )
        assert paused >= 1


def test_organizers_see_signals_a_talk_list_and_a_health_history(app):
    from cohort.signals.models import SessionTalk
    from cohort.signals.services import current_signals
    from cohort.signals.trends import cohort_health

    now = utcnow()
    assert build(now) is True
    for cohort in db.session.scalars(select(Cohort)):
        with app.test_request_context():
            signals, _dismissed = current_signals(cohort, now)
        assert len(signals) >= 2, cohort.name
        assert db.session.scalar(select(SessionTalk).where(SessionTalk.cohort_id == cohort.id))
        health = cohort_health(cohort, now, cohort.feedback_reviewers)
        assert len(health) == 6
        assert all(row.share_rate and row.attendance_rate for row in health)
        assert any(row.coverage != 100 for row in health), "someone owed feedback"


def test_each_cohort_has_a_mentoring_pair_with_months_of_history(app):
    from cohort.mentoring.models import (
        GoalComment,
        NextStep,
        OneToOne,
        Pairing,
        PairingStatus,
        PlanPhase,
        RelationshipReview,
    )

    assert build() is True
    for cohort in db.session.scalars(select(Cohort)):
        (pairing,) = db.session.scalars(select(Pairing).where(Pairing.cohort_id == cohort.id))
        assert pairing.status == PairingStatus.ACTIVE and pairing.agreement_at is not None
        assert pairing.mentor.role == Role.MENTOR and pairing.goal_ids
        meetings = db.session.scalars(select(OneToOne).where(OneToOne.pairing_id == pairing.id))
        assert len(meetings.all()) == 3, cohort.name
        steps = db.session.scalars(select(NextStep).where(NextStep.pairing_id == pairing.id))
        done = Counter(step.done_at is not None for step in steps)
        assert done[True] >= 2 and done[False] >= 2, "some steps done, some carried forward"
        reviews = db.session.scalars(
            select(RelationshipReview).where(RelationshipReview.pairing_id == pairing.id)
        )
        assert sorted(r.side.value for r in reviews) == ["mentee", "mentor"]
        for model in (PlanPhase, GoalComment):
            assert db.session.scalar(select(model).where(model.pairing_id == pairing.id))
        assert pairing.next_meeting_on is not None


def test_feedback_follows_the_rotation_and_is_answered(app):
    build()
    feedback = db.session.scalars(select(Feedback)).all()
    assignments = {
        (a.inventory_id, a.giver_id) for a in db.session.scalars(select(FeedbackAssignment))
    }
    assert len(feedback) > 60
    assert all((f.inventory_id, f.giver_id) in assignments for f in feedback)
    assert all(f.giver_id != f.recipient_id for f in feedback)
    assert sum(f.has_reply for f in feedback) > 10
    assert sum(f.is_helpful for f in feedback) > 10
    assert sum(f.is_shared for f in feedback) > 3
    givers = Counter(f.giver_id for f in feedback)
    assert max(givers.values()) - min(givers.values()) <= 8, "the load is shared"


def test_goals_progress_and_people_follow_and_cheer(app):
    build()
    achieved = db.session.scalar(
        select(func.count(Goal.id)).where(Goal.status == GoalStatus.ACHIEVED)
    )
    assert achieved >= 6
    assert db.session.scalar(select(func.count(Follow.id))) >= 2 * 7 * 3
    milestone_cheers = db.session.scalar(select(func.count(Cheer.id)).where(Cheer.milestone != ""))
    assert milestone_cheers >= 10
    unread = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.read_at.is_(None))
    )
    read = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.read_at.is_not(None))
    )
    assert unread > 0 and read > unread


def test_one_member_of_each_cohort_writes_with_the_companion(app):
    build()
    for cohort in db.session.scalars(select(Cohort)):
        assert db.session.get(CohortCompanion, cohort.id).mode == CompanionMode.BUILTIN
        story = load(cohort.locale)
        on = db.session.scalars(
            select(User.email)
            .join(CompanionPreference, CompanionPreference.user_id == User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort.id, CompanionPreference.enabled)
        ).all()
        person = next(p for p in story.people if p.key == companion_user(story))
        assert on == [demo_email(person)]
        assert person.role == "member"


def test_each_cohort_picks_its_core_questions_and_one_member_writes_the_short_form(app, client):
    build()
    for cohort in db.session.scalars(select(Cohort)).all():
        assert db.session.get(ShortFormSetting, cohort.id).core_sections == demo_writing.CORE
        story = load(cohort.locale)
        person = next(p for p in story.people if p.key == demo_writing.short_form_user(story))
        user = db.session.scalar(select(User).where(User.email == demo_email(person)))
        assert db.session.get(WritingPreference, user.id).short_form
        meeting = db.session.scalar(
            select(Meeting)
            .where(Meeting.cohort_id == cohort.id, Meeting.starts_at > utcnow())
            .order_by(Meeting.starts_at)
            .limit(1)
        )
        client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
        page = client.get(f"/c/{cohort.slug}/sessions/{meeting.id}/inventory")
        assert page.status_code == 200
        assert 'name="form_mode" value="full"' in page.get_data(as_text=True)
        client.post("/logout")


def test_one_member_of_each_cohort_keeps_local_hours_and_no_chat_is_on(app, client):
    from cohort.delivery.models import ChatWebhook, DeliverySettings, PushSubscription

    build()
    hours = db.session.scalars(select(DeliverySettings)).all()
    assert len(hours) == 2 and {h.reminder_time.strftime("%H:%M") for h in hours} == {"07:30"}
    assert db.session.scalar(select(func.count()).select_from(ChatWebhook)) == 0
    user = db.session.get(User, hours[0].user_id)
    client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert '<option selected value="07:30">' in page
    # Their phone hears of sessions and what is due, not the feedback reminders; no device
    # is on anywhere in the demo (the scheduler would try to reach it).
    assert 'id="push-session_soon" name="push-session_soon" value="1" checked' in page
    assert 'id="push-feedback_owed" name="push-feedback_owed" value="1" aria' in page
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize("hours_from_a_session", [-50, 1, 30, 24 * 9])
def test_the_demo_builds_whatever_the_day(app, hours_from_a_session):
    """Today may fall just before a due time, during a session, in the feedback week or after
    it: the replay stops at today every time."""
    story = load("ja")
    anchor = past_slots(story, utcnow())[-1]
    now = anchor + timedelta(hours=hours_from_a_session)
    assert build(now) is True
    assert db.session.scalar(select(func.max(Feedback.created_at))) <= now
    assert db.session.scalar(select(func.max(Notification.created_at))) <= now
    assert db.session.scalar(select(func.max(Inventory.updated_at))) <= now


def test_running_it_twice_adds_nothing(app):
    build()
    before = table_counts()
    assert build() is False
    assert table_counts() == before


def test_it_refuses_a_database_with_real_accounts_unless_forced(app):
    real = factories.make_user(email="someone@example.org")
    cohort = factories.make_cohort(real, name="Real circle")
    db.session.commit()
    with pytest.raises(RealUsersPresent) as refused:
        build()
    assert refused.value.count == 1
    assert db.session.scalar(select(func.count(User.id))) == 1

    from flask import current_app

    with current_app.test_request_context():
        assert install_demo(utcnow(), force=True) is True
        assert install_demo(utcnow(), force=True, reset=True) is True
        db.session.commit()
    assert db.session.get(User, real.id) is not None
    assert db.session.get(Cohort, cohort.id) is not None
    assert db.session.scalar(select(func.count(Cohort.id))) == 3


def test_reset_rebuilds_the_same_demo_as_of_today(app):
    from flask import current_app

    today = utcnow()
    build(today - timedelta(days=45))
    before = table_counts()
    with current_app.test_request_context():
        assert install_demo(today, reset=True) is True
        db.session.commit()
    story = load("en")
    cohort = db.session.scalar(select(Cohort).where(Cohort.locale == "en"))
    latest = db.session.scalar(
        select(func.max(Meeting.starts_at)).where(
            Meeting.cohort_id == cohort.id, Meeting.starts_at < today
        )
    )
    assert latest == past_slots(story, today)[-1]
    after = table_counts()
    assert after["users"] == before["users"] and after["cohorts"] == before["cohorts"]
    assert after["goals"] == before["goals"]


def test_the_demo_closes_its_first_season_and_tells_a_rich_year(app, client):
    from cohort.year.models import Season, YearShare

    build()
    for cohort in db.session.scalars(select(Cohort)):
        (season,) = db.session.scalars(select(Season).where(Season.cohort_id == cohort.id))
        archived = db.session.scalars(
            select(Meeting).where(Meeting.season_id == season.id).order_by(Meeting.starts_at)
        ).all()
        assert len(archived) == load(cohort.locale).cohort["season"]["sessions"]
        assert season.name in ("First season", "第1シーズン")
    sharers = db.session.scalars(
        select(User.email).join(YearShare, YearShare.user_id == User.id)
    ).all()
    assert sorted(sharers) == ["kenichi@demo.example.org", "tom@demo.example.org"]
    client.post("/login", data={"email": "tom@demo.example.org", "password": DEMO_PASSWORD})
    tom = db.session.scalar(select(User).where(User.email == "tom@demo.example.org"))
    slug = db.session.scalar(select(Cohort.slug).where(Cohort.locale == "en"))
    page = client.get(f"/c/{slug}/members/{tom.id}/year").get_data(as_text=True)
    assert "6 months written" in page or "7 months written" in page
    habits = page.split('id="habits-heading"')[1].split("</section>")[0]
    assert "mock interviews" in habits  # a Try of the third month, kept in the fifth
    helpful = page.split('id="helpful-heading"')[1].split("</section>")[0]
    assert "From " in helpful
    assert page.count('<svg class="chart"') >= 7
    assert "You share your year with the members of Thursday Evening Circle." in page


def test_flask_demo_prints_the_logins_that_work(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for locale in locales():
        for person in load(locale).people:
            assert f"{person.key}@demo.example.org" in result.output
    assert "is on for tom@demo.example.org and " in result.output
    again = runner.invoke(args=["demo"])
    assert "here already" in again.output

    organizer = "priya@demo.example.org"
    response = client.post("/login", data={"email": organizer, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert "Thursday Evening Circle" in home.get_data(as_text=True)


def test_flask_demo_explains_its_refusal(app, runner):
    factories.make_user(email="someone@example.org")
    db.session.commit()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0  # a choice, explained: `make demo` does not fail on it
    assert "The demo was not added" in result.output
    assert "make demo DEMO_ARGS=--force" in result.output
    from cohort.auth.models import User

    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_replaying_sets_the_apps_clock_and_gives_it_back():
    from datetime import UTC, datetime

    from cohort.database import replaying_at

    moment = datetime(2026, 3, 14, 1, 0, tzinfo=UTC)
    with replaying_at(moment):
        assert utcnow() == moment
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(minutes=1)
    with pytest.raises(ValueError, match="naive"), replaying_at(datetime(2026, 3, 14)):
        pass


def test_past_sessions_ran_live_and_the_next_one_has_a_facilitator(app):
    from cohort.live.models import CheckOut, ListenerNote, LiveRun, RunStatus

    now = utcnow()
    build(now)
    for cohort in db.session.scalars(select(Cohort)):
        runs = db.session.scalars(
            select(LiveRun)
            .join(Meeting, Meeting.id == LiveRun.meeting_id)
            .where(Meeting.cohort_id == cohort.id)
            .order_by(Meeting.starts_at)
        ).all()
        ended = [run for run in runs if run.status == RunStatus.ENDED]
        assert len(ended) >= 5, cohort.slug
        for run in ended:
            assert run.speakers() and all(run.spoken.get(str(uid)) for uid in run.speakers())
            assert run.notes_html and run.facilitator_id
        openers = [run.speakers()[0] for run in ended]
        assert all(a != b for a, b in pairwise(openers))
        coming = runs[-1]
        assert coming.status == RunStatus.READY and coming.meeting.starts_at > now
        assert coming.facilitator_id is not None
        meeting_ids = [run.meeting_id for run in ended]
        assert db.session.scalar(
            select(func.count(CheckOut.id)).where(CheckOut.meeting_id.in_(meeting_ids))
        )
        assert db.session.scalar(
            select(func.count(ListenerNote.id)).where(
                ListenerNote.meeting_id.in_(meeting_ids), ListenerNote.draft_started_at.is_not(None)
            )
        )


def test_members_of_both_cohorts_tag_their_goals_and_write_quarter_reviews(app, client):
    from cohort.inventories.models import InventoryKind

    build()
    for cohort in db.session.scalars(select(Cohort)):
        members = select(Membership.user_id).where(Membership.cohort_id == cohort.id)
        areas = Counter(
            db.session.scalars(select(Goal.area).where(Goal.user_id.in_(members))).all()
        )
        assert None not in areas and len(areas) >= 3, areas
        quarters = db.session.scalars(
            select(Inventory).where(
                Inventory.cohort_id == cohort.id, Inventory.kind == InventoryKind.QUARTER
            )
        ).all()
        assert len(quarters) == 2 and all(q.is_shared for q in quarters)
        assert all(q.answers.get("quarter_plan") and q.answers.get("did") for q in quarters)
        splits = db.session.scalars(
            select(Inventory.life_split).where(
                Inventory.cohort_id == cohort.id, Inventory.life_split.is_not(None)
            )
        ).all()
        assert len(splits) > 20 and len({tuple(sorted(s.items())) for s in splits}) > 3
    client.post("/login", data={"email": "tom@demo.example.org", "password": DEMO_PASSWORD})
    tom = db.session.scalar(select(User).where(User.email == "tom@demo.example.org"))
    quarter = db.session.scalar(
        select(Inventory).where(Inventory.user_id == tom.id, Inventory.kind == "quarter")
    )
    page = client.get(f"/c/{quarter.cohort.slug}/inventories/{quarter.id}/quarter")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ten tailored applications" in text
    assert text.count('class="card quarter-month"') == 3


def test_flask_demo_on_a_database_not_migrated_says_what_to_run(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_CURRENT_SCHEMA", True)  # tables from the models
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "not at the latest migration" in result.output and "make migrate" in result.output
    from cohort.auth.models import User

    assert db.session.scalar(select(func.count()).select_from(User)) == 0
