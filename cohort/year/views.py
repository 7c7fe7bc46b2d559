"""Seasons and the year in review: HTTP only; the work is in the modules beside."""

from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.models import User
from ..cohorts.models import Cohort
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..feedback.traits import TRAITS
from ..forms import show_domain_error
from ..i18n import gettext as _
from ..inventories.areas import area_labels, clean_area, life_areas
from ..permissions import (
    can_close_season,
    can_share_year,
    can_view_year,
    cohort_or_404,
    year_is_shared,
)
from ..security import keeps_text_on_csrf_failure
from . import seasons as season_services
from . import services
from .forms import SeasonForm, YearRangeForm
from .review import YearRange, last_twelve_months, parse_range, year_review

bp = Blueprint("year", __name__, url_prefix="/c/<slug>")


def _member_or_404(cohort: Cohort, user_id: int) -> User:
    if not can_view_year(current_user, cohort, user_id):
        abort(404)
    member = db.session.get(User, user_id)
    if member is None:
        abort(404)
    return member


def _chosen(cohort: Cohort, seasons: list) -> tuple[YearRange, DomainError | None]:
    """The months asked for in the address (this month is the cohort's)."""
    today = utcnow().astimezone(ZoneInfo(cohort.timezone)).date()
    try:
        return parse_range(
            request.args.get("start"), request.args.get("season"), today, seasons
        ), None
    except DomainError as error:
        return last_twelve_months(today), error


@bp.get("/members/<int:user_id>/year")
@login_required
def show(slug: str, user_id: int):
    """The member's year: the last twelve months, twelve months they pick, or a season."""
    cohort = cohort_or_404(current_user, slug)
    member = _member_or_404(cohort, user_id)
    seasons = season_services.seasons_of(cohort)
    chosen, error = _chosen(cohort, seasons)
    form = YearRangeForm(request.args)
    form.season.choices = [("", "—")] + [(str(s.id), s.name) for s in seasons]
    if error is not None:
        show_domain_error(form, error)
    area = clean_area(cohort, request.args.get("area"))
    review = year_review(current_user, cohort, member, chosen, utcnow(), area)
    is_own = member.id == current_user.id
    return render_template(
        "year/show.html",
        cohort=cohort,
        member=member,
        review=review,
        form=form,
        seasons=seasons,
        is_shared=year_is_shared(cohort, member.id) if is_own else True,
        may_share=is_own and can_share_year(current_user, cohort),
        trait_labels=TRAITS,
        areas=life_areas(cohort),
        area=area,
    ), 400 if error else 200


@bp.get("/members/<int:user_id>/year.md")
@login_required
def markdown(slug: str, user_id: int):
    """The same year as a Markdown file."""
    cohort = cohort_or_404(current_user, slug)
    member = _member_or_404(cohort, user_id)
    chosen, error = _chosen(cohort, season_services.seasons_of(cohort))
    if error is not None:
        return Response(str(error.message), status=400, mimetype="text/plain")
    area = clean_area(cohort, request.args.get("area"))
    review = year_review(current_user, cohort, member, chosen, utcnow(), area)
    body = render_template(
        "year/year.md",
        cohort=cohort,
        member=member,
        review=review,
        trait_labels=TRAITS,
        area_label=area_labels(cohort).get(area) if area else None,
    )
    response = Response(body, mimetype="text/markdown")
    name = chosen.season.name if chosen.season else f"{chosen.start:%Y-%m}"
    if area:
        name = f"{name}-{area}"
    filename = f"year-{cohort.slug}-{name}.md".replace(" ", "-").replace('"', "")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/year/share")
@login_required
def share(slug: str):
    """Share one's year with the cohort, or take it back."""
    cohort = cohort_or_404(current_user, slug)
    action = request.form.get("action")
    if action == "share":
        services.share_year(current_user, cohort)
        message = _(
            "Your year is shared with %(cohort)s. You can take it back at any time.",
            cohort=cohort.name,
        )
    elif action == "stop":
        services.stop_sharing_year(current_user, cohort)
        message = _("Only you see your year again.")
    else:
        flash(_("Choose whether to share your year or to take it back."), "error")
        return redirect(url_for("year.show", slug=slug, user_id=current_user.id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("year.show", slug=slug, user_id=current_user.id))


@bp.route("/sessions/seasons", methods=["GET", "POST"])
@login_required
@keeps_text_on_csrf_failure
def seasons(slug: str):
    """The cohort's closed seasons; organizers close the next one here."""
    cohort = cohort_or_404(current_user, slug)
    may_close = can_close_season(current_user, cohort)
    form = SeasonForm() if may_close else None
    if request.method == "POST":
        if not may_close:
            abort(403)
        if form.validate_on_submit():
            data = season_services.SeasonInput(
                form.name.data, form.starts_on.data, form.ends_on.data
            )
            try:
                season = season_services.close_season(current_user, cohort, data, utcnow())
            except DomainError as error:
                db.session.rollback()
                show_domain_error(form, error)
            else:
                db.session.commit()
                flash(
                    _(
                        "The season %(name)s is closed. Its sessions are now a read-only archive.",
                        name=season.name,
                    ),
                    "success",
                )
                return redirect(url_for("year.season", slug=slug, season_id=season.id))
    return render_template(
        "year/seasons.html",
        cohort=cohort,
        seasons=season_services.seasons_of(cohort),
        form=form,
    )


@bp.get("/sessions/seasons/<int:season_id>")
@login_required
def season(slug: str, season_id: int):
    """A closed season's archive: its sessions and figures."""
    cohort = cohort_or_404(current_user, slug)
    found = season_services.season_in(cohort, season_id)
    if found is None:
        abort(404)
    return render_template(
        "year/season.html", cohort=cohort, archive=season_services.season_archive(found)
    )
