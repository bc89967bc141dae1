"""The request's history: the one function that appends to it, and the row locks writers hold.

Every other app that records something on a request (escalation, at-risk, still-on-it,
service recovery in `work/`) writes through `request_event_record`.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from accounts.models import User
from intake.models import EventKind, RequestEvent, ServiceRequest
from notifications.services import outbox_enqueue_for_event


def request_event_record(
    *,
    service_request: ServiceRequest,
    kind: EventKind,
    at: datetime,
    actor: User | None,
    public: bool,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    notify: bool = True,
) -> RequestEvent:
    """Append to the history; a public event also writes its messages to the outbox (C8),
    in the same transaction, so an update is never recorded without being sent."""
    event = RequestEvent.objects.create(
        request=service_request,
        kind=kind,
        at=at,
        actor=actor,
        public=public,
        note=note,
        data=dict(data or {}),
    )
    if public:
        ServiceRequest.objects.filter(pk=service_request.pk).update(last_public_update_at=at)
        service_request.last_public_update_at = at
        if notify:
            outbox_enqueue_for_event(event=event)
    return event


def request_locked(service_request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=service_request.pk)


def request_locked_if_free(pk: int) -> ServiceRequest | None:
    """The request under lock, or None when another worker holds it (it will handle it)."""
    return ServiceRequest.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
