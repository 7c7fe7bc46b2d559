"""Accounts and password-reset tokens."""

import hmac
import secrets
import time
from datetime import datetime
from functools import cache

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Select,
    String,
    Text,
    bindparam,
    delete,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, query_expression, with_expression

from ..database import UTCDateTime, utcnow
from ..extensions import db

CREDENTIALS = ("password_hash", "email")  # changing either revokes outstanding reset links


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # always case-folded
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    # Part of the Flask-Login id: rotating it ends every other session and remember-me cookie.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # The personal calendar feed URL's secret, stored only as a hash; None: no feed.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # When the user last opened a page (to the hour): the pre-session digest goes only to
    # members who have not been here since the last one.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The bell's count, read with the signed-in user's row by ``load_user`` (None elsewhere):
    # every page shows it, so it costs no statement of its own.
    unread_notifications: Mapped[int | None] = query_expression()

    # When this sign-in began (Unix seconds): set by ``sessions.start_session`` and kept by
    # ``load_user``, so the id below carries it into the session and remember-me cookies.
    signed_in_at = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}:{self.signed_in_at or int(time.time())}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


@cache
def _signed_in_user() -> Select:
    """The signed-in user's row with the bell's count. Every request of a signed-in member
    runs it, so it is built once per process and takes the id as a parameter."""
    from ..delivery.models import Notification

    unread = (
        select(func.count())
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    return (
        select(User)
        .where(User.id == bindparam("user_id"))
        .options(with_expression(User.unread_notifications, unread))
    )


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id must carry the user's current session token and a
    sign-in moment within the session lifetime (see ``sessions``)."""
    from .sessions import is_past_lifetime

    raw_id, token, signed_in = [*user_id.split(":"), "", ""][:3]
    if not raw_id.isdigit() or not token or not signed_in.isdigit():
        return None
    if is_past_lifetime(int(signed_in)):
        return None
    user = db.session.scalar(_signed_in_user(), {"user_id": int(raw_id)})
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    user.signed_in_at = int(signed_in)
    return user


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Only the SHA-256 of the token is stored; the token itself exists only in the email.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@event.listens_for(Session, "before_flush")
def _revoke_reset_links_when_credentials_change(session, flush_context, instances) -> None:
    """A reset link is for the password and address it was sent for: once either changes
    (in settings, through a reset, from the command line), every outstanding link dies."""
    changed = [
        user.id
        for user in session.dirty
        if isinstance(user, User)
        and user.id is not None
        and any(inspect(user).attrs[name].history.has_changes() for name in CREDENTIALS)
    ]
    if changed:
        session.execute(
            delete(PasswordResetToken)
            .where(PasswordResetToken.user_id.in_(changed))
            .execution_options(synchronize_session=False)
        )
