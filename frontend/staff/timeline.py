"""A request's timeline in the city's words: statuses by their names, dates in the city's
time, departments by name, who it was assigned to (the events keep codes and ISO dates)."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.models import Department
from frontend.templatetags.console_dates import console_date
from intake.models import EventKind, RequestEvent
from intake.statuses import Status


@dataclass(frozen=True)
class TimelineLine:
    event: RequestEvent
    change: str  # "Acknowledged → In progress", or "" when the event carries no change
    duplicate_of: str = ""


def _when(value: Any) -> str:
    return console_date(str(value), "time") or str(value)


def _arrow(before: str, after: str) -> str:
    return f"{before or '—'} → {after or '—'}"


def _change(event: RequestEvent, departments: dict[str, str]) -> str:
    data = event.data or {}
    if event.kind == EventKind.ASSIGNED:
        who = data.get("assignee")
        return _("To %(name)s") % {"name": who} if who else _("Unassigned")
    if "from" not in data and "to" not in data:
        return ""
    before, after = data.get("from") or "", data.get("to") or ""
    if event.kind == EventKind.PROMISE_CHANGED:
        return _arrow(_when(before) if before else "", _when(after) if after else "")
    if event.kind == EventKind.TRANSFERRED:
        return _arrow(departments.get(before, before), departments.get(after, after))
    labels = dict(Status.choices)
    return _arrow(str(labels.get(before, before)), str(labels.get(after, after)))


def timeline_lines(events: list[RequestEvent]) -> list[TimelineLine]:
    """Each event with its change in words; department names are read only when a transfer
    is listed (one query), so the timeline's refresh stays as cheap as it was."""
    slugs = {
        str(slug)
        for e in events
        if e.kind == EventKind.TRANSFERRED
        for slug in ((e.data or {}).get("from"), (e.data or {}).get("to"))
        if slug
    }
    departments = (
        dict(Department.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    )
    return [
        TimelineLine(
            event=e,
            change=_change(e, departments),
            duplicate_of=str((e.data or {}).get("duplicate_of") or "")
            if e.kind == EventKind.DUPLICATE_LINKED
            else "",
        )
        for e in events
    ]
