"""Writes on service requests: one function per use case, each in one transaction.

Status changes happen only through `_move`, which applies the transition table.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidInput
from core.models import Department, WorkUnit
from intake import policies
from intake.attributes import clean_attribute_values
from intake.models import (
    ContactChannel,
    EventKind,
    Follower,
    Priority,
    RequestEvent,
    Service,
    ServiceRequest,
    Transfer,
    new_request_token,
)
from intake.selectors import at_risk_q, service_requests_possible_duplicates, with_at_risk
from intake.statuses import NOTE_REQUIRED, OPEN_STATUSES, Status, can_move, is_closed
from interactions.models import InteractionKind
from interactions.recording import courtesy_check_note, interaction_record
from notifications.services import outbox_enqueue_for_event, outbox_enqueue_staff_alert
from routing_adapter.selectors import location_in_city, route_request, routing_desk
from routing_adapter.services import routing_feedback_record

# After this many transfers a request stops moving between departments: supervisors decide.
TRANSFERS_BEFORE_ROUTING_DESK = 2

MAX_DESCRIPTION = 4000
MAX_NOTE = 4000
MAX_MEDIA_URLS = 10


@dataclass(frozen=True)
class Requester:
    """Who asked, and how they want to hear back (C8: their channel, their language)."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "en"
    channel: str = ContactChannel.NONE


def _validate_requester(requester: Requester) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if requester.language not in dict(settings.LANGUAGES):
        errors["requester_language"] = [
            f"Choose one of: {', '.join(code for code, _ in settings.LANGUAGES)}."
        ]
    if requester.channel not in ContactChannel.values:
        errors["requester_channel"] = [f"Choose one of: {', '.join(ContactChannel.values)}."]
    elif requester.channel == ContactChannel.EMAIL and not requester.email:
        errors["requester_email"] = ["An email address is needed to send updates by email."]
    elif requester.channel in (ContactChannel.SMS, ContactChannel.PHONE) and not requester.phone:
        errors["requester_phone"] = ["A phone number is needed to send updates by text or phone."]
    return errors


def _validate_intake(
    *,
    service: Service,
    description: str,
    location: Point | None,
    address: str,
    address_id: str,
    media_urls: Sequence[str],
    requester: Requester,
) -> dict[str, list[str]]:
    errors = _validate_requester(requester)
    if not service.is_active:
        errors["service"] = ["This service is no longer offered."]
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [f"At most {MAX_DESCRIPTION} characters."]
    if location is None and not address.strip() and not address_id.strip():
        errors["location"] = ["Give a location or an address."]
    elif location is not None and not location_in_city(location):
        errors["location"] = [f"This location is outside {settings.CIVIC311_CITY_NAME}."]
    if len(media_urls) > MAX_MEDIA_URLS:
        errors["media_urls"] = [f"At most {MAX_MEDIA_URLS} media links."]
    return errors


def _record(
    service_request: ServiceRequest,
    *,
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


@transaction.atomic
def service_request_create(
    *,
    service: Service,
    channel: str,
    description: str = "",
    location: Point | None = None,
    address: str = "",
    address_id: str = "",
    zipcode: str = "",
    attributes: Mapping[str, Any] | None = None,
    media_urls: Sequence[str] = (),
    requester: Requester = Requester(),
    priority: int = Priority.NORMAL,
    actor: User | None = None,
    received_at: datetime | None = None,
    token: str = "",
) -> ServiceRequest:
    """Take a request from any channel: validate, route, record. Actor None means a resident.

    A caller that must know the request's token before it exists (Open311 idempotency) can
    pass one made by `new_request_token`."""
    if actor is not None:
        policies.ensure(policies.can_create_request(actor), "You cannot log service requests.")
    errors = _validate_intake(
        service=service,
        description=description,
        location=location,
        address=address,
        address_id=address_id,
        media_urls=media_urls,
        requester=requester,
    )
    try:
        cleaned_attributes = clean_attribute_values(service=service, raw=attributes or {})
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)

    now = timezone.now()
    received = received_at or now
    decision = route_request(
        service=service,
        location=location,
        received_at=received,
        description=description,
        address=address,
        zipcode=zipcode,
        attributes=cleaned_attributes,
        channel=channel,
    )
    service_request = ServiceRequest.objects.create(
        token=token or new_request_token(),
        service=service,
        attributes=cleaned_attributes,
        description=description.strip(),
        location=location,
        address=address.strip(),
        address_id=address_id.strip(),
        zipcode=zipcode.strip(),
        media_urls=list(media_urls),
        requester_first_name=requester.first_name,
        requester_last_name=requester.last_name,
        requester_email=requester.email,
        requester_phone=requester.phone,
        requester_language=requester.language,
        requester_channel=requester.channel,
        channel=channel,
        department=decision.department,
        unit=decision.unit,
        created_by=actor,
        priority=priority,
        status=Status.NEW,
        promised_at=decision.promised_at,
        last_public_update_at=received,
        routing_rule=decision.rule_id,
        created_at=received,
        updated_at=received,
    )
    # Checked on every intake so staff see likely duplicates on the request itself (C6).
    possible_duplicates = (
        list(
            service_requests_possible_duplicates(
                service=service,
                location=location,
                at=received,
                exclude_id=service_request.pk,
                limit=5,
            ).values_list("public_id", flat=True)
        )
        if location is not None
        else []
    )
    owner = decision.department.public_name or decision.department.name
    _created_event, routed_event = RequestEvent.objects.bulk_create(
        [
            RequestEvent(
                request=service_request,
                kind=EventKind.CREATED,
                at=received,
                actor=actor,
                public=True,
                data={
                    "channel": channel,
                    "service": service.code,
                    "possible_duplicates": possible_duplicates,
                },
            ),
            RequestEvent(
                request=service_request,
                kind=EventKind.ROUTED,
                at=received,
                actor=None,
                public=True,
                # Plain words for the resident; the engine's reasons stay in the data for staff.
                note=f"{owner} will handle your request. "
                f"Reference number: {service_request.public_id}.",
                data=decision.as_event_data(),
            ),
        ]
    )
    # A web or app submission becomes an interaction for QA a minute later, in bulk
    # (interactions_record_submissions): nothing here needs it.
    outbox_enqueue_for_event(event=routed_event, new_request=True)
    return service_request


def _locked(service_request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=service_request.pk)


def _move(
    service_request: ServiceRequest,
    *,
    to_status: str,
    at: datetime,
    actor: User | None,
    note: str,
) -> None:
    """The one place a request's status changes. The caller holds the row lock."""
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
    _record(
        service_request,
        kind=EventKind.REOPENED if reopening else EventKind.STATUS_CHANGED,
        at=at,
        actor=actor,
        public=True,
        note=note.strip(),
        data={"from": from_status, "to": to_status},
    )
    if is_closed(to_status) and to_status != Status.CLOSED_DUPLICATE:
        _close_duplicates_with(service_request, at=at, actor=actor, note=note.strip())
    if to_status == Status.RESOLVED and service_request.transfers.exists():
        # The department that resolved it after transfers is the confirmed owner.
        routing_feedback_record(service_request=service_request)


def _close_duplicates_with(
    parent: ServiceRequest, *, at: datetime, actor: User | None, note: str
) -> None:
    """Reporters of merged duplicates hear the outcome on their own request, in the same words."""
    label = Status(parent.status).label.lower()
    for duplicate in parent.duplicates.select_for_update():
        _record(
            duplicate,
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
) -> ServiceRequest:
    locked = _locked(service_request)
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
    _move(locked, to_status=to_status, at=at, actor=actor, note=note)
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
    locked = _locked(service_request)
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
    return _record(
        locked,
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
    locked = _locked(service_request)
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
    _record(
        locked,
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
def service_request_link_duplicate(
    *,
    service_request: ServiceRequest,
    duplicate_of: ServiceRequest,
    actor: User,
) -> ServiceRequest:
    locked = _locked(service_request)
    policies.ensure(
        policies.can_work_request(actor, locked),
        "Only the owning department can mark this request as a duplicate.",
    )
    # Read the parent fresh: the caller's copy may be stale. Chains point at the root request.
    parent = ServiceRequest.objects.get(pk=duplicate_of.pk)
    if parent.duplicate_of_id is not None:
        parent = ServiceRequest.objects.get(pk=parent.duplicate_of_id)
    if parent.pk == locked.pk:
        raise InvalidInput.field("duplicate_of", "A request cannot duplicate itself.")
    if is_closed(parent.status):
        raise InvalidInput.field("duplicate_of", "Link to a request that is still open.")
    now = timezone.now()
    note = f"This is the same problem as request {parent.public_id}; follow that one for updates."
    _move(locked, to_status=Status.CLOSED_DUPLICATE, at=now, actor=actor, note=note)
    locked.duplicate_of = parent
    locked.save(update_fields=["duplicate_of"])
    if locked.requester_email or locked.requester_phone:
        Follower.objects.get_or_create(
            request=parent,
            email=locked.requester_email,
            phone=locked.requester_phone,
            defaults={"language": locked.requester_language, "from_request": locked},
        )
    _record(
        locked,
        kind=EventKind.DUPLICATE_LINKED,
        at=now,
        actor=actor,
        public=True,
        data={"duplicate_of": parent.public_id},
    )
    return locked


@transaction.atomic
def service_request_transfer(
    *,
    service_request: ServiceRequest,
    actor: User,
    reason: str,
    suggested_department: Department | None = None,
    override: bool = False,
) -> Transfer:
    """A department that does not own the request passes it on; the resident keeps the same id.

    The new owner is the suggested department, else the engine's next choice excluding every
    department that has declined. A department that declined gets it back only by a
    supervisor's override; after the second transfer it goes to the supervisors' routing desk.
    """
    locked = _locked(service_request)
    policies.ensure(
        policies.can_work_request(actor, locked),
        "Only the department that has the request can transfer it.",
    )
    reason = reason.strip()
    if not reason:
        raise InvalidInput.field("reason", "Say why your department is not the owner.")
    if len(reason) > MAX_NOTE:
        raise InvalidInput.field("reason", f"At most {MAX_NOTE} characters.")
    if is_closed(locked.status):
        raise InvalidInput.field("status", "A closed request is not transferred; reopen it first.")
    at_routing_desk = locked.unit is not None and locked.unit.slug == (
        settings.CIVIC311_ROUTING_DESK_UNIT
    )
    if at_routing_desk:
        # The desk is where supervisors decide: they name the owner, refusals notwithstanding.
        policies.ensure(
            policies.can_override_transfer(actor), "Only supervisors assign from the routing desk."
        )
        if suggested_department is None:
            raise InvalidInput.field("suggested_department", "Name the department that owns it.")
        override = True
    if override and not policies.can_override_transfer(actor):
        raise InvalidInput.field("override", "Only a supervisor can override a refusal.")
    declined = set(locked.transfers.values_list("from_department__slug", flat=True))
    declined.add(locked.department.slug)
    if suggested_department is not None:
        if suggested_department.pk == locked.department_id:
            raise InvalidInput.field(
                "suggested_department", "That department already has the request."
            )
        if not suggested_department.is_active:
            raise InvalidInput.field("suggested_department", "That department is not active.")
        if suggested_department.slug in declined and not override:
            raise InvalidInput.field(
                "suggested_department",
                f"{suggested_department.name} has already declined this request; "
                "a supervisor can override.",
            )
    now = timezone.now()
    earlier_transfers = locked.transfers.count()
    routed_by_rule = locked.routing_rule
    unit: WorkUnit | None = None
    if earlier_transfers + 1 >= TRANSFERS_BEFORE_ROUTING_DESK and not override:
        department, unit = routing_desk()
        rule_id = "routing-desk"
        why = "It has been transferred twice, so a supervisor decides who owns it."
    elif suggested_department is not None:
        department, rule_id = suggested_department, "transfer:suggested"
        why = f"{actor.get_full_name() or actor.username} named the owner."
    else:
        decision = route_request(
            service=locked.service,
            location=locked.location,
            received_at=locked.created_at,
            description=locked.description,
            address=locked.address,
            zipcode=locked.zipcode,
            attributes=locked.attributes,
            channel=locked.channel,
            exclude=declined,
        )
        department, unit, rule_id, why = (
            decision.department,
            decision.unit,
            decision.rule_id,
            decision.explanation,
        )
        if department.slug in declined:
            department, unit = routing_desk()
            rule_id = "routing-desk"
            why = "Every likely owner has declined it, so a supervisor decides."
    transfer = Transfer.objects.create(
        request=locked,
        from_department=locked.department,
        from_unit=locked.unit,
        to_department=department,
        to_unit=unit,
        suggested_department=suggested_department,
        reason=reason,
        routed_by_rule=routed_by_rule,
        override=override,
        actor=actor,
        at=now,
    )
    locked.department, locked.unit, locked.assignee = department, unit, None
    locked.routing_rule = rule_id
    locked.updated_at = now
    locked.save(update_fields=["department", "unit", "assignee", "routing_rule", "updated_at"])
    public_name = department.public_name or department.name
    _record(
        locked,
        kind=EventKind.TRANSFERRED,
        at=now,
        actor=actor,
        public=True,
        note=(
            f"Your request is now with {public_name}, who handle this. "
            f"Your reference number stays {locked.public_id}; you do not need to call again."
        ),
        data={
            "from": transfer.from_department.slug,
            "to": department.slug,
            "unit": unit.slug if unit else None,
            "reason": reason,
            "rule": rule_id,
            "routed_by_rule": routed_by_rule,
            "override": override,
            "explanation": why,
        },
    )
    if suggested_department is not None and rule_id == "transfer:suggested":
        routing_feedback_record(service_request=locked)
    return transfer


@transaction.atomic
def service_request_follow(
    *, service_request: ServiceRequest, email: str = "", phone: str = "", language: str = "en"
) -> Follower:
    """A resident who found their problem already reported follows it instead of filing again."""
    email, phone = email.strip(), phone.strip()
    if not email and not phone:
        raise InvalidInput.field("email", "Give an email address or a phone number.")
    if is_closed(service_request.status):
        raise InvalidInput.field("request", "This request is closed; report the problem anew.")
    follower, _ = Follower.objects.get_or_create(
        request=service_request, email=email, phone=phone, defaults={"language": language}
    )
    return follower


@transaction.atomic
def service_request_change_promise(
    *, service_request: ServiceRequest, actor: User, promised_at: datetime, reason: str
) -> ServiceRequest:
    """A promise that will be missed gets a new date and a reason, told to the resident (C7).

    Re-dating before the old date passes keeps faith; after it, the promise counts as broken.
    """
    locked = _locked(service_request)
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
    _record(
        locked,
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


def _locked_if_free(pk: int) -> ServiceRequest | None:
    """The request under lock, or None when another worker holds it (it will handle it)."""
    return ServiceRequest.objects.select_for_update(skip_locked=True).filter(pk=pk).first()


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
            locked = _locked_if_free(pk)
            if locked is None or is_closed(locked.status):
                continue
            owner = locked.department.public_name or locked.department.name
            _record(
                locked,
                kind=EventKind.PUBLIC_NOTE,
                at=now,
                actor=None,
                public=True,
                note=f"{owner} is still working on this request.",
                data={"automatic": "still_on_it"},
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
            locked = _locked_if_free(pk)
            if locked is None or locked.at_risk_alerted_at is not None:
                continue
            locked.at_risk_alerted_at = now
            locked.save(update_fields=["at_risk_alerted_at"])
            event = _record(
                locked,
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


@transaction.atomic
def service_request_reopen_by_resident(
    *, service_request: ServiceRequest, reason: str
) -> ServiceRequest:
    """The resident says it is not fixed: the same request opens again, history kept (C10)."""
    locked = _locked(service_request)
    if not is_closed(locked.status) or locked.status == Status.CLOSED_DUPLICATE:
        return locked
    _move(
        locked,
        to_status=Status.ACKNOWLEDGED,
        at=timezone.now(),
        actor=None,
        note=reason,
    )
    return locked
