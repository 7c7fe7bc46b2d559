"""Cohort chat webhooks (Slack-compatible and Discord incoming webhooks).

Only short, prepared lines are posted (a session tomorrow, how many have shared): never
anyone's inventory text. Addresses must be https and must not lead to this server's own
network unless the server allows it (``CHAT_WEBHOOK_ALLOW_PRIVATE``, for local tests): a
webhook is a URL anyone organizing a cohort can set, so it is checked when it is saved and
again before every post (the name may point elsewhere by then).
"""

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...i18n import lazy_gettext as _l
from ..models import ChatWebhook
from ..notices import notify
from ..transport import Outcome, Result
from .base import Channel, Claimed, register

NAME = "webhook"
STYLES = {"slack": _l("Slack or compatible"), "discord": _l("Discord")}
SWITCH_OFF_AFTER = 3  # messages failed for good in a row
MAX_ERROR = 500


def _allow_private() -> bool:
    return bool(current_app.config.get("CHAT_WEBHOOK_ALLOW_PRIVATE"))


def url_problem(url: str, *, allow_private: bool | None = None) -> str | None:
    """Why a webhook (or push service) address cannot be used, or None. ``allow_private``:
    the server's own setting for this kind of address (the chat's when not given)."""
    private = _allow_private() if allow_private is None else allow_private
    parts = urlsplit(url)
    allowed = ("https", "http") if private else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        return str(_l("Use an https:// address."))
    if private:
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (OSError, UnicodeError):
        return str(_l("This address does not lead anywhere."))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            return str(_l("This address leads into a private network."))
    return None


def body_of(style: str, text: str) -> bytes:
    key = "content" if style == "discord" else "text"
    return json.dumps({key: text}).encode()


@dataclass(frozen=True)
class Target:
    url: str
    style: str


def post(target: Target, text: str, timeout: float) -> Result:
    """POST one message: 2xx sent; 404/410 (the webhook was deleted), other 4xx refusals and
    redirects permanent; 429, 5xx, timeouts and broken connections temporary."""
    problem = url_problem(target.url)
    if problem:
        return Result(0, Outcome.PERMANENT, problem)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        target.url,
        data=body_of(target.style, text),
        headers={"Content-Type": "application/json", "User-Agent": "Cohort"},
        method="POST",
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        permanent = error.code < 500 and error.code not in (408, 429)
        outcome = Outcome.PERMANENT if permanent else Outcome.TEMPORARY
        return Result(0, outcome, f"HTTP {error.code}"[:MAX_ERROR])
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Result(0, Outcome.TEMPORARY, f"{type(error).__name__}: {error}"[:MAX_ERROR])
    return Result(0, Outcome.SENT)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere, a private address included: it is a refusal."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class WebhookChannel:
    name = NAME

    def targets(self, batch: list[Claimed]) -> dict[int, object]:
        cohort_ids = {message.cohort_id for message in batch}
        hooks = {
            hook.cohort_id: Target(hook.url, hook.style)
            for hook in db.session.scalars(
                select(ChatWebhook).where(
                    ChatWebhook.cohort_id.in_(cohort_ids), ChatWebhook.enabled.is_(True)
                )
            )
        }
        return {m.id: hooks[m.cohort_id] for m in batch if m.cohort_id in hooks}

    def send(self, message: Claimed, target: object) -> Result:
        assert isinstance(target, Target)
        timeout = current_app.config["CHANNEL_TIMEOUT"]
        result = post(target, str(message.payload.get("text", "")), timeout)
        return Result(message.id, result.outcome, result.error)

    def failed_for_good(self, message: Claimed, result: Result, now: datetime) -> None:
        hook = db.session.get(ChatWebhook, message.cohort_id)
        if hook is None or not hook.enabled:
            return
        hook.failures += 1
        gone = result.error in ("HTTP 404", "HTTP 410")
        if gone or hook.failures >= SWITCH_OFF_AFTER:
            hook.enabled = False
            hook.switched_off_at = now
            if hook.set_by_id is not None:
                notify(
                    hook.set_by_id,
                    "chat_switched_off",
                    cohort_id=hook.cohort_id,
                    url=str(message.payload.get("settings_url", "")),
                    cohort=str(message.payload.get("cohort", "")),
                )

    def went_through(self, messages: list[Claimed]) -> None:
        """A post went through: the chat's failures start again from zero."""
        cohort_ids = {message.cohort_id for message in messages}
        if cohort_ids:
            db.session.execute(
                ChatWebhook.__table__.update()
                .where(ChatWebhook.cohort_id.in_(cohort_ids), ChatWebhook.failures > 0)
                .values(failures=0)
            )


CHANNEL: Channel = WebhookChannel()
register(CHANNEL)
