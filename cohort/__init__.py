"""Cohort: monthly career reflection for small closed communities."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import database, inputs, models  # noqa: F401  (SQLite foreign keys; every model)
from .config import load_config
from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from .ratelimits import check_only_views_limits

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the web app. It never starts the scheduler: that is its own process."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, config)
    inputs.init_app(app)  # before any route is added: the routes take its URL converters
    register_extensions(app)
    register_blueprints(app)
    check_only_views_limits(app)
    register_request_hooks(app)
    register_commands(app)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def register_extensions(app: Flask) -> None:
    from . import i18n
    from .auth.models import load_user

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        timezone_selector=i18n.select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.refresh_view = "auth.login"
    login_manager.login_message = i18n.lazy_gettext("Please log in to see this page.")
    login_manager.needs_refresh_message = i18n.lazy_gettext(
        "Please log in again to confirm it is you."
    )
    login_manager.login_message_category = "info"
    login_manager.needs_refresh_message_category = "info"
    login_manager.session_protection = "basic"


def register_blueprints(app: Flask) -> None:
    from .account.views import bp as account_bp
    from .auth.views import bp as auth_bp
    from .cohorts.views import bp as cohorts_bp
    from .companion.views import bp as companion_bp
    from .feedback.organizer_views import bp as feedback_organizer_bp
    from .feedback.views import bp as feedback_bp
    from .health import bp as health_bp
    from .inventories.organizer_views import bp as inventory_organizer_bp
    from .inventories.views import bp as inventories_bp
    from .live.views import bp as live_bp
    from .main.views import bp as main_bp
    from .meetings.views import bp as meetings_bp
    from .mentoring.views import bp as mentoring_bp
    from .notifications.views import bp as notifications_bp
    from .organizer.views import bp as organizer_bp
    from .quarters.views import bp as quarters_bp
    from .settings.views import bp as settings_bp
    from .signals.views import bp as signals_bp
    from .timeline.views import bp as timeline_bp
    from .writing.views import bp as writing_bp
    from .year.views import bp as year_bp

    for blueprint in (
        main_bp,
        auth_bp,
        settings_bp,
        account_bp,
        cohorts_bp,
        organizer_bp,
        meetings_bp,
        live_bp,
        inventories_bp,
        inventory_organizer_bp,
        companion_bp,
        feedback_bp,
        feedback_organizer_bp,
        notifications_bp,
        timeline_bp,
        signals_bp,
        mentoring_bp,
        year_bp,
        quarters_bp,
        writing_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    from . import (
        errors,
        fragments,
        garbage,
        i18n,
        labels,
        permissions,
        read_only,
        schema,
        security,
        urls,
    )
    from .auth import presence, sessions
    from .notifications import views as notification_views

    schema.init_app(app)
    security.init_app(app)
    permissions.init_app(app)
    sessions.init_app(app)  # before anything reads the signed-in user
    presence.init_app(app)
    notification_views.init_app(app)
    labels.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    fragments.init_app(app)
    urls.init_app(app)
    read_only.init_app(app)
    garbage.init_app(app)


def register_commands(app: Flask) -> None:
    from .cli import demo, push_cli, scheduler_cli, translate_cli, users_cli

    for group in (scheduler_cli, users_cli, translate_cli, push_cli, demo):
        app.cli.add_command(group)
