"""Rate limits keyed on who is acted on or who acts, beside Flask-Limiter's per-address ones.

- Per account: a login or password reset names an email; counting per email, whatever address
  the requests come from, stops one account being tried from many machines. Unknown emails are
  counted the same way, so the answer never tells whether an account exists.
- Per member: writes that notify someone or send an email are limited per signed-in user, so
  one account cannot flood a cohort's notifications or inboxes.

Counters live in the limiter's storage (Redis in production), under its key prefix.
"""

import hashlib
import hmac
from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from .auth.services import normalize_email
from .extensions import limiter


def check_only_views_limits(app: Flask) -> None:
    """Flask-Limiter looks, before every request, for limits set on the whole app or on a
    blueprint: about 0.1 ms of a page that costs 3–5 ms. Cohort sets none. Each of its
    limits decorates its view (``limiter.limit``, ``per_member``), and the decorator checks
    it itself. So that look is left out, as long as no app-wide, default or blueprint limit
    is set (the look is kept if one is, as by ``COHORT_RATELIMIT_DEFAULT``). Call it once
    the blueprints are registered."""
    manager = limiter.limit_manager
    if manager.application_limits or manager.default_limits or manager._blueprint_limits:
        return
    check = limiter._check_request_limit
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [hook for hook in hooks if hook != check]


def email_key(email: str) -> str:
    """A stable key for an email address that does not store the address itself."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, normalize_email(email).encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def _identifiers(scope: str, key: str) -> list[str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return [prefix, key, scope] if prefix else [key, scope]


def _run(check: Callable[[], bool]) -> bool:
    if not (limiter.enabled and limiter.initialized):
        return True
    try:
        return check()
    except Exception:
        if current_app.config.get("RATELIMIT_SWALLOW_ERRORS"):
            current_app.logger.exception("rate-limit storage failed")
            return True
        raise


def within(config_key: str, key: str) -> bool:
    """True while ``key`` is under every limit of ``config[config_key]`` (counts nothing)."""
    items = parse_many(current_app.config[config_key])
    ids = _identifiers(config_key, key)
    return _run(lambda: all(limiter.limiter.test(item, *ids) for item in items))


def hit(config_key: str, key: str) -> bool:
    """Count one for ``key``; False when that went over one of the limits."""
    items = parse_many(current_app.config[config_key])
    ids = _identifiers(config_key, key)

    def count_each() -> bool:
        results = [limiter.limiter.hit(item, *ids) for item in items]  # every limit counts
        return all(results)

    return _run(count_each)


def _user_or_address() -> str:
    if current_user.is_authenticated:
        return f"user-{current_user.id}"
    return get_remote_address()  # login_required turns them away anyway


def per_member(config_key: str):
    """Decorate a view: its POSTs count against ``config[config_key]`` for the signed-in
    member, shared by every view decorated with the same key; over it, the 429 page."""
    return limiter.shared_limit(
        lambda: current_app.config[config_key],
        scope=config_key.lower(),
        key_func=_user_or_address,
        methods=["POST"],
    )
