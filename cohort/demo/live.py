"""The demo's sessions as they ran in the room: a facilitator named in rotation, the speaking
order, each person's time, a few listeners' notes (one of which starts a feedback draft), the
facilitator's notes, check-outs, and a named facilitator for the coming session."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from babel.dates import format_date
from sqlalchemy import select

from ..extensions import db
from ..inventories.models import Inventory, InventoryStatus
from ..live import facilitation, room, services
from ..live.models import OrderMode
from ..meetings.models import Meeting

if TYPE_CHECKING:
    from .builder import Replay

# What the facilitator wrote, a listener jotted, an attendee said at check-out: per language.
NOTES = {
    "en": [
        "- Next session: **{next}**\n"
        "- Decided: we try a 5-minute silent read of each ask before answering.",
        "- Next session: **{next}**\n"
        "- Grace shares a template for salary conversations in the group chat.",
        "- Next session: **{next}**\n"
        "- Announcement: a guest from a hiring team joins us in two months.",
    ],
    "ja": [
        "- 次回：**{next}**\n- 決まったこと：質問に答える前に、5分間だまって読む時間をとる。",
        "- 次回：**{next}**\n- お知らせ：年収交渉のテンプレートをグループで共有します。",
        "- 次回：**{next}**\n- お知らせ：2か月後に採用担当のゲストが参加します。",
    ],
}
LISTENER_NOTES = {
    "en": [
        "The way you described the client call was vivid: ask what made you stay calm.",
        "Your Try is specific. Could the goal have a date too?",
        "You lit up talking about mentoring: is that a direction?",
    ],
    "ja": [
        "顧客との電話の話が具体的でわかりやすかった。落ち着いていられた理由を聞いてみたい。",
        "Tryが具体的。目標にも日付を入れられそう？",
        "後輩の相談に乗る話のとき、表情が明るかった。それは一つの方向性かも。",
    ],
}
CHECKOUT_LINES = {
    "en": ["Good pace tonight.", "The timer helped me keep it short.", "", "Felt heard.", ""],
    "ja": [
        "今日はちょうどいいペースでした。",
        "タイマーのおかげで話をまとめられました。",
        "",
        "ちゃんと聞いてもらえた感じがしました。",
        "",
    ],
}


def _person(replay: Replay, user_id: int):
    return next(user for user in replay.users.values() if user.id == user_id)


def name_facilitator(replay: Replay, meeting: Meeting, moment: datetime) -> None:
    """The organizer names next in rotation as the session's facilitator."""
    with replay.at(moment):
        facilitation.set_facilitator(
            replay.organizer, meeting, facilitation.suggest_facilitator(meeting)
        )


def run_session(
    replay: Replay, meeting: Meeting, number: int, next_starts: datetime, last: bool
) -> None:
    """Replay the session in the room, once it is over; after the last one everyone gets
    the recap (or what they missed)."""
    if not replay.happened(meeting.ends_at + timedelta(hours=2)):
        return
    name_facilitator(replay, meeting, meeting.starts_at - timedelta(days=3))
    run = services.run_of(meeting)
    facilitator = _person(replay, run.facilitator_id) if run.facilitator_id else replay.organizer
    moment = meeting.starts_at + timedelta(minutes=3)
    with replay.at(moment):
        run = services.start(
            facilitator, meeting, None, moment, mode=OrderMode.ROTATION, slots=(10, 0, 10)
        )
    present = {user.id for user in replay.users.values() if room.attended(user, meeting)}
    while run.current < len(run.agenda) - 1:
        item = services.current_item(run)
        box = run.speaker_seconds if isinstance(item, int) else 600
        moment += timedelta(seconds=box + replay.random.randint(-150, 120))
        if isinstance(item, int):
            _listen(replay, meeting, run, item, present, moment - timedelta(minutes=1))
        with replay.at(moment):
            services.advance(facilitator, meeting, run.version, moment)
    locale = replay.story.locale
    moment += timedelta(minutes=9)
    with replay.at(moment):
        next_day = format_date(next_starts, "long", locale=locale)
        text = NOTES[locale][number % len(NOTES[locale])].format(next=next_day)
        services.save_notes(facilitator, meeting, run.version, text)
        services.end(facilitator, meeting, run.version, moment)
    if last:
        with replay.at(moment):
            room.send_recap(meeting, run)
    _check_out(replay, meeting, run, moment + timedelta(minutes=20))


def _listen(replay: Replay, meeting: Meeting, run, speaker: int, listeners, moment) -> None:
    lines = LISTENER_NOTES[replay.story.locale]
    for listener_id in sorted(listeners - {speaker}):
        if replay.random.random() < 0.5:
            continue
        listener = _person(replay, listener_id)
        with replay.at(moment):
            note = room.save_note(
                listener, meeting, run, speaker, lines[replay.random.randrange(len(lines))]
            )
            if replay.random.random() < 0.4 and _shared(meeting, speaker):
                room.start_draft(listener, meeting, note, moment)


def _shared(meeting: Meeting, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(Inventory.id).where(
                Inventory.meeting_id == meeting.id,
                Inventory.user_id == user_id,
                Inventory.status == InventoryStatus.SHARED,
            )
        )
        is not None
    )


def _check_out(replay: Replay, meeting: Meeting, run, moment: datetime) -> None:
    lines = CHECKOUT_LINES[replay.story.locale]
    for index, user in enumerate(replay.users.values()):
        if not room.attended(user, meeting) or replay.random.random() < 0.25:
            continue
        with replay.at(moment + timedelta(minutes=11 * index)):
            score = replay.random.choice((3, 4, 4, 5, 5))
            room.check_out(user, meeting, run, score, lines[index % len(lines)])
