"""Reads of the Open311 interface: public fields only, never who reported a request."""

from datetime import datetime
from typing import Any

from django.db.models import Case, F, OuterRef, Prefetch, QuerySet, Subquery, When
from django.utils import timezone

from intake.models import RequestEvent, Service, ServiceRequest
from intake.public import public_address, public_point
from intake.statuses import CLOSED_STATUSES, OPEN_STATUSES, open311_status


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the city's UTC offset, as GeoReport v2 asks."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def services_public() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).prefetch_related("attributes").order_by("code")


def service_as_open311(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": any(a.variable for a in service.attributes.all()),
        "type": service.type,
        "keywords": ",".join(service.keywords),
        "group": service.group,
    }


def service_definition_as_open311(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description or None,
                "order": attribute.order,
                "description": attribute.description,
                "values": [
                    {"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                    for v in attribute.values
                    if isinstance(v, dict)
                ],
            }
            for attribute in sorted(service.attributes.all(), key=lambda a: (a.order, a.code))
        ],
    }


def requests_public(*, extensions: bool = False) -> QuerySet[ServiceRequest]:
    latest_public_note = (
        RequestEvent.objects.filter(request=OuterRef("pk"), public=True)
        .exclude(note="")
        .order_by("-at", "-id")
        .values("note")[:1]
    )
    queryset = ServiceRequest.objects.select_related(
        "service", "department", "duplicate_of"
    ).annotate(status_notes=Subquery(latest_public_note))
    if extensions:
        queryset = queryset.prefetch_related(
            Prefetch(
                "events",
                queryset=RequestEvent.objects.filter(public=True).order_by("at", "id"),
                to_attr="public_events",
            )
        )
    return queryset


def requests_with_status(
    queryset: QuerySet[ServiceRequest], statuses: set[str]
) -> QuerySet[ServiceRequest]:
    wanted: set[str] = set()
    if "open" in statuses:
        wanted |= OPEN_STATUSES
    if "closed" in statuses:
        wanted |= CLOSED_STATUSES
    return queryset.filter(status__in=wanted)


def requests_updated_between(
    queryset: QuerySet[ServiceRequest], *, after: datetime | None, before: datetime | None
) -> QuerySet[ServiceRequest]:
    """updated_after/updated_before read the same moment `updated_datetime` shows: a closed
    request's closing time, else its last write, so an incremental sync sees what it asked."""
    if after is None and before is None:
        return queryset
    queryset = queryset.annotate(
        open311_updated=Case(
            When(status__in=CLOSED_STATUSES, closed_at__isnull=False, then=F("closed_at")),
            default=F("updated_at"),
        )
    )
    if after is not None:
        queryset = queryset.filter(open311_updated__gt=after)
    if before is not None:
        queryset = queryset.filter(open311_updated__lt=before)
    return queryset


def service_notice(service_request: ServiceRequest) -> str:
    owner = service_request.department.public_label()
    if open311_status(service_request.status) == "closed":
        return ""
    if service_request.promised_at is None:
        return f"{owner} will handle this request."
    promised = timezone.localtime(service_request.promised_at)
    return f"{owner} will handle this request. We aim to finish by {promised:%A %-d %B %Y}."


def _updated(service_request: ServiceRequest) -> datetime:
    """GeoReport v2: "for requests with status=closed, this will be the date the request was
    closed", whatever was written to the request since (a survey answer, a note)."""
    if open311_status(service_request.status) == "closed" and service_request.closed_at:
        return service_request.closed_at
    return service_request.updated_at


def request_as_open311(
    service_request: ServiceRequest, *, extensions: bool = False
) -> dict[str, Any]:
    """The spec's fields, null where the city does not know them; a sensitive service's
    request at its block, by street name only (as on its public status page), no text."""
    point = public_point(service_request)
    sensitive = service_request.service.is_sensitive
    data: dict[str, Any] = {
        "service_request_id": service_request.public_id,
        "status": open311_status(service_request.status),
        "status_notes": getattr(service_request, "status_notes", None) or None,
        "service_name": service_request.service.name,
        "service_code": service_request.service.code,
        # Free text about a sensitive problem tends to name the home (the status page never
        # shows it): a sensitive request's description stays with the city.
        "description": None if sensitive else service_request.description or None,
        "agency_responsible": service_request.department.public_label(),
        "service_notice": service_notice(service_request) or None,
        "requested_datetime": w3c(service_request.created_at),
        "updated_datetime": w3c(_updated(service_request)),
        "expected_datetime": w3c(service_request.promised_at),
        "address": public_address(service_request) or None,
        "address_id": None if sensitive else service_request.address_id or None,
        "zipcode": service_request.zipcode or None,
        "lat": point.y if point is not None else None,
        "long": point.x if point is not None else None,
        "media_url": service_request.media_urls[0] if service_request.media_urls else None,
    }
    if extensions:
        data["extended_attributes"] = {
            "detailed_status": service_request.status,
            "channel": service_request.channel,
            "media_urls": list(service_request.media_urls),
            "duplicate_of": service_request.duplicate_of.public_id
            if service_request.duplicate_of_id and service_request.duplicate_of
            else None,
            "status_history": [
                {"datetime": w3c(event.at), "kind": event.kind, "note": event.note}
                for event in getattr(service_request, "public_events", [])
                if event.note
            ],
        }
    return data
