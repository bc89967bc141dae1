"""Keeping time on open requests (C7, C8): escalation of unacknowledged requests, promises
at risk, and "still on it" updates instead of silence. Beat jobs in `work.tasks` run them;
each writes the request's history through `intake.services.request_event_record`."""

from datetime import timedelta

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.utils import timezone

from core.models import Department
from intake.models import EventKind, RequestEvent, ServiceRequest
from intake.public_notes import STILL_ON_IT, automatic_data
from intake.selectors import at_risk_q, with_at_risk
from intake.services import request_event_record, request_locked_if_free
from intake.statuses import OPEN_STATUSES, Status, is_closed
from notifications.models import MessageKind
from notifications.services import outbox_enqueue_staff_alert


def requests_escalate_unacknowledged() -> int:
    """New requests left unacknowledged past their department's limit go to the supervisor.

    Each escalation is an internal event on the request, recorded once.
    """
    now = timezone.now()
    escalated = 0
    for department in Department.objects.filter(is_active=True):
        limit = now - department.acknowledge_within
        with transaction.atomic():
            overdue = (
                ServiceRequest.objects.filter(
                    department=department,
                    status=Status.NEW,
                    created_at__lte=limit,
                    escalated_at__isnull=True,
                )
                .select_for_update(skip_locked=True)
                .order_by("id")[:500]
            )
            for service_request in overdue:
                service_request.escalated_at = now
                service_request.save(update_fields=["escalated_at"])
                event = request_event_record(
                    service_request=service_request,
                    kind=EventKind.ESCALATED,
                    at=now,
                    actor=None,
                    public=False,
                    note=(
                        f"Not acknowledged within {department.acknowledge_within}: "
                        "escalated to the department's supervisors."
                    ),
                    data={"department": department.slug},
                )
                outbox_enqueue_staff_alert(event=event, kind=MessageKind.ESCALATED)
                escalated += 1
    return escalated


def service_requests_send_still_on_it(*, limit: int = 500) -> int:
    """C8: requests with no public news for their service's number of days get a short
    "still on it" update instead of silence."""
    now = timezone.now()
    candidates = (
        ServiceRequest.objects.filter(status__in=OPEN_STATUSES)
        .filter(
            last_public_update_at__lte=ExpressionWrapper(
                Value(now) - Value(timedelta(days=1)) * F("service__still_on_it_days"),
                output_field=DateTimeField(),
            )
        )
        .order_by("last_public_update_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in candidates:
        with transaction.atomic():
            locked = request_locked_if_free(pk)
            if locked is None or is_closed(locked.status):
                continue
            owner = locked.department.public_label()
            request_event_record(
                service_request=locked,
                kind=EventKind.PUBLIC_NOTE,
                at=now,
                actor=None,
                public=True,
                note=f"{owner} is still working on this request.",
                data=automatic_data(STILL_ON_IT, department=locked.department.slug),
            )
            sent += 1
    return sent


def service_requests_flag_at_risk(*, limit: int = 500) -> list[RequestEvent]:
    """C7: promises most of whose time is used while work has not started are flagged once,
    so a supervisor can act (or re-date openly) before the deadline."""
    now = timezone.now()
    risky = (
        with_at_risk(ServiceRequest.objects.filter(at_risk_alerted_at__isnull=True), now)
        .filter(at_risk_q(now))
        .order_by("promised_at")
        .values_list("pk", flat=True)[:limit]
    )
    flagged = []
    for pk in risky:
        with transaction.atomic():
            locked = request_locked_if_free(pk)
            if locked is None or locked.at_risk_alerted_at is not None:
                continue
            locked.at_risk_alerted_at = now
            locked.save(update_fields=["at_risk_alerted_at"])
            event = request_event_record(
                service_request=locked,
                kind=EventKind.AT_RISK,
                at=now,
                actor=None,
                public=False,
                note="Most of the promised time is used and work has not started.",
                data={
                    "promised_at": locked.promised_at.isoformat() if locked.promised_at else None
                },
            )
            outbox_enqueue_staff_alert(event=event)
            flagged.append(event)
    return flagged
