"""How long a sign-in lasts: a new session at every sign-in, an idle timeout, a lifetime.

- Signing in starts from an empty session: nothing of the anonymous one (its CSRF token,
  a half-finished flow) is carried into the signed-in one.
- Without "remember me", a session unused for ``SESSION_IDLE_TIMEOUT`` seconds ends.
- No sign-in, remembered or not, outlives ``SESSION_LIFETIME`` seconds. The moment of signing
  in travels inside the signed user id (``User.get_id``), so it reaches both the session and
  the remember-me cookie, and ``load_user`` refuses an id older than the lifetime whatever a
  browser does with cookie expiry dates.
"""

import time

from flask import Flask, current_app, flash, request, session
from flask_login import login_user, logout_user, user_loaded_from_cookie

from ..i18n import gettext as _
from .models import User

REMEMBERED = "remembered"
SEEN = "seen_at"
SEEN_RESOLUTION = 60  # seconds: the session cookie changes at most once a minute for this


def now() -> int:
    return int(time.time())


def start_session(user: User, remember: bool = False) -> None:
    """Sign the user in on a brand-new session."""
    session.clear()
    user.signed_in_at = now()
    login_user(user, remember=remember)
    session.permanent = True
    session[REMEMBERED] = remember
    session[SEEN] = now()


def is_past_lifetime(signed_in_at: int) -> bool:
    return now() - signed_in_at > current_app.config["SESSION_LIFETIME"]


def init_app(app: Flask) -> None:
    app.before_request(end_idle_session)
    user_loaded_from_cookie.connect(_remembered_again, app)


def end_idle_session() -> None:
    """Log out a session that was not remembered and has been idle too long. Static files
    leave the session alone, so their answers never carry a session cookie."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    seen = session.get(SEEN)
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    if not session.get(REMEMBERED) and (seen is None or now() - seen > idle):
        logout_user()
        session.clear()
        flash(
            _(
                "You were logged out after %(num)d hours without activity. Please log in again.",
                num=idle // 3600,
            ),
            "info",
        )
        return
    if seen is None or now() - seen >= SEEN_RESOLUTION:
        session[SEEN] = now()


def _remembered_again(app: Flask, user: User) -> None:
    """Back through the remember-me cookie: the new session is a remembered one."""
    session[REMEMBERED] = True
    session[SEEN] = now()
