"""A member's devices for Web Push and their push choices per kind.

A subscription comes from the browser as JSON (endpoint and keys); it is checked here before
it is kept: an https push service on a public host, keys of the right size, at most
``PUSH_MAX_DEVICES`` devices per account. Push choices sit beside the email ones
(``notices.EMAIL_KINDS``) in a table of their own: a kind that is absent follows its default
(``PUSH_KINDS``), so email's unsubscribe links and preferences stay as they were.
"""

import base64
import binascii
import hmac
import re
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from ..auth.models import User
from ..database import utcnow
from ..emails import external_url
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from .channels import push
from .channels.push import endpoint_problem
from .models import PushPreference, PushSubscription
from .notices import store_choices
from .transport import Outcome

# Kinds that may reach a device, with their default once a device is on: the reminders that
# are worth a buzz on, the digest off (it is long reading, better in email).
PUSH_KINDS: dict[str, bool] = {
    "inventory_due": True,
    "session_soon": True,
    "session_changes": True,
    "organizer_reminders": True,
    "nudge": True,
    "feedback_owed": True,
    "digest": False,
}
MAX_ENDPOINT = 800


class Refused(ValueError):
    """A subscription that cannot be kept, with a sentence to show the member."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def _decoded(value: object) -> bytes | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _checked(data: object) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) of a browser's subscription JSON, or ``Refused``."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise Refused(_l("This is not a push subscription."))
    endpoint, keys = data.get("endpoint"), data["keys"]
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise Refused(_l("This is not a push subscription."))
    problem = endpoint_problem(endpoint)
    if problem:
        raise Refused(problem)
    p256dh, auth = _decoded(keys.get("p256dh")), _decoded(keys.get("auth"))
    if p256dh is None or len(p256dh) != 65 or p256dh[0] != 4 or auth is None or len(auth) != 16:
        raise Refused(_l("The subscription's keys are not valid."))
    return endpoint, keys["p256dh"], keys["auth"]


BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def label_of(user_agent: str) -> str:
    """A short name for a device from its User-Agent ("Chrome on Android"), in the member's
    language; never the whole string."""
    agent = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in agent), None)
    if browser is None and re.search(r"Version/[\d.]+.*Safari/", agent):
        browser = "Safari"
    system = next((name for mark, name in SYSTEMS if mark in agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)[:80]
    return browser or system or _("A web browser")


def subscribe(user: User, data: object, user_agent: str) -> PushSubscription:
    """Keep a device's subscription for ``user`` (the browser's JSON); the caller commits.

    A browser subscribed again keeps its row; one that another account subscribed now belongs
    to whoever turned notifications on last on it."""
    endpoint, p256dh, auth = _checked(data)
    subscription = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    if subscription is not None and subscription.user_id != user.id:
        db.session.delete(subscription)
        db.session.flush()
        subscription = None
    if subscription is None:
        limit = int(current_app.config["PUSH_MAX_DEVICES"])
        if len(devices(user)) >= limit:
            raise Refused(
                _l(
                    "Notifications are on for %(count)d devices already: remove one first.",
                    count=limit,
                )
            )
        subscription = PushSubscription(user_id=user.id, endpoint=endpoint, created_at=utcnow())
        db.session.add(subscription)
    subscription.p256dh, subscription.auth = p256dh, auth
    subscription.label, subscription.failures = label_of(user_agent), 0
    db.session.flush()
    return subscription


def renew(old: object, new: object) -> PushSubscription:
    """Move a device to the subscription its browser replaced it with (the service worker's
    ``pushsubscriptionchange``); the caller commits.

    The old subscription's ``auth`` secret, known only to that browser and to the server,
    proves the request comes from the device itself, so a renewal needs no session (the
    browser may change a subscription long after its last visit)."""
    old_endpoint = old.get("endpoint") if isinstance(old, dict) else None
    old_keys = old.get("keys") if isinstance(old, dict) else None
    old_auth = old_keys.get("auth") if isinstance(old_keys, dict) else None
    if not isinstance(old_endpoint, str) or not isinstance(old_auth, str):
        raise Refused(_l("This is not a push subscription."))
    subscription = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == old_endpoint)
    )
    if subscription is None or not hmac.compare_digest(subscription.auth, old_auth):
        raise Refused(_l("This device does not receive notifications here."))
    endpoint, p256dh, auth = _checked(new)
    taken = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.id != subscription.id
        )
    )
    if taken is not None:  # the browser was subscribed again already: keep one row
        db.session.delete(taken)
        db.session.flush()
    subscription.endpoint, subscription.p256dh, subscription.auth = endpoint, p256dh, auth
    subscription.failures = 0
    db.session.flush()
    return subscription


def devices(user: User) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.created_at, PushSubscription.id)
        )
    )


def device_of(user: User, device_id: int) -> PushSubscription | None:
    """One of the user's own devices (None for anyone else's)."""
    subscription = db.session.get(PushSubscription, device_id)
    return subscription if subscription and subscription.user_id == user.id else None


def push_choices(user_ids: Iterable[int], kinds: Iterable[str]) -> set[tuple[int, str]]:
    """(user, kind) pairs for which push is on, for users with a device: one query each for
    devices and choices, whatever the number of users."""
    ids, wanted = sorted(set(user_ids)), [kind for kind in set(kinds) if kind in PUSH_KINDS]
    if not ids or not wanted:
        return set()
    with_device = set(
        db.session.scalars(
            select(PushSubscription.user_id)
            .where(PushSubscription.user_id.in_(ids))
            .group_by(PushSubscription.user_id)
        )
    )
    chosen = {
        (user_id, kind): enabled
        for user_id, kind, enabled in db.session.execute(
            select(PushPreference.user_id, PushPreference.kind, PushPreference.enabled).where(
                PushPreference.user_id.in_(sorted(with_device)), PushPreference.kind.in_(wanted)
            )
        )
    }
    return {
        (user_id, kind)
        for user_id in with_device
        for kind in wanted
        if chosen.get((user_id, kind), PUSH_KINDS[kind])
    }


def push_preferences(user: User) -> dict[str, bool]:
    """The member's push choice per kind (defaults where they chose nothing)."""
    chosen = dict(
        db.session.execute(
            select(PushPreference.kind, PushPreference.enabled).where(
                PushPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: chosen.get(kind, default) for kind, default in PUSH_KINDS.items()}


def set_push_preferences(user: User, enabled: dict[str, bool]) -> None:
    store_choices(PushPreference, user, PUSH_KINDS, enabled)


def send_test(user: User, device_id: int) -> tuple[str, str] | None:
    """Send a test notification to one of ``user``'s devices now, during their request:
    ("sent" | "gone" | "failed", the device's name), None if it is not theirs. A device whose
    push service forgot it is removed. No transaction stays open while the push service is
    waited for; the caller commits what is recorded after."""
    subscription = device_of(user, device_id)
    if subscription is None:
        return None
    target, label = push.target_of(subscription), subscription.label
    db.session.commit()
    payload = {
        "title": "Cohort",
        "body": _("Notifications are on for this device."),
        "url": external_url("notifications.preferences"),
        "tag": "test",
    }
    result = push.push(target, payload, float(current_app.config["PUSH_TIMEOUT"]))
    subscription = db.session.get(PushSubscription, device_id)  # removed meanwhile: None
    if result.outcome is Outcome.SENT:
        if subscription is not None:
            subscription.failures, subscription.last_success_at = 0, utcnow()
        return "sent", label
    if result.error in ("HTTP 404", "HTTP 410"):
        if subscription is not None:
            push.forget(subscription, result.error, utcnow())
        return "gone", label
    return "failed", label
