"""The recipient's toggles on a piece of feedback, drawn in Python: an inbox page shows two
per piece, ten pieces a page, and a Jinja macro call costs several times this."""

from markupsafe import Markup, escape

from ..i18n import gettext


def response_toggles(fb, piece_url: str, token: str, next_url: str | None) -> Markup:
    """ "Mark as helpful" and "Share with the cohort" (or their undoing) on ``fb``, posted to
    ``piece_url`` + "/helpful" and "/share" (feedback/views.py) with the CSRF ``token``,
    coming back to ``next_url`` when given."""
    back = f'<input type="hidden" name="next" value="{escape(next_url)}">' if next_url else ""
    helpful = gettext("Unmark helpful") if fb.is_helpful else gettext("Mark as helpful")
    shared = gettext("Stop sharing") if fb.is_shared else gettext("Share with the cohort")
    forms = (
        _toggle(f"{piece_url}/helpful", token, fb.is_helpful, back, helpful),
        _toggle(f"{piece_url}/share", token, fb.is_shared, back, shared),
    )
    region = f"feedback-actions-{int(fb.id)}"
    # One line each, as the layout spaces the two buttons apart like words.
    return Markup(  # noqa: S704 (every value is escaped)
        f'<div class="feedback-actions actions" data-inplace-region="{region}">'
        f"\n{forms[0]}\n{forms[1]}\n</div>"
    )


def _toggle(action: str, token: str, is_on: bool, back: str, label: str) -> str:
    """One toggle's form: it posts the value to switch to."""
    return (
        f'<form method="post" action="{escape(action)}" class="inline-form">'
        f'<input type="hidden" name="csrf_token" value="{escape(token)}">{back}'
        f'<input type="hidden" name="value" value="{"0" if is_on else "1"}">'
        f'<button type="submit" class="secondary outline">{escape(label)}</button></form>'
    )
