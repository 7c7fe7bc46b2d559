"""A browser's side of Web Push for the tests: its own key pair and auth secret, so a test
can read what the server encrypted for it; and the fixtures of a local push service."""

import base64
import json
import os

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cohort.delivery.models import PushSubscription
from cohort.extensions import db

from .http_sinks import Sink


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """A browser's side of a subscription: its own key pair and auth secret, so the test can
    read what the server encrypted for it."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def json(self) -> dict:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(public), "auth": b64(self.auth)}}

    def read(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@pytest.fixture
def local_push(app):
    app.config.update(PUSH_ALLOW_PRIVATE=True, PUSH_TIMEOUT=0.5)
    yield
    app.config.update(PUSH_ALLOW_PRIVATE=False, PUSH_TIMEOUT=10)


@pytest.fixture
def sink():
    with Sink() as running:
        running.status = 201  # what push services answer
        yield running


def subscribe(user, device: Device) -> PushSubscription:
    subscription = PushSubscription(
        user_id=user.id,
        endpoint=device.endpoint,
        p256dh=device.json()["keys"]["p256dh"],
        auth=device.json()["keys"]["auth"],
        label="Chrome on Android",
        failures=0,
    )
    db.session.add(subscription)
    db.session.commit()
    return subscription
