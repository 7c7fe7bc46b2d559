"""The landing page, the signed-in home, and the language switcher."""

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user

from ..auth import services as account_services
from ..database import utcnow
from ..extensions import db
from ..timeline.views import home_feed_context
from ..urls import safe_next_url
from .dashboard import month_cards

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    return render_template(
        "main/home.html", cards=month_cards(current_user, utcnow()), **home_feed_context()
    )


@bp.post("/language")
def set_language():
    """Switch the interface language (kept on the account when signed in)."""
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            account_services.update_profile(
                current_user,
                current_user.display_name,
                locale,
                current_user.timezone,
                current_user.bio,
            )
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")))
