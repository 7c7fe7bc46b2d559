"""The reminder features built on the delivery core: what is due when, digests, feedback
owed, the scheduler jobs, the bell and the notification settings."""
