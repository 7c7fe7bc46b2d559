"""The organizer notices who might need a hand: before the coming session they put the first
member with a signal on its list of people to talk with."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ..meetings.services import next_meeting
from ..signals.services import current_signals, talk_at_session

if TYPE_CHECKING:
    from .builder import Replay


def notice_signals(replay: Replay) -> None:
    moment = replay.now - timedelta(hours=2)
    with replay.at(moment):
        signals, _dismissed = current_signals(replay.cohort, moment)
        if signals and next_meeting(replay.cohort, moment) is not None:
            first = signals[0]
            talk_at_session(replay.organizer, replay.cohort, first.user.id, first.kind, moment)
