"""The demo's short form: the organizer picks the cohort's core questions, and one member,
busy this season, writes the short form (their other answers stay as they were)."""

from ..writing.shortform import choose_form, save_setting

# What a busy month still needs: what happened, what to keep or fix, what was learned, what
# to try next, and where help is wanted.
CORE = ["did", "keep_problem", "learned", "try", "blockers"]


def short_form_user(story) -> str:
    """The second member of the roster (the first writes with the companion)."""
    members = [person.key for person in story.people if person.role == "member"]
    return members[1] if len(members) > 1 else members[0]


def offer_the_short_form(replay) -> None:
    save_setting(replay.organizer, replay.cohort, CORE, default_short=False)
    choose_form(replay.users[short_form_user(replay.story)], True)
