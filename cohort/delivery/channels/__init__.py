"""Channels other than email: each implements ``base.Channel`` and is sent by ``sending``
with the outbox's rules (retries with backoff, permanent failures, leases)."""
