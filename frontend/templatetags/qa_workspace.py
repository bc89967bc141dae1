"""Template helpers for the QA workspace: the menu each role gets (asked of qa.policies, as
the views are) and answer labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from frontend.qa.forms import VALUE_LABELS
from intake.models import EventKind
from intake.statuses import Status
from interactions.models import (
    CallOutcome,
    CommitmentKind,
    CommitmentStatus,
    InteractionKind,
    MessageKind,
)
from qa import policies
from qa.models import Stratum

# The workspace selectors give stored codes; the pages show the models' own labels.
CHOICES: dict[str, type[Any]] = {
    "interaction": InteractionKind,
    "event": EventKind,
    "request_status": Status,
    "outcome": CallOutcome,
    "commitment": CommitmentKind,
    "commitment_status": CommitmentStatus,
    "message": MessageKind,
    "stratum": Stratum,
}

register = template.Library()


@register.simple_tag(takes_context=True)
def qa_menu(context: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, url) of the workspace pages this person may open."""
    user = context["request"].user
    if not isinstance(user, User) or not user.has_staff_role:
        return []
    menu = []
    if policies.can_review(user):
        menu.append((_("My reviews"), reverse("qa:queue")))
    menu.append((_("My evaluations"), reverse("qa:mine")))
    if policies.sees_team_reports(user):
        menu.append((_("Disputes"), reverse("qa:disputes")))
    if policies.can_review(user):
        menu.append((_("Calibration"), reverse("qa:calibrations")))
    menu.append((_("Scorecards"), reverse("qa:scorecards")))
    if policies.sees_team_reports(user):
        menu.append((_("Patterns"), reverse("qa:patterns")))
        menu.append((_("Workload"), reverse("qa:workload")))
    menu.append((_("Sampling"), reverse("qa:periods")))
    menu.append((_("Rubric"), reverse("qa:rubric")))
    return menu


@register.filter
def answer_label(value: str) -> str:
    return str(VALUE_LABELS.get(value, value))


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


@register.filter
def statistic(value: float | None) -> str:
    """A kappa or alpha to three places; a rounded -0.0 reads as 0 (no sign on nothing)."""
    if value is None:
        return "–"
    rounded = round(float(value), 3)
    return f"{rounded + 0.0:.3f}" if rounded != 0 else "0.000"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def label(value: str, kind: str) -> str:
    """A stored code in words: `{{ interaction.kind|label:"interaction" }}`."""
    choices = CHOICES[kind]
    return str(choices(value).label) if value in choices.values else value
