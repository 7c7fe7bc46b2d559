"""Real servers for the throughput phase: gunicorn, two sync workers, on free local ports.

The app runs as it would in production (its own processes, a pool of database connections,
CSRF on); the reference app runs the same way beside it. Each server lives in its own process
group, so that stopping it takes its workers along and a restart drops any queued requests.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from .loadgen import USER_AGENT
from .run_inprocess import GENEROUS_LIMIT

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2  # as in the README's production example
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    """A port nobody listens on now (the OS picks it; gunicorn binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, secret_key: str) -> dict[str, str]:
    """Production-like settings, except plain HTTP and limits that the load never trips."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COHORT_")}
    env.update(
        COHORT_DATABASE_URL=database_url,
        COHORT_PRODUCTION="false",
        COHORT_SECRET_KEY=secret_key,
        COHORT_RATELIMIT_LOGIN=GENEROUS_LIMIT,
        COHORT_RATELIMIT_PASSWORD_RESET=GENEROUS_LIMIT,
        COHORT_RATELIMIT_JOIN=GENEROUS_LIMIT,
    )
    return env


class Server:
    """One gunicorn master and its workers, restartable on the same port."""

    def __init__(
        self, name: str, app: str, env: dict[str, str], log_dir: Path, ready_path: str
    ) -> None:
        self.name, self.app, self.env, self.ready_path = name, app, env, ready_path
        self.port = free_port()
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        # A long worker timeout: on big data a single page may take tens of seconds.
        return [
            GUNICORN,
            f"--workers={WORKERS}",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{self.port}",
            "--timeout=120",
            "--graceful-timeout=1",
            "--no-control-socket",
            self.app,
        ]

    def start(self, wait: float = 60.0) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own command line)
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(self.ready_path, wait)

    def _wait_ready(self, path: str, wait: float) -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise SystemExit(f"{self.name} server exited; see {self.log_path}")
            try:
                status, _, _ = request(self.port, "GET", path, timeout=5)
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name} server did not answer in {wait:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        """Kill the whole group at once: queued requests must not run on after a slice."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def request(
    port: int,
    method: str,
    path: str,
    headers: dict | None = None,
    body: str | None = None,
    timeout: float = 60.0,
) -> tuple[int, dict[str, str], str]:
    """One plain request (status, headers, text); login and checks only, not the load."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = conn.getresponse()
        payload = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
    finally:
        conn.close()


def _session_cookie(headers: dict[str, str]) -> str:
    match = re.search(r"(?:^|,\s*)(session=[^;]+)", headers.get("set-cookie", ""))
    return match.group(1) if match else ""


def login_cookie(port: int, email: str, passwords: tuple[str, ...]) -> str:
    """Log in through the real form once and return the session cookie.

    Flask's session is a signed cookie, so every load-generator connection can present the
    same one: no argon2 hash per connection, no login limit, and nothing else to share.
    """
    for password in passwords:
        status, headers, page = request(port, "GET", "/login")
        token = CSRF_FIELD.search(page)
        if status != 200 or token is None:
            raise SystemExit(f"GET /login answered {status} without a CSRF token")
        form = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
        status, headers, _ = request(
            port,
            "POST",
            "/login",
            headers={
                "Cookie": _session_cookie(headers),
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body=form,
        )
        if status == 302 and _session_cookie(headers):
            return _session_cookie(headers)
    raise SystemExit(f"Could not log in as {email} through the login form")


def wait_database_idle(database_url: str, wait: float = 90.0) -> float:
    """Wait until no query of an abandoned request still runs on the database (after killing
    a server, PostgreSQL finishes the query before it notices); returns the seconds waited."""
    engine = create_engine(database_url)
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND state = 'active' AND pid <> pg_backend_pid()"
    )
    started = time.monotonic()
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            while time.monotonic() - started < wait:
                if not connection.execute(query).scalar_one():
                    break
                time.sleep(0.2)
    finally:
        engine.dispose()
    return time.monotonic() - started
