"""Account use cases. Each one flushes; the caller (view, command, test) commits."""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select, update

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..markdown import render_markdown
from ..passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    is_common_password,
    needs_rehash,
    verify_password,
)
from ..tokens import hash_token, new_token
from .models import PasswordResetToken, User, new_session_token

# Verifying against this when the email is unknown keeps login timing the same either way.
_UNKNOWN_USER_HASH: str | None = None


def normalize_email(email: str) -> str:
    return email.strip().casefold()


def check_password_policy(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("Use at least %(n)d characters.", n=MIN_LENGTH), field)
    if len(password) > MAX_LENGTH:
        raise DomainError(_l("Use at most %(n)d characters.", n=MAX_LENGTH), field)
    if is_common_password(password):
        raise DomainError(
            _l("This password is one of the most common ones. Please choose another."), field
        )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def register_user(email: str, display_name: str, password: str, locale: str, timezone: str) -> User:
    """Create an account; raises DomainError when the email is taken or the password weak."""
    if find_user_by_email(email) is not None:
        raise DomainError(_l("An account with this email already exists."), "email")
    check_password_policy(password)
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        locale=locale,
        timezone=timezone,
        last_seen_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None. Upgrades an outdated hash on the way."""
    global _UNKNOWN_USER_HASH
    user = find_user_by_email(email)
    if user is None:
        if _UNKNOWN_USER_HASH is None:
            _UNKNOWN_USER_HASH = hash_password("not a real password")
        verify_password(_UNKNOWN_USER_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_seen_at = utcnow()
    db.session.flush()
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie of this user."""
    user.session_token = new_session_token()
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Needs the current password; ends the user's other sessions."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_l("The current password is not correct."), "current_password")
    check_password_policy(new_password, "new_password")
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)


EMAIL_CHANGE_SALT = "email-change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600  # seconds a confirmation link stays valid


def _email_change_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EMAIL_CHANGE_SALT)


def _check_new_email(user: User, new_email: str) -> str:
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise DomainError(_l("This is already your email address."), "email")
    if find_user_by_email(new_email) is not None:
        raise DomainError(_l("An account with this email already exists."), "email")
    return new_email


def request_email_change(user: User, new_email: str) -> tuple[str, str]:
    """Check the new address and return it with a signed confirmation token for a link sent
    to it. Nothing changes until that link is used: a typo cannot lock anyone out."""
    new_email = _check_new_email(user, new_email)
    token = _email_change_serializer().dumps([user.id, user.email, new_email])
    return new_email, token


def pending_email_change(user: User, token: str) -> str | None:
    """The new address a confirmation token carries for this user, or None when the token is
    forged, expired, someone else's or already used (the account's address has moved on)."""
    try:
        user_id, old_email, new_email = _email_change_serializer().loads(
            token, max_age=EMAIL_CHANGE_MAX_AGE
        )
    except (BadSignature, TypeError, ValueError):
        return None
    if user_id != user.id or old_email != user.email:
        return None
    return new_email


def confirm_email_change(user: User, token: str) -> str:
    """Switch to the confirmed address and return the old one, which the caller tells."""
    new_email = pending_email_change(user, token)
    if new_email is None:
        raise DomainError(_l("This confirmation link has expired or was already used."))
    new_email = _check_new_email(user, new_email)
    old_email, user.email = user.email, new_email
    db.session.flush()
    return old_email


def update_profile(user: User, display_name: str, locale: str, timezone: str, bio: str) -> None:
    user.display_name = display_name.strip()
    user.locale = locale
    user.timezone = timezone
    user.bio = bio.strip()
    user.bio_html = render_markdown(user.bio)
    db.session.flush()


@dataclass(frozen=True)
class ResetRequest:
    user: User
    token: str


def request_password_reset(email: str) -> ResetRequest | None:
    """Issue a reset token for this email's account (None if there is none).

    Earlier tokens of the user die here: only the newest link works.
    """
    user = find_user_by_email(email)
    if user is None:
        return None
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    token, token_hash = new_token()
    now = utcnow()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + current_app.config["PASSWORD_RESET_MAX_AGE"],
        )
    )
    db.session.flush()
    return ResetRequest(user, token)


def find_valid_reset_token(token: str) -> PasswordResetToken | None:
    return db.session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == hash_token(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > utcnow(),
        )
    )


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset token, once. Ends every session of the user."""
    check_password_policy(new_password)
    reset = find_valid_reset_token(token)
    if reset is None:
        raise DomainError(_l("This reset link has expired or was already used."))
    # The conditional UPDATE makes the token single-use even under two simultaneous requests.
    claimed = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == reset.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise DomainError(_l("This reset link has expired or was already used."))
    user = db.session.get(User, reset.user_id)
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    return user


def make_admin(email: str, display_name: str | None, password: str | None) -> User:
    """Make the account with this email a site administrator, creating it if needed."""
    user = find_user_by_email(email)
    if user is None:
        if not password:
            raise DomainError(_l("A password is needed to create the account."), "password")
        user = register_user(email, display_name or email.split("@")[0], password, "en", "UTC")
    user.is_admin = True
    db.session.flush()
    return user
