"""Taking a new request from any channel: validate the command, route it, record it."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.contacts import email_clean, phone_normalise
from core.errors import InvalidInput
from core.idempotency import once
from core.throttles import rate_limit_take
from intake import policies
from intake.attributes import clean_attribute_values
from intake.commands import IntakeCommand, Location, Requester, Submitted
from intake.limits import MAX_DESCRIPTION, MAX_MEDIA_URLS
from intake.models import (
    ContactChannel,
    EventKind,
    Priority,
    RequestEvent,
    Service,
    ServiceRequest,
    new_request_token,
)
from intake.selectors import service_requests_possible_duplicates
from intake.statuses import Status
from notifications.services import outbox_enqueue_for_event
from routing_adapter.selectors import RoutingDecision, location_in_city, route_request

# Public channels share one allowance per address: the anonymous write rate.
PUBLIC_WRITE_SCOPE = "open311_anon_write"
NO_REQUESTER = Requester()


def requester_clean(requester: Requester, *, prefix: str = "requester_") -> Requester:
    """The requester with a checked email and an E.164 phone, or field errors for both."""
    errors: dict[str, list[str]] = {}
    email, phone = requester.email, requester.phone
    try:
        email = email_clean(requester.email)
    except InvalidInput as exc:
        errors[f"{prefix}email"] = exc.errors["email"]
    try:
        phone = phone_normalise(requester.phone)
    except InvalidInput as exc:
        errors[f"{prefix}phone"] = exc.errors["phone"]
    if requester.language not in dict(settings.LANGUAGES):
        errors[f"{prefix}language"] = [
            f"Choose one of: {', '.join(code for code, _ in settings.LANGUAGES)}."
        ]
    if requester.channel not in ContactChannel.values:
        errors[f"{prefix}channel"] = [f"Choose one of: {', '.join(ContactChannel.values)}."]
    elif requester.channel == ContactChannel.EMAIL and not email:
        errors.setdefault(
            f"{prefix}email", ["An email address is needed to send updates by email."]
        )
    elif requester.channel in (ContactChannel.SMS, ContactChannel.PHONE) and not phone:
        errors.setdefault(
            f"{prefix}phone", ["A phone number is needed to send updates by text or phone."]
        )
    if errors:
        raise InvalidInput(errors)
    return replace(requester, email=email, phone=phone)


def _validated(command: IntakeCommand) -> tuple[Requester, dict[str, Any]]:
    """The command's requester and attributes, cleaned; every problem reported at once."""
    errors: dict[str, Any] = {}
    requester = command.requester
    try:
        requester = requester_clean(command.requester)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if not command.service.is_active:
        errors["service"] = ["This service is no longer offered."]
    if len(command.description) > MAX_DESCRIPTION:
        errors["description"] = [f"At most {MAX_DESCRIPTION} characters."]
    point = command.location.point
    if command.location.is_empty:
        errors["location"] = ["Give a location or an address."]
    elif point is not None and not location_in_city(point):
        errors["location"] = [f"This location is outside {settings.CIVIC311_CITY_NAME}."]
    if len(command.media_urls) > MAX_MEDIA_URLS:
        errors["media_urls"] = [f"At most {MAX_MEDIA_URLS} media links."]
    attributes: dict[str, Any] = {}
    try:
        attributes = clean_attribute_values(service=command.service, raw=command.attributes)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return requester, attributes


def _new_request(
    command: IntakeCommand,
    *,
    requester: Requester,
    attributes: dict[str, Any],
    actor: User | None,
    received: datetime,
    token: str,
) -> ServiceRequest:
    """The unsaved request as the command describes it; routing fills in the owner."""
    location = command.location
    return ServiceRequest(
        token=token,
        service=command.service,
        attributes=attributes,
        description=command.description.strip(),
        location=location.point,
        address=location.address.strip(),
        address_id=location.address_id.strip(),
        zipcode=location.zipcode.strip(),
        media_urls=list(command.media_urls),
        requester_first_name=requester.first_name,
        requester_last_name=requester.last_name,
        requester_email=requester.email,
        requester_phone=requester.phone,
        requester_language=requester.language,
        requester_channel=requester.channel,
        channel=command.channel,
        created_by=actor,
        priority=command.priority,
        status=Status.NEW,
        last_public_update_at=received,
        created_at=received,
        updated_at=received,
    )


def _possible_duplicates(service_request: ServiceRequest) -> list[str]:
    """Checked on every intake so staff see likely duplicates on the request itself (C6).
    Asked before the request is stored, so it need not exclude itself."""
    if service_request.location is None:
        return []
    return list(
        service_requests_possible_duplicates(
            service=service_request.service,
            location=service_request.location,
            at=service_request.created_at,
            limit=5,
        ).values_list("public_id", flat=True)
    )


def _record_intake(
    service_request: ServiceRequest,
    *,
    decision: RoutingDecision,
    actor: User | None,
    possible_duplicates: list[str],
) -> RequestEvent:
    """The `created` and `routed` events, in one statement; the routed one is returned."""
    received = service_request.created_at
    owner = decision.department.public_label()
    _created_event, routed_event = RequestEvent.objects.bulk_create(
        [
            RequestEvent(
                request=service_request,
                kind=EventKind.CREATED,
                at=received,
                actor=actor,
                public=True,
                data={
                    "channel": service_request.channel,
                    "service": service_request.service.code,
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
    return routed_event


@transaction.atomic
def _create(command: IntakeCommand, *, actor: User | None, token: str) -> ServiceRequest:
    requester, attributes = _validated(command)
    received = command.received_at or timezone.now()
    service_request = _new_request(
        command,
        requester=requester,
        attributes=attributes,
        actor=actor,
        received=received,
        token=token,
    )
    decision = route_request(service_request=service_request)
    service_request.department = decision.department
    service_request.unit = decision.unit
    service_request.promised_at = decision.promised_at
    service_request.routing_rule = decision.rule_id
    possible_duplicates = _possible_duplicates(service_request)
    service_request.save(force_insert=True)
    routed_event = _record_intake(
        service_request, decision=decision, actor=actor, possible_duplicates=possible_duplicates
    )
    # A web or app submission becomes an interaction for QA a minute later, in bulk
    # (interactions_record_submissions): nothing here needs it.
    outbox_enqueue_for_event(event=routed_event, new_request=True)
    return service_request


def service_request_submit(
    *, command: IntakeCommand, actor: User | None, client_address: str = ""
) -> Submitted:
    """Take a request from any channel: validate, route, record. Actor None means a resident.

    A public channel without a client key gives the caller's address: the per-address
    write allowance applies (RateLimited when spent). A command with an idempotency key
    answers a repeat of the same attempt within the window with the first one's request."""
    if actor is not None:
        policies.ensure(policies.can_create_request(actor), "You cannot log service requests.")
    if client_address:
        rate_limit_take(scope=PUBLIC_WRITE_SCOPE, ident=f"ip-{client_address}")
    if not command.idempotency_key:
        return Submitted(_create(command, actor=actor, token=new_request_token()), repeat=False)
    created, repeat = once(
        fingerprint=command.fingerprint(),
        window_seconds=settings.CIVIC311_OPEN311_IDEMPOTENCY_SECONDS,
        token=new_request_token(),
        create=lambda token: _create(command, actor=actor, token=token),
        find=lambda token: ServiceRequest.objects.filter(token=token).first(),
    )
    return Submitted(created, repeat=repeat)


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
    requester: Requester = NO_REQUESTER,
    priority: int = Priority.NORMAL,
    actor: User | None = None,
    received_at: datetime | None = None,
) -> ServiceRequest:
    """The keyword form of `service_request_submit`, for the demo generator and tests that
    create requests from a point they already hold."""
    command = IntakeCommand(
        service=service,
        channel=channel,
        location=Location(
            lat=location.y if location is not None else None,
            long=location.x if location is not None else None,
            address=address,
            address_id=address_id,
            zipcode=zipcode,
        ),
        description=description,
        attributes=dict(attributes or {}),
        media_urls=tuple(media_urls),
        requester=requester,
        priority=priority,
        received_at=received_at,
    )
    return service_request_submit(command=command, actor=actor).service_request
