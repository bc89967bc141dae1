"""What anyone may see of a request: its status, owner, promised date, public history and
photos. Never a name, email, phone, device or account; for a sensitive service, the block,
never the point."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import Point
from django.db.models import Max, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.models import Area
from intake.models import RequestEvent, RequestPhoto, Service, ServiceRequest

# About one city block: sensitive locations are snapped to the centre of a grid cell this big.
BLOCK_DEGREES_LAT = 0.0015
BLOCK_DEGREES_LONG = 0.002


def _block_centre(long: float, lat: float) -> tuple[float, float]:
    return (
        (int(long / BLOCK_DEGREES_LONG) - 0.5) * BLOCK_DEGREES_LONG,
        (int(lat / BLOCK_DEGREES_LAT) + 0.5) * BLOCK_DEGREES_LAT,
    )


def public_point(service_request: ServiceRequest) -> Point | None:
    point = service_request.location
    if point is None or not service_request.service.is_sensitive:
        return point
    return Point(*_block_centre(point.x, point.y), srid=4326)


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


@dataclass(frozen=True)
class MapPoint:
    reference: str
    service_id: int
    status: str
    is_open: bool
    long: float
    lat: float


def public_map_points(filters: PublicFilters, *, days: int, limit: int) -> list[MapPoint]:
    """The public map's points, newest first: plain values read in one query (coordinates
    from PostGIS, no geometry objects), sensitive ones at their block's centre."""
    rows = (
        public_requests(filters, days=days)
        .annotate(
            long=RawSQL('ST_X("intake_servicerequest"."location"::geometry)', ()),
            lat=RawSQL('ST_Y("intake_servicerequest"."location"::geometry)', ()),
        )
        .values_list(
            "public_id", "service_id", "status", "closed_at", "service__is_sensitive", "long", "lat"
        )[:limit]
    )
    points = []
    for reference, service_id, status, closed_at, sensitive, long, lat in rows:
        if sensitive:
            long, lat = _block_centre(long, lat)
        points.append(MapPoint(reference, service_id, status, closed_at is None, long, lat))
    return points


def public_requests_version() -> str:
    """Changes with every write to any request (each one sets updated_at) and with every
    change to what the map shows of a service: its name and translations (a rename shows at
    once, wherever it was made: admin, API or a service function) and whether it is
    sensitive. What the public map's shared copy is keyed on. One read of the updated_at
    index and one of the (small) catalogue."""
    latest = ServiceRequest.objects.aggregate(latest=Max("updated_at"))["latest"]
    shown = Service.objects.order_by("pk").values_list("pk", "name", "translations", "is_sensitive")
    catalogue = json.dumps(list(shown), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(catalogue.encode()).hexdigest()
    return f"{latest.isoformat() if latest else 'none'}:{digest}"


def districts() -> QuerySet[Area]:
    return Area.objects.filter(kind="council-district").order_by("name")
