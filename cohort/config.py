"""Configuration: defaults here, then ``COHORT_*`` environment variables, then an optional
instance file (``instance/cohort.cfg``). Tests pass their overrides to ``create_app``."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


class DefaultConfig:
    # Set COHORT_PRODUCTION=true in production: secure cookies, HSTS, required settings.
    PRODUCTION = False
    SECRET_KEY: str | None = None
    # The public address used for every link in emails, e.g. https://cohort.example.org
    BASE_URL = "http://127.0.0.1:5000"
    # Flask 3.1 rejects requests whose Host is not listed (None: any host).
    TRUSTED_HOSTS: list[str] | None = None
    # Number of proxies in front of the app that set X-Forwarded-* (0: none).
    PROXY_COUNT = 0

    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite under instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}  # noqa: RUF012
    # PostgreSQL only (see cohort/database.py): a pooled connection unused for this many
    # seconds is checked with a round trip before a request gets it (null: never).
    DATABASE_PING_AFTER_IDLE = 1.0
    # PostgreSQL only (see cohort/database.py): plan each prepared statement once, and keep
    # this many prepared statements per connection (psycopg keeps 100 by default).
    POSTGRES_PLAN_CACHE_MODE = "force_generic_plan"
    POSTGRES_PREPARED_STATEMENTS = 500

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Seconds: a session without "remember me" ends after this long unused, and no sign-in
    # (remembered or not) lasts longer than the lifetime; the cookies' expiry follows it.
    SESSION_IDLE_TIMEOUT = 24 * 3600
    SESSION_LIFETIME = 30 * 24 * 3600
    # The session cookie is sent again only when the session changes (at most once a minute
    # for the idle clock, see auth/sessions.py), not with every answer: a slow answer that
    # began before a form was posted would otherwise overwrite the cookie that carries the
    # form's flash message with the older one it read.
    SESSION_REFRESH_EACH_REQUEST = False

    # Long reflections are text, never files: 1 MiB covers any honest form.
    # Rendered pieces that read the same for every viewer (feed cards), kept per process
    # (see cohort/fragments.py); 0 turns the cache off.
    FRAGMENT_CACHE_SIZE = 4000
    # Whole sections kept with holes for the viewer's own parts (a member's timeline), per
    # process; 0 turns it off.
    SECTION_CACHE_SIZE = 200

    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    WTF_CSRF_TIME_LIMIT = 3600 * 4

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("ja", "en")

    # argon2id; the memory cost is in KiB (64 MiB by default).
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)

    # Each process counts on its own with memory://, which multiplies every limit by the number
    # of workers: production refuses to start without shared storage (redis://host:6379/0).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Per client address.
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_PASSWORD_RESET = "5 per minute;20 per hour"  # noqa: S105 (a limit)
    RATELIMIT_JOIN = "30 per minute;200 per hour"
    # Per account, whatever address the requests come from: failed logins against one email
    # (then a wait, never a lock-out), and reset emails asked for one address.
    RATELIMIT_LOGIN_ACCOUNT = "10 per 10 minutes"
    RATELIMIT_PASSWORD_RESET_EMAIL = "3 per 15 minutes;10 per day"  # noqa: S105 (a limit)
    # Per signed-in member: writes that notify someone or send an email. Far above what anyone
    # does by hand, low enough that one account cannot flood a cohort's inboxes.
    RATELIMIT_CHEERS = "60 per hour"
    RATELIMIT_FEEDBACK = "30 per hour"
    RATELIMIT_NUDGES = "10 per hour"
    RATELIMIT_PERSONAL_NOTES = "30 per hour"
    RATELIMIT_INVITATIONS = "40 per hour;100 per day"
    # "Download my data": each download reads all of a member's writing.
    RATELIMIT_EXPORT = "5 per hour;20 per day"
    # Questions asked of the companion, per member (each may reach the model service).
    RATELIMIT_COMPANION = "10 per minute;60 per hour"
    # Autosave posts after each pause in typing (2.5 s) and when a page is left; a preview on
    # each press of its button. Over the limit, the page keeps the text and tries again later.
    RATELIMIT_AUTOSAVE = "60 per minute;1500 per hour"
    RATELIMIT_PREVIEW = "30 per minute;300 per hour"
    # Turning notifications on for a device, and test notifications, per signed-in member.
    RATELIMIT_PUSH_DEVICES = "10 per hour;30 per day"

    # The default writes each message under instance/mail/ and to the console; "smtp" in production.
    MAIL_BACKEND = "cohort.emails"
    MAIL_DEFAULT_SENDER = "Cohort <cohort@localhost>"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    # Seconds any SMTP connect, read or write may take before it counts as failed (Flask-Mailman
    # reads it), and the shorter wait for an email tried at once during a web request.
    MAIL_TIMEOUT = 30
    MAIL_TIMEOUT_NOW = 10
    # Seconds to wait for a chat webhook (or another channel's server) before retrying later.
    CHANNEL_TIMEOUT = 5
    # Chat webhooks may lead to private addresses and plain http (local development and tests).
    CHAT_WEBHOOK_ALLOW_PRIVATE = False
    # Web Push: the server's VAPID key pair (base64url: the raw private key, the uncompressed
    # public point) and how push services reach its operator (mailto: or https:). Without keys
    # a pair is made once and kept in instance/vapid.json; the subject defaults to BASE_URL
    # when it is https, else the sender's address.
    VAPID_PRIVATE_KEY = ""
    VAPID_PUBLIC_KEY = ""
    VAPID_SUBJECT = ""
    # Seconds to wait for a push service to connect, and then to answer, before retrying later.
    PUSH_TIMEOUT = 10
    # Devices with notifications on, per account; push services on private addresses and
    # plain http are accepted only for local tests.
    PUSH_MAX_DEVICES = 10
    PUSH_ALLOW_PRIVATE = False

    # The delivery job: rows claimed per batch, SMTP connections used in parallel, and how long
    # (seconds) and how many emails one tick may go on for before it yields to the next tick.
    OUTBOX_BATCH_SIZE = 200
    OUTBOX_CONNECTIONS = 4
    OUTBOX_TICK_SECONDS = 120
    OUTBOX_TICK_MAX_EMAILS = 50000
    # /healthz turns 503 when a due email has waited longer than this many seconds.
    OUTBOX_STALL_AFTER = 15 * 60
    # Sent and failed emails (their bodies emptied once final) are deleted after this many days.
    OUTBOX_KEEP_DAYS = 30

    # The companion's optional model engine: any OpenAI-compatible chat-completions endpoint
    # (e.g. https://api.example.com/v1/chat/completions or a local server's), the model name
    # and the API key (empty for a local server that needs none). Off while the URL or model is
    # empty. Timeouts in seconds: connecting, and waiting for the whole answer; past either the
    # built-in engine answers instead.
    COMPANION_MODEL_URL = ""
    COMPANION_MODEL_NAME = ""
    COMPANION_MODEL_KEY = ""
    COMPANION_CONNECT_TIMEOUT = 2.0
    COMPANION_READ_TIMEOUT = 8.0

    SCHEDULER_TICK_SECONDS = 60
    # Reminders claimed, notified and queued per transaction by the reminders job.
    REMINDER_BATCH_SIZE = 500
    SCHEDULER_HEARTBEAT_MAX_AGE = timedelta(minutes=3)

    # Answer 503 (and say why on stderr and /healthz) while the database is behind the code's
    # migrations, instead of failing on the first write.
    REQUIRE_CURRENT_SCHEMA = True

    # After this many requests a process's long-lived objects are left out of the garbage
    # collector's full passes (cohort/garbage.py); 0 never does it.
    GC_FREEZE_AFTER_REQUESTS = 200


def load_config(app: Flask, overrides: dict | None = None) -> None:
    """Fill ``app.config`` in order: defaults, environment, instance file, explicit overrides."""
    app.config.from_object(DefaultConfig)
    # Values are parsed as JSON when they can be (true, 5, ["a.org"]), else kept as strings.
    app.config.from_prefixed_env(prefix="COHORT")
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config.pop("DATABASE_URL")
    app.config.from_pyfile("cohort.cfg", silent=True)
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'cohort.sqlite3'}"
    app.config.setdefault("MAIL_FILE_PATH", str(instance / "mail"))

    lifetime = timedelta(seconds=app.config["SESSION_LIFETIME"])
    app.config.update(PERMANENT_SESSION_LIFETIME=lifetime, REMEMBER_COOKIE_DURATION=lifetime)

    if app.config["PRODUCTION"]:
        _apply_production(app)
    elif not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _development_secret_key(instance)


def _apply_production(app: Flask) -> None:
    missing = [key for key in ("SECRET_KEY", "BASE_URL") if not app.config.get(key)]
    if missing or app.config["BASE_URL"] == DefaultConfig.BASE_URL:
        raise RuntimeError(
            "Production needs COHORT_SECRET_KEY and COHORT_BASE_URL (the public https address)."
        )
    _refuse_weak_secret_key(app.config["SECRET_KEY"])
    if not app.config.get("TRUSTED_HOSTS"):
        raise RuntimeError(
            "Production needs COHORT_TRUSTED_HOSTS, the JSON list of host names the app "
            "answers to, e.g. '[\"cohort.example.org\"]'."
        )
    _require_shared_ratelimit_storage(app)
    app.config.update(
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
        # __Host- cookies are refused by browsers unless Secure, for "/" and without a
        # Domain: no subdomain or plain-http page can set or overwrite them.
        SESSION_COOKIE_NAME="__Host-session",
        REMEMBER_COOKIE_NAME="__Host-remember_token",
        PREFERRED_URL_SCHEME="https",
    )


MIN_SECRET_KEY_LENGTH = 32


def _refuse_weak_secret_key(key: str) -> None:
    """Sessions are only as safe as the key that signs them: refuse one that is short or
    made of few distinct characters (a word repeated, "aaaa…", "1234…")."""
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 12:
        raise RuntimeError(
            f"COHORT_SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random "
            'characters, e.g. python -c "import secrets; print(secrets.token_hex(32))".'
        )


# Storage every worker and host reaches (see limits.storage.SCHEMES): not memory://.
SHARED_RATELIMIT_SCHEMES = frozenset(
    {"redis", "rediss", "redis+unix", "redis+cluster", "redis+sentinel"}
    | {"valkey", "valkeys", "valkey+unix", "valkey+cluster", "valkey+sentinel"}
    | {"memcached", "mongodb", "mongodb+srv"}
)


def _require_shared_ratelimit_storage(app: Flask) -> None:
    """Refuse to start on per-process counters: with memory:// every worker keeps its own
    count, so each limit silently becomes the limit times the number of workers."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
    scheme = uri.partition("://")[0].lower() if "://" in uri else ""
    if scheme not in SHARED_RATELIMIT_SCHEMES:
        got = f"{scheme}://" if scheme else "no storage address"  # never the password in it
        raise RuntimeError(
            "Production needs COHORT_RATELIMIT_STORAGE_URI pointing at storage shared by every "
            f"worker, e.g. redis://localhost:6379/0 (got {got}): with memory:// each worker "
            "counts on its own and every rate limit is multiplied by the number of workers."
        )


def _development_secret_key(instance: Path) -> str:
    """A random key kept under instance/, so development sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    os.chmod(path, 0o600)
    return key
