"""Web Push: notifications on a member's browsers and phones, sent with VAPID (pywebpush).

One queued message per device (its payload names the subscription). A push service's 404 or
410 means the browser dropped the subscription: it is deleted at once. 429, 5xx, timeouts and
broken connections are retried with the outbox's backoff; a device whose messages keep
failing for good is removed and its owner told in the bell. Only a title, the in-app sentence
and a link are sent: never anyone's inventory text.
"""

import base64
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid, Vapid01
from pywebpush import WebPushException, webpush
from sqlalchemy import select, update

from ...database import utcnow
from ...emails import external_url
from ...extensions import db
from ..models import PushSubscription
from ..notices import notify
from ..transport import Outcome, Result
from .base import Channel, Claimed, register
from .webhook import url_problem

NAME = "push"
SWITCH_OFF_AFTER = 3  # messages failed for good in a row
TTL = 12 * 60 * 60  # a push service keeps a message this long for a device that is offline
MAX_ERROR = 500


def allow_private() -> bool:
    return bool(current_app.config.get("PUSH_ALLOW_PRIVATE"))


def endpoint_problem(endpoint: str) -> str | None:
    """Why a push service address cannot be used (https, a public host), or None."""
    return url_problem(endpoint, allow_private=allow_private())


# VAPID keys ---------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_keys() -> dict[str, str]:
    """A new VAPID key pair, base64url: the raw 32-byte private key and the uncompressed
    public point (what ``VAPID_PRIVATE_KEY`` and ``VAPID_PUBLIC_KEY`` hold)."""
    vapid = Vapid()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"private_key": _b64(private), "public_key": _b64(public)}


def _kept_keys(instance: Path) -> dict[str, str]:
    """A key pair made once and kept in instance/vapid.json (0600), so development works out
    of the box and subscriptions survive restarts."""
    path = instance / "vapid.json"
    if path.exists():
        return json.loads(path.read_text())
    instance.mkdir(parents=True, exist_ok=True)
    keys = generate_keys()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(keys, file)
    return keys


@dataclass(frozen=True)
class Keys:
    vapid: Vapid01
    public_key: str  # base64url of the uncompressed point: the browser's applicationServerKey
    subject: str


def keys() -> Keys:
    """The server's VAPID keys: from the configuration, else kept under instance/."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cached = app.extensions.get("cohort_vapid")
    if cached is None:
        config = app.config
        private, public = config.get("VAPID_PRIVATE_KEY"), config.get("VAPID_PUBLIC_KEY")
        if not private:
            kept = _kept_keys(Path(app.instance_path))
            private, public = kept["private_key"], kept["public_key"]
        vapid = Vapid.from_string(private)  # RFC 8292: "vapid t=…, k=…"
        if not public:
            public = _b64(
                vapid.public_key.public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
                )
            )
        cached = Keys(vapid, public, config.get("VAPID_SUBJECT") or _default_subject())
        app.extensions["cohort_vapid"] = cached
    return cached


def _default_subject() -> str:
    """Push services want a way to reach the sender: the site's https address, else the
    sender's email address."""
    base = current_app.config["BASE_URL"]
    if base.startswith("https://"):
        return base
    sender = str(current_app.config.get("MAIL_DEFAULT_SENDER") or "cohort@localhost")
    return "mailto:" + sender.rsplit("<", 1)[-1].rstrip(">").strip()


# Sending ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str


_local = threading.local()


def _session() -> requests.Session:
    """One HTTP session per thread, so that pushes to the same service reuse its connection;
    no proxies from the environment and no redirects (a redirect could lead anywhere)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.trust_env = False
        session.max_redirects = 0
        _local.session = session
    return session


def push(target: Target, payload: dict, timeout: float) -> Result:
    """Encrypt and send one notification: 2xx sent; 404/410 (the subscription is gone) and
    other 4xx refusals permanent; 408, 429, 5xx, timeouts and broken connections temporary."""
    problem = endpoint_problem(target.endpoint)
    if problem:
        return Result(0, Outcome.PERMANENT, problem)
    server = keys()
    info = {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}}
    try:
        webpush(
            info,
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=server.vapid,
            vapid_claims={"sub": server.subject},
            timeout=(timeout, timeout),
            ttl=TTL,
            requests_session=_session(),
        )
    except WebPushException as error:
        code = error.response.status_code if error.response is not None else 0
        permanent = 0 < code < 500 and code not in (408, 429)
        return Result(0, Outcome.PERMANENT if permanent else Outcome.TEMPORARY, f"HTTP {code}")
    except requests.Timeout as error:
        return Result(0, Outcome.TEMPORARY, f"timed out: {error}"[:MAX_ERROR])
    except requests.TooManyRedirects:
        return Result(0, Outcome.PERMANENT, "redirected")
    except (requests.RequestException, OSError, ValueError) as error:
        return Result(0, Outcome.TEMPORARY, f"{type(error).__name__}: {error}"[:MAX_ERROR])
    return Result(0, Outcome.SENT)


def target_of(subscription: PushSubscription) -> Target:
    return Target(subscription.id, subscription.endpoint, subscription.p256dh, subscription.auth)


class PushChannel:
    name = NAME

    def targets(self, batch: list[Claimed]) -> dict[int, object]:
        ids = {message.payload.get("subscription") for message in batch}
        found = {
            subscription.id: target_of(subscription)
            for subscription in db.session.scalars(
                select(PushSubscription).where(PushSubscription.id.in_(ids))
            )
        }
        wanted = {m.id: m.payload.get("subscription") for m in batch}
        return {mid: found[sid] for mid, sid in wanted.items() if sid in found}

    def send(self, message: Claimed, target: object) -> Result:
        assert isinstance(target, Target)
        timeout = float(current_app.config["PUSH_TIMEOUT"])
        payload = {key: message.payload.get(key, "") for key in ("title", "body", "url", "tag")}
        result = push(target, payload, timeout)
        return Result(message.id, result.outcome, result.error)

    def failed_for_good(self, message: Claimed, result: Result, now: datetime) -> None:
        subscription = db.session.get(PushSubscription, message.payload.get("subscription"))
        if subscription is not None:
            forget(subscription, result.error, now)

    def went_through(self, messages: list[Claimed]) -> None:
        """A push went through: the device's failures start again from zero."""
        ids = {message.payload.get("subscription") for message in messages}
        if ids:
            db.session.execute(
                update(PushSubscription)
                .where(PushSubscription.id.in_(ids))
                .values(failures=0, last_success_at=utcnow())
            )


def forget(subscription: PushSubscription, error: str, now: datetime) -> bool:
    """Count a message that failed for good against its device; delete the device when the
    push service says it is gone (at once, quietly) or when it keeps failing (with a notice
    to its owner). Returns whether it was deleted."""
    if error in ("HTTP 404", "HTTP 410"):
        db.session.delete(subscription)
        return True
    subscription.failures += 1
    if subscription.failures < SWITCH_OFF_AFTER:
        return False
    notify(
        subscription.user_id,
        "push_device_removed",
        url=external_url("notifications.preferences"),
        device=subscription.label or "",
    )
    db.session.delete(subscription)
    return True


CHANNEL: Channel = PushChannel()
register(CHANNEL)
