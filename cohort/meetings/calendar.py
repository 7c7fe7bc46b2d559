"""Sessions as iCalendar: one session's .ics, and each person's secret calendar feed."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app
from flask_babel import force_locale, get_locale
from icalendar import Alarm, Calendar, Event
from sqlalchemy import select

from ..auth.models import User
from ..cohorts.models import Cohort
from ..database import utcnow
from ..emails import external_url
from ..extensions import db
from ..i18n import DATETIME_FORMATS, gettext
from ..permissions import visible_meetings
from ..tokens import hash_token, new_token
from .models import Meeting

ALARM_BEFORE = timedelta(hours=1)
FEED_KEEPS_PAST = timedelta(days=92)  # about three months back


def meeting_ics(meeting: Meeting, viewer: User | None = None) -> bytes:
    """One session as an .ics file to download; texts in the viewer's language and zone."""
    calendar = _calendar()
    calendar.add_component(_event(meeting, viewer.timezone if viewer else None))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_feed(user: User, now: datetime | None = None) -> bytes:
    """Every session of the user's active cohorts from three months back, as a feed."""
    since = (now or utcnow()) - FEED_KEEPS_PAST
    meetings = db.session.scalars(
        visible_meetings(user)
        .where(
            Meeting.ends_at > since,
            Meeting.cohort_id.in_(select(Cohort.id).where(Cohort.is_archived.is_(False))),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    # The feed is fetched by calendar apps without a session: speak the owner's language.
    with force_locale(user.locale):
        calendar = _calendar()
        calendar.add("x-wr-calname", "Cohort")
        for meeting in meetings:
            calendar.add_component(_event(meeting, user.timezone))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Cohort//Cohort sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _event(meeting: Meeting, viewer_zone: str | None) -> Event:
    cohort = meeting.cohort
    # Local times with the cohort's VTIMEZONE: calendar apps convert them to each person's
    # zone, and the event still says when the cohort meets on its own clock.
    zone = ZoneInfo(cohort.timezone)
    page = external_url("meetings.show", slug=cohort.slug, meeting_id=meeting.id)
    summary = f"{cohort.name}: {meeting.title}"
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{urlsplit(current_app.config['BASE_URL']).hostname}")
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", summary)
    if meeting.place or meeting.online_url:
        event.add("location", meeting.place or meeting.online_url)
    event.add("url", page)
    event.add("description", _description(meeting, page, viewer_zone or cohort.timezone))
    if meeting.is_cancelled:
        event.add("status", "CANCELLED")
        return event
    event.add("status", "CONFIRMED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", summary)
    event.add_component(alarm)
    return event


def _description(meeting: Meeting, page: str, zone: str) -> str:
    language = str(get_locale() or "en")
    due = format_datetime(
        meeting.inventory_due_at,
        DATETIME_FORMATS.get(language, DATETIME_FORMATS["en"]),
        tzinfo=ZoneInfo(zone),
        locale=language,
    )
    lines = []
    if meeting.online_url:
        lines.append(gettext("Join online: %(url)s", url=meeting.online_url))
    lines.append(gettext("Share your inventory by %(time)s.", time=due))
    lines.append(gettext("Agenda and inventories: %(url)s", url=page))
    return "\n".join(lines)


# The feed's secret address ----------------------------------------------------------------


def start_calendar_feed(user: User) -> str:
    """A new secret feed token for the user, to show once; any older address stops working."""
    token, token_hash = new_token()
    user.calendar_token_hash = token_hash
    db.session.flush()
    return token


def stop_calendar_feed(user: User) -> None:
    """Turn the feed off: its address answers 404 from now on."""
    user.calendar_token_hash = None
    db.session.flush()


def user_for_calendar_token(token: str) -> User | None:
    return db.session.scalar(select(User).where(User.calendar_token_hash == hash_token(token)))
