"""Running a use case from a button: commit on success, explain a refusal."""

from collections.abc import Callable

from flask import flash

from .errors import DomainError
from .extensions import db


def run_and_flash(use_case: Callable[[], object], success: str) -> bool:
    """Run ``use_case``; commit and flash ``success``, or roll back and flash its refusal."""
    try:
        use_case()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def run_form_and_flash(
    form, use_case: Callable[[], object], success: str, problem: str = ""
) -> bool:
    """A small form's post: when the form is valid, ``run_and_flash`` its use case; otherwise
    flash ``problem`` (for a form with nothing to type, a tampered button) or the form's first
    error."""
    if form.validate_on_submit():
        return run_and_flash(use_case, success)
    if problem:
        flash(problem, "error")
    else:
        for errors in form.errors.values():
            flash(str(errors[0]), "error")
            break
    return False
