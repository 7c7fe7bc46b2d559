"""Confirmation pages: a destructive action's GET shows what will happen, its POST does it.

The page is a plain form (no JavaScript), so the same check holds on every device, and the
button that leads to it is a link: nothing is changed until the second, explicit press.
"""

from dataclasses import dataclass, field

from flask import render_template

from .cohorts.forms import ConfirmForm


@dataclass(frozen=True)
class Confirmation:
    title: str
    consequences: list[str]  # what will happen, one plain sentence each
    button: str  # names the act and its object: "Remove Ken"
    action: str  # where the form posts
    back: str  # where "go back" leads
    hidden: dict[str, str] = field(default_factory=dict)


def confirmation_page(confirm: Confirmation, cohort=None) -> str:
    return render_template("confirm.html", confirm=confirm, cohort=cohort, form=ConfirmForm())
