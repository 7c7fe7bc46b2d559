"""The bare reference page: what one indexed query and a ~20 KB template cost on this machine.

Page throughput is reported as a ratio to this page, measured in the same run on the same
database and under the same gunicorn settings, so the ratio says how much the app's own work
(queries, ORM, templates, hooks) costs beyond the floor, whatever the machine's speed.

Run it as ``gunicorn --workers 2 "bench.reference:create_app()"`` with ``COHORT_DATABASE_URL`` set.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, abort, render_template, request
from sqlalchemy import Engine, create_engine, text

TEMPLATES = Path(__file__).resolve().parent / "templates"
USER_QUERY = text("SELECT id, email, display_name, created_at FROM users WHERE id = :id")
ROWS = 48  # sized so the page weighs about 20 KB, like a main page of the app


def create_app(database_url: str | None = None) -> Flask:
    """Build the reference app on the benchmark's database (the same pool options as Cohort)."""
    app = Flask(__name__, template_folder=str(TEMPLATES))
    url = database_url or os.environ["COHORT_DATABASE_URL"]
    engine = create_engine(url, pool_pre_ping=True)
    first_id = _first_user_id(engine)
    app.config["BENCH_ENGINE"] = engine  # for bench.cpu, which reads its backend's CPU

    @app.get("/")
    def page() -> str:
        """One primary-key lookup, then a template of the size of a real page."""
        user_id = request.args.get("user", first_id, type=int)
        with engine.connect() as connection:
            user = connection.execute(USER_QUERY, {"id": user_id}).mappings().first()
        if user is None:
            abort(404)
        return render_template("reference.html", user=user, rows=range(ROWS))

    @app.get("/ping")
    def ping() -> str:
        """No database, no template: shows what the load generator and gunicorn can carry."""
        return "ok"

    return app


def _first_user_id(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT min(id) FROM users")).scalar_one() or 1
