"""Working a request: the one place its status changes, notes, assignment, promised dates."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidInput
from core.models import WorkUnit
from intake import policies
from intake.limits import MAX_NOTE
from intake.models import EventKind, RequestEvent, ServiceRequest
from intake.public_notes import automatic_data
from intake.services.history import request_event_record, request_locked
from intake.statuses import NOTE_REQUIRED, Status, can_move, is_closed
from interactions.models import InteractionKind
from interactions.recording import courtesy_check_note, interaction_record
from routing_adapter.services import routing_feedback_record


def move(
    service_request: ServiceRequest,
    *,
    to_status: str,
    at: datetime,
    actor: User | None,
    note: str,
    automatic: str = "",
) -> None:
    """The one place a request's status changes. The caller holds the row lock. `automatic`
    names a note the system wrote itself (`intake.public_notes`)."""
    from_status = service_request.status
    if not can_move(from_status, to_status):
        raise InvalidInput.field(
            "status",
            f"A request that is {Status(from_status).label.lower()} cannot be moved to "
            f"{Status(to_status).label.lower()}.",
        )
    if to_status in NOTE_REQUIRED and not note.strip():
        raise InvalidInput.field("note", "Explain to the resident why, in plain words.")
    reopening = is_closed(from_status) and not is_closed(to_status)
    service_request.status = to_status
    service_request.updated_at = at
    if from_status == Status.NEW and service_request.acknowledged_at is None:
        service_request.acknowledged_at = at
    if is_closed(to_status):
        service_request.closed_at = at
        if (
            to_status != Status.CLOSED_DUPLICATE
            and service_request.promised_at is not None
            and at > service_request.promised_at
        ):
            service_request.promise_broken = True  # C7: counted, per department and service
    if reopening:
        service_request.closed_at = None
        service_request.duplicate_of = None
    service_request.save()
    request_event_record(
        service_request=service_request,
        kind=EventKind.REOPENED if reopening else EventKind.STATUS_CHANGED,
        at=at,
        actor=actor,
        public=True,
        note=note.strip(),
        data={"from": from_status, "to": to_status} | _automatic(service_request, automatic),
    )
    if is_closed(to_status) and to_status != Status.CLOSED_DUPLICATE:
        _close_duplicates_with(service_request, at=at, actor=actor, note=note.strip())
    if to_status == Status.RESOLVED and service_request.transfers.exists():
        # The department that resolved it after transfers is the confirmed owner.
        routing_feedback_record(service_request=service_request)


def _automatic(service_request: ServiceRequest, kind: str) -> dict[str, str]:
    return automatic_data(kind, department=service_request.department.slug) if kind else {}


def _close_duplicates_with(
    parent: ServiceRequest, *, at: datetime, actor: User | None, note: str
) -> None:
    """Reporters of merged duplicates hear the outcome on their own request, in the same words."""
    label = Status(parent.status).label.lower()
    for duplicate in parent.duplicates.select_for_update():
        request_event_record(
            service_request=duplicate,
            kind=EventKind.PUBLIC_NOTE,
            at=at,
            actor=actor,
            public=True,
            note=f"Request {parent.public_id}, which this one duplicates, is {label}."
            + (f" {note}" if note else ""),
            data={"parent": parent.public_id, "parent_status": parent.status},
            # The duplicate's reporter follows the parent and hears it from there.
            notify=False,
        )
        duplicate.updated_at = at
        duplicate.save(update_fields=["updated_at"])


@transaction.atomic
def service_request_change_status(
    *,
    service_request: ServiceRequest,
    to_status: str,
    actor: User,
    note: str = "",
    at: datetime | None = None,
    courtesy_override_reason: str = "",
    automatic: str = "",
) -> ServiceRequest:
    locked = request_locked(service_request)
    policies.ensure(
        policies.can_work_request(actor, locked),
        "Only the owning department can change this request's status.",
    )
    if to_status not in Status.values:
        raise InvalidInput.field("status", f"Unknown status {to_status!r}.")
    if to_status == Status.CLOSED_DUPLICATE:
        raise InvalidInput.field("status", "Link the request to the one it duplicates instead.")
    if len(note) > MAX_NOTE:
        raise InvalidInput.field("note", f"At most {MAX_NOTE} characters.")
    at = at or timezone.now()
    if note.strip():
        _screen_and_record_note(
            locked,
            text=note.strip(),
            public=True,
            actor=actor,
            at=at,
            override_reason=courtesy_override_reason,
            field="note",
        )
    move(locked, to_status=to_status, at=at, actor=actor, note=note, automatic=automatic)
    return locked


def _screen_and_record_note(
    service_request: ServiceRequest,
    *,
    text: str,
    public: bool,
    actor: User,
    at: datetime,
    override_reason: str,
    field: str,
) -> None:
    """C4/C5 before a written update leaves: blocked or held for a reason (public), flagged for
    QA (internal). Public notes, and flagged internal ones, become interactions QA can sample."""
    screening = courtesy_check_note(
        text=text, public=public, override_reason=override_reason, field=field
    )
    if not public and not screening.flags:
        return
    interaction_record(
        kind=InteractionKind.PUBLIC_NOTE if public else InteractionKind.INTERNAL_NOTE,
        at=at,
        agent=actor,
        department=service_request.department,
        service=service_request.service,
        requests=[service_request],
        text=text,
        language=service_request.requester_language,
        screening=screening,
        override_reason=override_reason if screening.flags else "",
    )


@transaction.atomic
def service_request_add_note(
    *,
    service_request: ServiceRequest,
    text: str,
    public: bool,
    actor: User,
    courtesy_override_reason: str = "",
) -> RequestEvent:
    locked = request_locked(service_request)
    policies.ensure(policies.can_add_note(actor, locked), "You cannot add notes to this request.")
    text = text.strip()
    if not text:
        raise InvalidInput.field("text", "Write the note.")
    if len(text) > MAX_NOTE:
        raise InvalidInput.field("text", f"At most {MAX_NOTE} characters.")
    now = timezone.now()
    _screen_and_record_note(
        locked,
        text=text,
        public=public,
        actor=actor,
        at=now,
        override_reason=courtesy_override_reason,
        field="text",
    )
    if public:
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
    return request_event_record(
        service_request=locked,
        kind=EventKind.PUBLIC_NOTE if public else EventKind.INTERNAL_NOTE,
        at=now,
        actor=actor,
        public=public,
        note=text,
    )


@transaction.atomic
def service_request_assign(
    *,
    service_request: ServiceRequest,
    actor: User,
    unit: WorkUnit | None = None,
    assignee: User | None = None,
) -> ServiceRequest:
    locked = request_locked(service_request)
    policies.ensure(
        policies.can_work_request(actor, locked),
        "Only the owning department can assign this request.",
    )
    errors: dict[str, list[str]] = {}
    if unit is not None and unit.department_id != locked.department_id:
        errors["unit"] = [f"This unit is not part of {locked.department.name}."]
    if assignee is not None and not assignee.departments.filter(pk=locked.department_id).exists():
        errors["assignee"] = [f"This person does not work for {locked.department.name}."]
    if errors:
        raise InvalidInput(errors)
    locked.unit = unit
    locked.assignee = assignee
    locked.updated_at = timezone.now()
    locked.save(update_fields=["unit", "assignee", "updated_at"])
    request_event_record(
        service_request=locked,
        kind=EventKind.ASSIGNED,
        at=locked.updated_at,
        actor=actor,
        public=False,
        data={
            "unit": unit.slug if unit else None,
            "assignee": assignee.username if assignee else None,
        },
    )
    return locked


@transaction.atomic
def service_request_change_promise(
    *, service_request: ServiceRequest, actor: User, promised_at: datetime, reason: str
) -> ServiceRequest:
    """A promise that will be missed gets a new date and a reason, told to the resident (C7).

    Re-dating before the old date passes keeps faith; after it, the promise counts as broken.
    """
    locked = request_locked(service_request)
    policies.ensure(
        policies.can_work_request(actor, locked),
        "Only the owning department can change the promised date.",
    )
    reason = reason.strip()
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if is_closed(locked.status):
        errors["status"] = ["This request is closed."]
    if not reason:
        errors["reason"] = ["Tell the resident why the date moves, in plain words."]
    elif len(reason) > MAX_NOTE:
        errors["reason"] = [f"At most {MAX_NOTE} characters."]
    if promised_at <= now:
        errors["promised_at"] = ["The new date must be in the future."]
    elif locked.promised_at is not None and promised_at <= locked.promised_at:
        errors["promised_at"] = ["The new date must be later than the current one."]
    if errors:
        raise InvalidInput(errors)
    previous = locked.promised_at
    if previous is not None and now > previous:
        locked.promise_broken = True
    locked.promised_at = promised_at
    locked.promise_changes += 1
    locked.at_risk_alerted_at = None
    locked.updated_at = now
    locked.save(
        update_fields=[
            "promised_at",
            "promise_changes",
            "promise_broken",
            "at_risk_alerted_at",
            "updated_at",
        ]
    )
    request_event_record(
        service_request=locked,
        kind=EventKind.PROMISE_CHANGED,
        at=now,
        actor=actor,
        public=True,
        note=reason,
        data={
            "from": previous.isoformat() if previous else None,
            "to": promised_at.isoformat(),
            "late": previous is not None and now > previous,
        },
    )
    return locked


@transaction.atomic
def service_request_reopen_by_resident(
    *, service_request: ServiceRequest, reason: str
) -> ServiceRequest:
    """The resident says it is not fixed: the same request opens again, history kept (C10)."""
    locked = request_locked(service_request)
    if not is_closed(locked.status) or locked.status == Status.CLOSED_DUPLICATE:
        return locked
    move(
        locked,
        to_status=Status.ACKNOWLEDGED,
        at=timezone.now(),
        actor=None,
        note=reason,
    )
    return locked
