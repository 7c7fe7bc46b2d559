"""The delivery core: the ledger, the email outbox and its sender, in-app notifications.

It imports no feature (tests/test_layers.py checks it): features build on it, and what it
must know of them (who is still a member of a cohort) they register at start-up."""
