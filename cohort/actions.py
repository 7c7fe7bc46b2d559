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
