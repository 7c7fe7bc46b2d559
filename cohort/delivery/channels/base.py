"""The channel interface: what a channel must do for ``sending`` to carry its messages."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..transport import Result


@dataclass(frozen=True)
class Claimed:
    """A channel message as this sender claimed it: its own until the lease ends."""

    id: int
    attempts: int
    channel: str
    cohort_id: int | None
    kind: str
    payload: dict


class Channel(Protocol):
    name: str

    def targets(self, batch: list[Claimed]) -> dict[int, object]:
        """Where each message of a batch goes now, by message id; a message missing here is
        skipped (its target was removed or switched off). Reads the database."""
        ...

    def send(self, message: Claimed, target: object) -> Result:
        """Send one message; no database access (no transaction is open)."""
        ...

    def failed_for_good(self, message: Claimed, result: Result, now: datetime) -> None:
        """A message failed for good: count it against its target, and switch the target off
        (telling whom it concerns in the bell) when it keeps failing. In the caller's
        transaction."""
        ...

    def went_through(self, messages: list[Claimed]) -> None:
        """These messages were sent: their targets' run of failures is over."""
        ...


CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    CHANNELS[channel.name] = channel
