"""The audit trail as people read it: a request's history events and the audit records about
it (or about a person's actions) in one list, newest first, each with before and after."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from audit.models import AuditRecord
from intake.models import EventKind, RequestEvent, ServiceRequest

Changes = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    source: str  # "history" for a request's own events, else an AuditSource
    action: str
    target: str
    changes: Changes = field(default_factory=dict)
    note: str = ""
    public: bool = False


# Which of an event's data keys are "before" and "after", by kind; the rest are details.
_FROM_TO = {
    EventKind.STATUS_CHANGED: "status",
    EventKind.REOPENED: "status",
    EventKind.TRANSFERRED: "department",
    EventKind.PROMISE_CHANGED: "promised_at",
}


def _actor_name(user: User | None, fallback: str = "system") -> str:
    return fallback if user is None else user.username


def _event_changes(event: RequestEvent, assigned_before: dict[int, Changes]) -> Changes:
    data = event.data or {}
    name = _FROM_TO.get(EventKind(event.kind)) if event.kind in EventKind.values else None
    if name is not None:
        changes = {name: {"before": data.get("from"), "after": data.get("to")}}
        if event.kind == EventKind.TRANSFERRED and data.get("reason"):
            changes["reason"] = {"before": None, "after": data["reason"]}
        return changes
    if event.kind == EventKind.ASSIGNED:
        return assigned_before.get(event.pk, {})
    if event.kind == EventKind.ROUTED:
        return {
            "department": {"before": None, "after": data.get("department")},
            "promised_at": {"before": None, "after": data.get("promised_at")},
        }
    if event.kind == EventKind.DUPLICATE_LINKED:
        return {"duplicate_of": {"before": None, "after": data.get("duplicate_of")}}
    return {}


def _assignment_changes(events: list[RequestEvent]) -> dict[int, Changes]:
    """Assignment events store only the new unit and assignee; the old ones are those of the
    request's previous assignment, routing or transfer (which clears the assignee)."""
    wanted = {e.pk for e in events if e.kind == EventKind.ASSIGNED}
    if not wanted:
        return {}
    request_ids = {e.request_id for e in events if e.kind == EventKind.ASSIGNED}
    history = RequestEvent.objects.filter(
        request_id__in=request_ids,
        kind__in=[EventKind.ASSIGNED, EventKind.ROUTED, EventKind.TRANSFERRED],
    ).order_by("request_id", "at", "id")
    state: dict[int, dict[str, Any]] = {}
    result: dict[int, Changes] = {}
    for event in history:
        data = event.data or {}
        old = state.get(event.request_id, {"unit": None, "assignee": None})
        new = {"unit": data.get("unit"), "assignee": data.get("assignee")}
        if event.pk in wanted:
            result[event.pk] = {
                k: {"before": old[k], "after": new[k]} for k in ("unit", "assignee")
            }
        state[event.request_id] = new
    return result


def _from_events(events: list[RequestEvent]) -> list[AuditEntry]:
    assigned = _assignment_changes(events)
    return [
        AuditEntry(
            at=e.at,
            actor=_actor_name(e.actor),
            source="history",
            action=e.get_kind_display(),
            target=e.request.public_id,
            changes=_event_changes(e, assigned),
            note=e.note,
            public=e.public,
        )
        for e in events
    ]


def _from_records(records: list[AuditRecord]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=r.at,
            actor=_actor_name(r.actor),
            source=r.source,
            action=f"{r.get_action_display()} {r.target_type.name}",
            target=r.target_repr,
            changes=r.changes,
        )
        for r in records
    ]


def _newest_first(entries: list[AuditEntry], limit: int) -> list[AuditEntry]:
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]


def audit_trail_for_request(
    service_request: ServiceRequest, *, limit: int = 500
) -> list[AuditEntry]:
    events = list(
        RequestEvent.objects.filter(request=service_request)
        .select_related("actor", "request")
        .order_by("-at", "-id")[:limit]
    )
    records = list(
        AuditRecord.objects.filter(
            target_type=ContentType.objects.get_for_model(ServiceRequest),
            target_id=str(service_request.pk),
        ).select_related("actor", "target_type")[:limit]
    )
    return _newest_first(_from_events(events) + _from_records(records), limit)


def audit_trail_for_user(
    subject: User, *, since: datetime | None = None, limit: int = 200
) -> list[AuditEntry]:
    """What one person changed: request history they wrote and every other audited edit."""
    events = RequestEvent.objects.filter(actor=subject).select_related("actor", "request")
    records = AuditRecord.objects.filter(actor=subject).select_related("actor", "target_type")
    if since is not None:
        events = events.filter(at__gte=since)
        records = records.filter(at__gte=since)
    return _newest_first(
        _from_events(list(events.order_by("-at", "-id")[:limit]))
        + _from_records(list(records[:limit])),
        limit,
    )
