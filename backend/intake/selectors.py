"""Reads on services and service requests."""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.expressions import CombinedExpression
from django.utils import timezone

from accounts.models import User
from core.models import Area
from intake.models import Follower, RequestEvent, Service, ServiceRequest
from intake.policies import READERS_OF_EVERY_REQUEST
from intake.statuses import OPEN_STATUSES, Status

CITY_LIMITS_KIND = "city-limits"


def location_in_service_area(point: Point) -> bool:
    """True when the city has no boundary loaded, or the point lies inside it."""
    limits = Area.objects.filter(kind=CITY_LIMITS_KIND)
    if not limits.exists():
        return True
    return limits.filter(geometry__intersects=point).exists()


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).prefetch_related("attributes")


def service_requests_visible_to(user: User) -> QuerySet[ServiceRequest]:
    return _visible(
        ServiceRequest.objects.select_related("service", "department", "unit", "assignee"), user
    )


def _visible(requests: QuerySet[ServiceRequest], user: User) -> QuerySet[ServiceRequest]:
    """The one rule for staff reads: every request for city-wide readers, their departments'
    for department staff and supervisors, nothing for anyone else."""
    if user.is_city_admin or user.role in READERS_OF_EVERY_REQUEST:
        return requests
    if user.is_department_bound:
        return requests.filter(department__in=user.departments.all())
    return requests.none()


def overdue_q(now: datetime) -> Q:
    """The one definition of overdue: still open after the date promised."""
    return Q(status__in=OPEN_STATUSES, promised_at__lt=now)


def service_request_is_overdue(service_request: ServiceRequest, now: datetime) -> bool:
    """`overdue_q` for one request already read."""
    promised = service_request.promised_at
    return service_request.status in OPEN_STATUSES and promised is not None and promised < now


def service_requests_overdue(
    requests: QuerySet[ServiceRequest], overdue: bool
) -> QuerySet[ServiceRequest]:
    late = overdue_q(timezone.now())
    return requests.filter(late) if overdue else requests.exclude(late)


def service_request_with_timeline(queryset: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    return queryset.prefetch_related(
        Prefetch(
            "events", queryset=RequestEvent.objects.select_related("actor").order_by("at", "id")
        )
    )


# Which services share a group, remembered per process for a minute: every intake asks, and
# the catalogue changes rarely (a service moved to a group finds its duplicates a minute later).
_group_members: dict[str, tuple[float, list[int]]] = {}
GROUP_MEMBERS_TTL_SECONDS = 60.0


def _same_problem_service_ids(service: Service) -> list[int]:
    if not service.group:
        return [service.pk]
    ttl = GROUP_MEMBERS_TTL_SECONDS if settings.ENVIRONMENT != "test" else 0
    now = time.monotonic()
    remembered = _group_members.get(service.group)
    if remembered is None or now - remembered[0] >= ttl:
        ids = list(Service.objects.filter(group=service.group).values_list("pk", flat=True))
        remembered = _group_members[service.group] = (now, ids)
    return sorted({service.pk, *remembered[1]})


def service_requests_possible_duplicates(
    *,
    service: Service,
    location: Point,
    at: datetime | None = None,
    exclude_id: int | None = None,
    limit: int = 10,
    visible_to: User | None = None,
) -> QuerySet[ServiceRequest]:
    """Open requests of the same service (or group) nearby and recent, nearest first; only
    those `visible_to` may read, when staff ask.

    The radius and window are the service's own: a streetlight is one pole, a noise
    complaint a block. The distance test runs on the indexed geography column.
    """
    since = (at or timezone.now()) - timedelta(days=service.duplicate_window_days)
    # Service ids rather than a join on the group: the query is planned on every intake.
    nearby = ServiceRequest.objects.filter(
        service__in=_same_problem_service_ids(service),
        status__in=OPEN_STATUSES,
        created_at__gte=since,
        location__dwithin=(location, D(m=service.duplicate_radius_m)),
    )
    if exclude_id is not None:
        nearby = nearby.exclude(pk=exclude_id)
    if visible_to is not None:
        nearby = _visible(nearby, visible_to)
    candidates = (
        nearby.select_related("service")
        .annotate(distance=Distance("location", location))
        .order_by("distance", "created_at")
    )
    return candidates[:limit]


# A promise is at risk once this share of its time is used and work has not started (C7).
AT_RISK_SHARE = 0.75


def with_at_risk(requests: QuerySet[ServiceRequest], now: datetime) -> QuerySet[ServiceRequest]:
    """Annotate `at_risk`: the one definition of a promise at risk, used by the queue, its
    counts and the alert job alike; and `overdue` beside it (`overdue_q`)."""
    return requests.annotate(risk_point=at_risk_point()).annotate(
        at_risk=ExpressionWrapper(at_risk_q(now), output_field=BooleanField()),
        overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()),
    )


def at_risk_q(now: datetime) -> Q:
    """Needs the `risk_point` annotation (see with_at_risk)."""
    return Q(
        status__in=OPEN_STATUSES - {Status.IN_PROGRESS},
        promised_at__gt=now,
        risk_point__lte=now,
    )


def at_risk_point() -> ExpressionWrapper[CombinedExpression]:
    """The moment a request's promise becomes at risk: created + 75% of the promised time."""
    return ExpressionWrapper(
        F("created_at") + (F("promised_at") - F("created_at")) * AT_RISK_SHARE,
        output_field=DateTimeField(),
    )


# --- A resident's own requests ("my requests", reached by a one-time email link) ---
RESIDENT_REQUESTS_LIMIT = 200


def resident_has_requests(*, email: str) -> bool:
    """Whether anything was reported or is followed with this address (any case)."""
    return (
        ServiceRequest.objects.filter(requester_email__iexact=email).exists()
        or Follower.objects.filter(email__iexact=email).exists()
    )


def resident_requests_reported(*, email: str) -> list[ServiceRequest]:
    """What this address reported, newest first (through the UPPER(requester_email) index)."""
    return list(
        ServiceRequest.objects.filter(requester_email__iexact=email)
        .select_related("service", "department")
        .order_by("-created_at", "-id")[:RESIDENT_REQUESTS_LIMIT]
    )


def resident_requests_followed(*, email: str) -> list[ServiceRequest]:
    """What this address follows, newest first."""
    return list(
        ServiceRequest.objects.filter(followers__email__iexact=email)
        .select_related("service", "department")
        .distinct()
        .order_by("-created_at", "-id")[:RESIDENT_REQUESTS_LIMIT]
    )
