"""Timelines, the feed, following and cheers: HTTP only; the work is in the modules beside."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.models import User
from ..cohorts.models import Cohort, Membership
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..inputs import page_number
from ..inventories.areas import clean_area, life_areas
from ..inventories.models import Inventory
from ..permissions import can_view_timeline, cohort_or_404, in_cohort_or_404
from ..ratelimits import per_member
from ..urls import safe_next_url, template_url_for
from . import services
from .buttons import cheer_button, current_path
from .changes import month_changes
from .feed import Scope, feed_page
from .member_page import member_page
from .months import month_label

bp = Blueprint("timeline", __name__)

HOME_FEED_SIZE = 5


def member_page_context(cohort: Cohort, membership: Membership, is_following: bool) -> dict:
    """What the member page (cohorts.member) shows of the timeline, and the follow button
    (whether the viewer follows the member was read with the membership):
    the last half year's months as cards (a year's charts), every month with ``?months=all``."""
    show_all = request.args.get("months") == "all"
    area = clean_area(cohort, request.args.get("area"))
    arguments = tuple(request.args.items(multi=True))
    view = (show_all, area, life_areas(cohort), arguments)
    return member_page(current_user, cohort, membership, is_following, view)


@bp.app_template_global()
def with_area(key: str | None) -> str:
    """This page's address showing one part of life (or all of them with None), built with
    the templates' ``url_for``, which keeps it: a page links every part on every view."""
    view_args = request.view_args or {}
    args = {
        name: value
        for name, value in request.args.items()
        if name != "area" and name not in view_args
    }
    if key:
        args["area"] = key
    return template_url_for(request.endpoint, **view_args, **args)


def members_page_context() -> dict:
    """The follow buttons on the members page."""
    return {"following": services.followed_ids(current_user)}


def home_feed_context() -> dict:
    """The newest few items of the feed, below the cohort cards on the signed-in home."""
    viewer = current_user._get_current_object()  # each card asks about it: not the proxy
    return {"home_feed": feed_page(viewer, Scope.FOLLOWING, 1, HOME_FEED_SIZE)}


bp.add_app_template_filter(month_label, "month_label")
bp.add_app_template_global(current_path, "current_path")
bp.add_app_template_global(cheer_button, "cheer_button")


@bp.get("/feed")
@login_required
def feed():
    scope = Scope.COHORTS if request.args.get("scope") == Scope.COHORTS else Scope.FOLLOWING
    viewer = current_user._get_current_object()  # each card asks about it: not the proxy
    page = feed_page(viewer, scope, request.args.get("page", 1, type=page_number))
    return render_template("timeline/feed.html", feed=page)


@bp.get("/following")
@login_required
def following():
    people_followed, followers = services.follow_lists(current_user)
    return render_template(
        "timeline/following.html",
        people_followed=people_followed,
        followers=followers,
        following={person.user.id for person in people_followed},
    )


def _person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


@bp.post("/people/<int:user_id>/follow")
@login_required
def follow(user_id: int):
    person = _person_or_404(user_id)
    services.follow(current_user, person)
    db.session.commit()
    flash(
        _(
            "You follow %(name)s. Their new inventories appear in your feed.",
            name=person.display_name,
        ),
        "success",
    )
    return redirect(safe_next_url(request.form.get("next"), "timeline.following"))


@bp.post("/people/<int:user_id>/unfollow")
@login_required
def unfollow(user_id: int):
    person = _person_or_404(user_id)
    services.unfollow(current_user, person)
    db.session.commit()
    flash(_("You no longer follow %(name)s.", name=person.display_name), "info")
    return redirect(safe_next_url(request.form.get("next"), "timeline.following"))


@bp.post("/c/<slug>/inventories/<int:inventory_id>/cheer")
@per_member("RATELIMIT_CHEERS")
@login_required
def cheer(slug: str, inventory_id: int):
    """One tap: cheer an inventory or one of its milestones; the same button takes it back."""
    cohort = cohort_or_404(current_user, slug)
    inventory = in_cohort_or_404(Inventory, inventory_id, cohort)
    milestone = request.form.get("milestone", "")[:40]
    try:
        if request.form.get("action") == "remove":
            services.take_back_cheer(current_user, inventory, milestone)
        elif services.cheer(current_user, inventory, milestone):
            flash(_("You cheered %(name)s on.", name=inventory.user.display_name), "success")
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
    back = request.form.get("next")
    if back:
        return redirect(safe_next_url(back))
    return redirect(url_for("inventories.show", slug=slug, inventory_id=inventory.id))


@bp.get("/c/<slug>/members/<int:user_id>/months/<int:meeting_id>")
@login_required
def month(slug: str, user_id: int, meeting_id: int):
    """What changed since last month, for one of the member's written months."""
    cohort = cohort_or_404(current_user, slug)
    if not can_view_timeline(current_user, cohort, user_id):
        abort(404)
    changes = month_changes(current_user, cohort, user_id, meeting_id, utcnow())
    if changes is None:
        abort(404)
    return render_template(
        "timeline/month.html",
        cohort=cohort,
        member=changes.month.inventory.user,
        changes=changes,
        is_own=user_id == current_user.id,
    )
