"""Small template helpers for the staff console."""

from typing import Any

from django import template

from accounts.models import User
from accounts.policies import member_departments
from core.contacts import phone_display
from frontend.staff.script import reworded as reword
from intake.policies import can_override_transfer
from interactions.policies import can_log_calls
from qa.screener import Flag

register = template.Library()


@register.simple_tag
def reworded(text: str, flag: Flag) -> str | None:
    return reword(text or "", flag)


@register.filter
def hours(value: Any) -> str:
    return "" if value is None else f"{float(value):.1f}"


@register.filter
def percent(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:.0f}%"


@register.filter
def phone(value: str) -> str:
    return phone_display(value or "")


@register.simple_tag
def console_nav(user: Any) -> dict[str, Any]:
    """The console's menu for this person, from the same policies the pages check."""
    if not isinstance(user, User) or not user.is_authenticated or not user.has_staff_role:
        return {}
    return {
        "calls": can_log_calls(user),
        "queues": member_departments(user)[:4],
        "supervise": can_override_transfer(user),
    }
