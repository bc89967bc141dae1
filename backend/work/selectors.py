"""What a department has to do, in the order it should be done."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)
from django.utils import timezone

from core.models import Department, WorkUnit
from intake.models import Service, ServiceRequest
from intake.selectors import at_risk_point, at_risk_q, with_at_risk
from intake.statuses import OPEN_STATUSES


def queue_requests(
    *, department: Department, unit: WorkUnit | None = None
) -> QuerySet[ServiceRequest]:
    """Open requests by due date, then priority, then age: the order work should be done."""
    requests = ServiceRequest.objects.filter(department=department, status__in=OPEN_STATUSES)
    if unit is not None:
        requests = requests.filter(unit=unit)
    return with_at_risk(
        requests.select_related("service", "department", "unit", "assignee"), timezone.now()
    ).order_by(F("promised_at").asc(nulls_last=True), "-priority", "created_at", "id")


def queue_services(*, department: Department) -> QuerySet[Service]:
    """The services a department's queue can be filtered by: those it owns by default and
    any it has open requests for (transferred in), not the city's whole catalogue."""
    in_queue = ServiceRequest.objects.filter(
        department=department, status__in=OPEN_STATUSES
    ).values("service_id")
    return Service.objects.filter(
        Q(default_department=department) | Q(pk__in=in_queue), is_active=True
    ).order_by("name")


@dataclass(frozen=True)
class QueueCounts:
    by_status: dict[str, int]
    overdue: int
    at_risk: int
    unassigned: int
    total: int


def queue_counts(*, department: Department, unit: WorkUnit | None = None) -> QueueCounts:
    """The queue's counts, shared by everyone looking at it for a few seconds: counting a
    large department's open requests costs more than the page itself."""
    ttl = settings.CIVIC311_QUEUE_COUNTS_CACHE_SECONDS
    key = f"queue-counts:{department.pk}:{unit.pk if unit else '-'}"
    if ttl > 0:
        cached = cache.get(key)
        if cached is not None:
            return QueueCounts(**cached)
    counts = _count(department=department, unit=unit)
    if ttl > 0:
        cache.set(key, asdict(counts), timeout=ttl)
    return counts


def _count(*, department: Department, unit: WorkUnit | None) -> QueueCounts:
    """All the counts in one pass over the department's open requests, read from the index
    that holds every column they need (queue_counts_idx): counted over department_id, a key
    of that index (never null), not over id, which would fetch each row from the table."""
    now = timezone.now()
    requests = ServiceRequest.objects.filter(department=department, status__in=OPEN_STATUSES)
    if unit is not None:
        requests = requests.filter(unit=unit)
    statuses = sorted(OPEN_STATUSES)
    totals = requests.annotate(risk_point=at_risk_point()).aggregate(
        total=Count("department"),
        overdue=Count("department", filter=Q(promised_at__lte=now)),
        at_risk=Count("department", filter=at_risk_q(now)),
        unassigned=Count("department", filter=Q(assignee__isnull=True)),
        **{f"status_{status}": Count("department", filter=Q(status=status)) for status in statuses},
    )
    return QueueCounts(
        by_status={status: totals[f"status_{status}"] for status in statuses},
        overdue=totals["overdue"],
        at_risk=totals["at_risk"],
        unassigned=totals["unassigned"],
        total=totals["total"],
    )


def requests_needing_attention(
    *, departments: QuerySet[Department] | None, limit: int = 100
) -> list[ServiceRequest]:
    """For supervisors (C7): open requests whose promise is at risk or already missed, and
    those escalated for being left unacknowledged, most urgent first. `None`: every
    department (administrators)."""
    now = timezone.now()
    requests = ServiceRequest.objects.filter(status__in=OPEN_STATUSES)
    if departments is not None:
        requests = requests.filter(department__in=departments)
    return list(
        with_at_risk(requests.select_related("service", "department", "assignee"), now)
        .filter(at_risk_q(now) | Q(promised_at__lte=now) | Q(escalated_at__isnull=False))
        .order_by(F("promised_at").asc(nulls_last=True), "-priority", "id")[:limit]
    )
