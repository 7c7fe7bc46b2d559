"""Starting points for a personal note: a few short texts, written in the member's language,
that the organizer edits before sending."""

from flask_babel import force_locale

from ..auth.models import User
from ..i18n import lazy_gettext as _l

# key → (what the organizer picks, the text). %(name)s is the member, %(organizer)s the sender.
NOTE_TEMPLATES = {
    "checking_in": (
        _l("Checking in"),
        _l("Hi %(name)s, I have not heard from you in a while and wanted to check in. No "
           "pressure at all: if a month has been too full to write, that is fine. Is there "
           "anything that would make it easier? — %(organizer)s"),
    ),
    "energy": (
        _l("Energy has been low"),
        _l("Hi %(name)s, I noticed your energy has been low lately. Would you like to talk "
           "before or after the next session? Even a short chat can help. — %(organizer)s"),
    ),
    "goals": (
        _l("Goals feel stuck"),
        _l("Hi %(name)s, goals sometimes stand still for a while, and that is normal. If it "
           "helps, we could look at them together and find one small next step. — %(organizer)s"),
    ),
    "help": (
        _l("Your request for help"),
        _l("Hi %(name)s, you asked for help in your inventory and I want to make sure it does "
           "not go unanswered. Could you tell me a little more, or shall I ask someone in the "
           "cohort who knows the topic? — %(organizer)s"),
    ),
}  # fmt: skip

# The template a signal suggests first.
SUGGESTED = {
    "not_shared": "checking_in",
    "energy": "energy",
    "goals_stalled": "goals",
    "feedback_owed": "checking_in",
    "no_try": "goals",
    "help_unanswered": "help",
}


def note_text(key: str, member: User, organizer: User) -> str:
    """The template's text in the member's language, ready to edit."""
    _label, text = NOTE_TEMPLATES.get(key, NOTE_TEMPLATES["checking_in"])
    with force_locale(member.locale):
        return str(text) % {"name": member.display_name, "organizer": organizer.display_name}
