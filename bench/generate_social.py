"""What happens around the inventories: RSVPs and attendance, feedback assignments and
feedback, cheers, follows, and the notifications and reminders each of them causes."""

import json
from datetime import datetime, timedelta
from itertools import count
from random import Random

from cohort.feedback.traits import TRAITS

from .generate_copy import Spools
from .generate_inventories import Inv
from .generate_notices import Notices
from .generate_plan import Cohort, Meeting, User
from .generate_text import LocalePool

TRAIT_KEYS = list(TRAITS)
REVIEWERS = 2


class SocialWriter:
    def __init__(self, spools: Spools, pools: dict[str, LocalePool], rng: Random, now: datetime):
        self.spools, self.pools, self.rng, self.now = spools, pools, rng, now
        self.attendance_ids, self.assignment_ids = count(1), count(1)
        self.feedback_ids, self.cheer_ids, self.follow_ids = count(1), count(1), count(1)

    def cohort(self, cohort: Cohort, by_meeting: dict[int, list[Inv]], notices: Notices) -> None:
        past = [m for m in cohort.meetings if m.is_past]
        notices.read_before = past[-1].starts_at if past else self.now
        for meeting in cohort.meetings:
            invs = {inv.user.id: inv for inv in by_meeting.get(meeting.id, [])}
            not_going = self.attendance(cohort, meeting, invs)
            plan = {
                uid: (inv.shared_at if inv.status == "shared" else
                      inv.created_at if inv.status == "paused" else None, uid in not_going)
                for uid, inv in invs.items()
            }  # fmt: skip
            for uid in not_going - set(invs):
                plan[uid] = (None, True)
            notices.session_reminders(cohort, meeting, plan)
            if not meeting.is_past:
                continue
            assignments = self.assign(cohort, meeting, invs, notices)
            given = self.feedback(cohort, meeting, assignments, notices)
            self.owed(cohort, meeting, assignments, given, notices)
            for inv in invs.values():
                if inv.status == "shared":
                    self.cheers(cohort, inv, notices)

    def attendance(self, cohort: Cohort, meeting: Meeting, invs: dict[int, Inv]) -> set[int]:
        """RSVPs before the session and, once held, who came; returns who is not going."""
        rng, not_going = self.rng, set()
        upcoming = not meeting.is_past and meeting is next(
            m for m in cohort.meetings if not m.is_past
        )
        for member in cohort.active_at(meeting.index):
            inv, roll = invs.get(member.user.id), rng.random()
            rsvp = "going" if roll < 0.7 else "maybe" if roll < 0.82 else None
            rsvp = "not_going" if 0.82 <= roll < 0.86 else rsvp
            if inv is not None and inv.status == "paused":
                rsvp = "not_going"
            attended = None
            if meeting.is_past:
                wrote = not member.writes or (inv is not None and inv.status == "shared")
                attended = rsvp != "not_going" and wrote and rng.random() < 0.93
                updated = meeting.starts_at + timedelta(hours=1)
            else:
                if not upcoming and rng.random() < 0.85:
                    rsvp = None
                updated = self.now - timedelta(hours=rng.randint(1, 200))
            if rsvp == "not_going":
                not_going.add(member.user.id)
            if rsvp is None and attended is None:
                continue
            self.spools["attendances"].add(
                next(self.attendance_ids), meeting.id, member.user.id, rsvp, attended, updated
            )
        return not_going

    def assign(self, cohort: Cohort, meeting: Meeting, invs: dict[int, Inv], notices: Notices):
        """The rotation: each shared inventory gets two reviewers among the members who did
        not pause, load spread evenly, the pairing shifting month by month."""
        givers = [
            m.user
            for m in cohort.active_at(meeting.index)
            if not (m.user.id in invs and invs[m.user.id].status == "paused")
        ]
        shared = [inv for inv in invs.values() if inv.status == "shared"]
        if len(givers) < 2 or not shared:
            return []
        made, cursor, organizer = [], meeting.index * 3, cohort.organizer.user
        for inv in shared:
            at = max(meeting.inventory_due_at, inv.shared_at) + timedelta(hours=1)
            if at >= self.now:
                continue
            chosen: list[User] = []
            while len(chosen) < min(REVIEWERS, len(givers) - 1):
                giver = givers[cursor % len(givers)]
                cursor += 1
                if giver.id != inv.user.id and giver not in chosen:
                    chosen.append(giver)
            for giver in chosen:
                self.spools["feedback_assignments"].add(
                    next(self.assignment_ids), cohort.id, meeting.id, inv.id, giver.id,
                    inv.user.id, False, organizer.id, at,
                )  # fmt: skip
                path = f"/c/{cohort.slug}/inventories/{inv.id}/feedback"
                notices.notify(
                    giver.id, cohort, "feedback_assigned", path, at, recipient=inv.user.name
                )
                made.append((giver, inv, at))
        return made

    def feedback(self, cohort: Cohort, meeting: Meeting, assignments: list, notices: Notices):
        """Most assignments are answered within days of the session; returns when each
        (giver id, inventory id) was given."""
        given: dict[tuple[int, int], datetime] = {}
        for order, (giver, inv, _assigned) in enumerate(assignments):
            at = meeting.ends_at + timedelta(days=1 + order % 5, hours=self.rng.randint(0, 10))
            if at >= meeting.feedback_due_at or at >= self.now or self.rng.random() < 0.12:
                continue
            self.one_feedback(cohort, meeting, giver, inv, at, notices)
            given[(giver.id, inv.id)] = at
        return given

    def one_feedback(self, cohort, meeting, giver: User, inv: Inv, at: datetime, notices) -> None:
        pool, rng, feedback_id = (
            self.pools[cohort.locale].feedback,
            self.rng,
            next(self.feedback_ids),
        )
        parts = []
        for part in ("ask_answer", "situation", "behaviour", "impact", "keep", "start", "stop"):
            wanted = (part != "ask_answer" or inv.asks) and (
                part not in ("keep", "start", "stop") or cohort.keep_start_stop
            )
            item = rng.choice(pool[part]) if wanted else None
            parts += [item.text, item.html] if item else ["", ""]
        question = rng.choice(pool["question"])
        picked = set(rng.sample(TRAIT_KEYS, rng.randint(1, 3)))
        traits = json.dumps([key for key in TRAIT_KEYS if key in picked])
        replied = at + timedelta(hours=22)
        reply = rng.choice(pool["reply"]) if replied < self.now and rng.random() < 0.5 else None
        helpful = reply is not None and rng.random() < 0.6
        self.spools["feedback"].add(
            feedback_id, cohort.id, meeting.id, inv.id, giver.id, inv.user.id, *parts,
            question.text, question.html, traits, reply.text if reply else "",
            reply.html if reply else "", replied if reply else None, helpful,
            rng.random() < 0.15, at, at,
        )  # fmt: skip
        page = f"/c/{cohort.slug}/inventories/{inv.id}"
        notices.notify(
            inv.user.id, cohort, "feedback_received", page + "#feedback", at, giver=giver.name
        )
        if reply:
            anchor, name = f"{page}#feedback-{feedback_id}", inv.user.name
            notices.notify(giver.id, cohort, "feedback_replied", anchor, replied, recipient=name)
        if helpful:
            notices.claim(giver.id, "feedback_helpful", f"feedback-{feedback_id}", replied)
            notices.notify(giver.id, cohort, "feedback_helpful", anchor, replied, recipient=name)

    def owed(self, cohort, meeting: Meeting, assignments: list, given: dict, notices) -> None:
        """The feedback-owed reminders: when assigned, and a day before the due time."""
        by_giver: dict[int, list] = {}
        for giver, inv, at in assignments:
            by_giver.setdefault(giver.id, []).append((giver, inv, at))
        for rows in by_giver.values():
            giver = rows[0][0]
            moments = {"assigned": min(at for _g, _i, at in rows)}
            moments["T-1d"] = meeting.feedback_due_at - timedelta(days=1)
            for label, moment in moments.items():
                owed = [
                    inv for _g, inv, _a in rows if given.get((giver.id, inv.id), self.now) > moment
                ]
                if owed and moment < self.now:
                    key = f"meeting-{meeting.id}:{label}"
                    notices.reminder(
                        giver, cohort, "feedback_owed", key, moment,
                        meeting=meeting.title, count=len(owed),
                    )  # fmt: skip

    def cheers(self, cohort: Cohort, inv: Inv, notices: Notices) -> None:
        """A few peers cheer the month, more of them its milestones."""
        fans = [m.user for m in cohort.active_at(inv.meeting.index) if m.user.id != inv.user.id]
        keys = [("", self.rng.randint(0, 3))]
        if inv.ordinal == 1:
            keys.append(("first", self.rng.randint(2, 4)))
        if inv.ordinal and inv.ordinal % 12 == 0:
            keys.append((f"year-{inv.ordinal // 12}", self.rng.randint(2, 4)))
        keys += [(f"goal-{goal_id}", self.rng.randint(1, 3)) for goal_id in inv.achieved]
        path = f"/c/{cohort.slug}/inventories/{inv.id}#cheers"
        for milestone, wanted in keys:
            for offset, fan in enumerate(self.rng.sample(fans, min(wanted, len(fans)))):
                at = inv.shared_at + timedelta(
                    hours=1 + offset * 3, minutes=self.rng.randint(0, 59)
                )
                if at >= self.now:
                    continue
                self.spools["cheers"].add(next(self.cheer_ids), fan.id, inv.id, milestone, at)
                notices.notify(inv.user.id, cohort, "cheered", path, at, name=fan.name)

    def follows(self, users: list[User], now: datetime) -> None:
        """10 to 40 people each, all of them sharing a cohort with the follower."""
        for user in users:
            since: dict[int, datetime] = {}
            for cohort in user.cohorts:
                mine = next(m for m in cohort.members if m.user is user)
                for other in cohort.members:
                    if other.user is not user:
                        start = max(mine.joined_at, other.joined_at)
                        since[other.user.id] = min(since.get(other.user.id, start), start)
            wanted = min(self.rng.randint(10, 40), len(since))
            for other_id in sorted(self.rng.sample(sorted(since), wanted)):
                at = min(since[other_id] + timedelta(days=self.rng.randint(1, 60)), now)
                self.spools["follows"].add(next(self.follow_ids), user.id, other_id, at)
