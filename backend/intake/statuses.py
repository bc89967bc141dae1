"""Service request statuses and the one table of moves allowed between them."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED_NO_ACTION = "closed_no_action", "Closed without action"
    CLOSED_DUPLICATE = "closed_duplicate", "Closed as duplicate"


CLOSED_STATUSES: frozenset[str] = frozenset(
    {Status.RESOLVED, Status.CLOSED_NO_ACTION, Status.CLOSED_DUPLICATE}
)
OPEN_STATUSES: frozenset[str] = frozenset(Status.values) - CLOSED_STATUSES

_OPEN_TO_CLOSED = {Status.RESOLVED, Status.CLOSED_NO_ACTION, Status.CLOSED_DUPLICATE}

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD} | _OPEN_TO_CLOSED
    ),
    Status.ACKNOWLEDGED: frozenset({Status.IN_PROGRESS, Status.ON_HOLD} | _OPEN_TO_CLOSED),
    Status.IN_PROGRESS: frozenset({Status.ON_HOLD} | _OPEN_TO_CLOSED),
    Status.ON_HOLD: frozenset({Status.IN_PROGRESS} | _OPEN_TO_CLOSED),
    # Reopening always lands in "acknowledged": someone owns it again, work restarts.
    Status.RESOLVED: frozenset({Status.ACKNOWLEDGED}),
    Status.CLOSED_NO_ACTION: frozenset({Status.ACKNOWLEDGED}),
    Status.CLOSED_DUPLICATE: frozenset({Status.ACKNOWLEDGED}),
}

# Closing without doing the work must tell the resident why (C4: explain, offer an alternative).
NOTE_REQUIRED: frozenset[str] = frozenset({Status.CLOSED_NO_ACTION})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def is_closed(status: str) -> bool:
    return status in CLOSED_STATUSES


def open311_status(status: str) -> str:
    """Open311 GeoReport v2 knows only "open" and "closed"."""
    return "closed" if is_closed(status) else "open"
