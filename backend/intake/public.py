"""What anyone may see of a request: its status, owner, promised date, public history and
photos. Never a name, email, phone, device or account; for a sensitive service, the block,
never the point."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import Point
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.models import Area
from intake.models import RequestEvent, RequestPhoto, ServiceRequest

# About one city block: sensitive locations are snapped to the centre of a grid cell this big.
BLOCK_DEGREES_LAT = 0.0015
BLOCK_DEGREES_LONG = 0.002


def public_point(service_request: ServiceRequest) -> Point | None:
    point = service_request.location
    if point is None or not service_request.service.is_sensitive:
        return point
    lat = (int(point.y / BLOCK_DEGREES_LAT) + 0.5) * BLOCK_DEGREES_LAT
    long = (int(point.x / BLOCK_DEGREES_LONG) - 0.5) * BLOCK_DEGREES_LONG
    return Point(long, lat, srid=4326)


def public_address(service_request: ServiceRequest) -> str:
    """A sensitive request's address is its street, without the number."""
    address = service_request.address
    if not service_request.service.is_sensitive:
        return address
    first, _, rest = address.partition(" ")
    return rest if first[:1].isdigit() else ""


def public_request(reference: str) -> ServiceRequest | None:
    return (
        ServiceRequest.objects.select_related("service", "department", "duplicate_of")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=RequestEvent.objects.filter(public=True).order_by("at", "id"),
                to_attr="public_events",
            ),
            Prefetch(
                "photos", queryset=RequestPhoto.objects.order_by("created_at"), to_attr="photo_list"
            ),
        )
        .filter(public_id=reference.strip().upper())
        .first()
    )


@dataclass(frozen=True)
class PublicFilters:
    service: str = ""
    status: str = ""  # open, closed or empty
    district: str = ""


def public_requests(
    filters: PublicFilters, *, days: int, now: datetime | None = None
) -> QuerySet[ServiceRequest]:
    """Recent requests for the public map and list, newest first."""
    since = (now or timezone.now()) - timedelta(days=days)
    requests = ServiceRequest.objects.filter(created_at__gte=since).select_related(
        "service", "department"
    )
    if filters.service:
        requests = requests.filter(service__code=filters.service)
    if filters.status == "open":
        requests = requests.filter(closed_at__isnull=True)
    elif filters.status == "closed":
        requests = requests.filter(closed_at__isnull=False)
    if filters.district:
        area = Area.objects.filter(kind="council-district", slug=filters.district).first()
        requests = requests.filter(location__intersects=area.geometry) if area else requests.none()
    return requests.filter(location__isnull=False).order_by("-created_at", "-id")


def districts() -> QuerySet[Area]:
    return Area.objects.filter(kind="council-district").order_by("name")
