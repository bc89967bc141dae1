"""Working a department's queue: claiming the next item safely, changing many at once."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidInput
from core.models import Department, WorkUnit
from intake import policies
from intake.models import EventKind, ServiceRequest
from intake.public_notes import CLAIMED
from intake.services import (
    request_event_record,
    service_request_assign,
    service_request_change_status,
)
from intake.statuses import OPEN_STATUSES, Status
from interactions.recording import courtesy_check_note
from notifications.models import RecoveryStatus, ServiceRecoveryTask
from work.timeliness import requests_escalate_unacknowledged

# Escalation lives with the other timekeeping jobs in work.timeliness; re-exported here,
# where callers have always found it.
__all__ = [
    "queue_claim_next",
    "recovery_task_complete",
    "requests_bulk_change_status",
    "requests_escalate_unacknowledged",
]

MAX_BULK = 200


@transaction.atomic
def queue_claim_next(
    *, actor: User, department: Department, unit: WorkUnit | None = None
) -> ServiceRequest | None:
    """Give the actor the most urgent unassigned request. Two people never get the same one:
    rows another session is claiming are skipped (SKIP LOCKED), not waited for."""
    if not policies.works_for(actor, department.pk):
        raise PermissionDenied("You do not work for this department.")
    candidates = ServiceRequest.objects.filter(
        department=department,
        status__in=OPEN_STATUSES - {Status.ON_HOLD},
        assignee__isnull=True,
    )
    if unit is not None:
        candidates = candidates.filter(unit=unit)
    claimed = (
        candidates.order_by("promised_at", "-priority", "created_at", "id")
        .select_for_update(skip_locked=True, of=("self",))
        .first()
    )
    if claimed is None:
        return None
    service_request_assign(service_request=claimed, actor=actor, unit=claimed.unit, assignee=actor)
    if claimed.status == Status.NEW:
        owner = department.public_label()
        service_request_change_status(
            service_request=claimed,
            to_status=Status.ACKNOWLEDGED,
            actor=actor,
            note=f"{owner} has your request and someone is now working on it.",
            automatic=CLAIMED,
        )
    claimed.refresh_from_db()
    return claimed


@transaction.atomic
def requests_bulk_change_status(
    *,
    actor: User,
    public_ids: Sequence[str],
    to_status: str,
    note: str,
    courtesy_override_reason: str = "",
) -> list[ServiceRequest]:
    """One status and one public note for many requests: all change, or none does."""
    ids = list(dict.fromkeys(public_ids))
    if not ids:
        raise InvalidInput.field("requests", "Choose at least one request.")
    if len(ids) > MAX_BULK:
        raise InvalidInput.field("requests", f"At most {MAX_BULK} requests at a time.")
    found = {r.public_id: r for r in ServiceRequest.objects.filter(public_id__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput.field("requests", f"Unknown requests: {', '.join(missing[:10])}.")
    if note.strip():
        # One note for all of them: screened once, so its flags are reported once (C4, C5).
        courtesy_check_note(
            text=note.strip(),
            public=True,
            override_reason=courtesy_override_reason,
            field="note",
        )
    changed = []
    for public_id in ids:
        try:
            changed.append(
                service_request_change_status(
                    service_request=found[public_id],
                    to_status=to_status,
                    actor=actor,
                    note=note,
                    courtesy_override_reason=courtesy_override_reason,
                )
            )
        except InvalidInput as exc:
            raise InvalidInput(
                {"requests": [f"{public_id}: {m}" for ms in exc.errors.values() for m in ms]}
            ) from exc
    return changed


@transaction.atomic
def recovery_task_complete(
    *, task: ServiceRecoveryTask, actor: User, outcome: str
) -> ServiceRecoveryTask:
    """C9: the supervisor contacted the resident, agreed what to do and did it."""
    locked = ServiceRecoveryTask.objects.select_for_update().get(pk=task.pk)
    if not policies.works_for(actor, locked.request.department_id):
        raise PermissionDenied("This recovery belongs to another department.")
    if locked.status == RecoveryStatus.DONE:
        raise InvalidInput.field("status", "This recovery is already done.")
    outcome = outcome.strip()
    if not outcome:
        raise InvalidInput.field("outcome", "Say what was agreed with the resident and done.")
    locked.status = RecoveryStatus.DONE
    locked.done_at = timezone.now()
    locked.outcome = outcome
    locked.save(update_fields=["status", "done_at", "outcome"])
    request_event_record(
        service_request=locked.request,
        kind=EventKind.INTERNAL_NOTE,
        at=locked.done_at,
        actor=actor,
        public=False,
        note=f"Service recovery done: {outcome}",
        data={"recovery_task": locked.pk},
    )
    return locked
