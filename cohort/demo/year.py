"""The demo's seasons and shared years: the organizer closes the story's first season once its
feedback week is over, and the people the story names share their year with the cohort."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..year.seasons import SeasonInput, close_season
from ..year.services import share_year


def _local(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def close_first_season(replay, slots: list[datetime], played: int) -> None:
    """Once the story's ``[season]`` sessions are played and their feedback week is over,
    close them as one season (only if that moment has come)."""
    season = replay.story.cohort.get("season")
    if not season or played != season["sessions"]:
        return
    cohort = replay.cohort
    moment = slots[played - 1] + timedelta(days=cohort.feedback_due_days + 2)
    if not replay.happened(moment):
        return
    first = _local(slots[0], cohort.timezone).replace(day=1)
    last = _local(moment, cohort.timezone) - timedelta(days=1)  # before the next session
    with replay.at(moment):
        close_season(replay.organizer, cohort, SeasonInput(season["name"], first, last), moment)


def share_years(replay, last_session: datetime) -> None:
    """The people whose file says ``shares_year = true`` share their year after the last
    session."""
    moment = last_session + timedelta(days=1)
    if not replay.happened(moment):
        return
    with replay.at(moment):
        for person in replay.story.people:
            if person.data.get("shares_year"):
                share_year(replay.users[person.key], replay.cohort)
