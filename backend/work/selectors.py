"""What a department has to do, in the order it should be done."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)
from django.utils import timezone

from core.models import Department, WorkUnit
from intake.models import ServiceRequest
from intake.selectors import at_risk_point
from intake.statuses import OPEN_STATUSES, Status


def at_risk_filter(now: datetime) -> Q:
    return Q(
        status__in=OPEN_STATUSES - {Status.IN_PROGRESS},
        promised_at__gt=now,
        risk_point__lte=now,
    )


def queue_requests(
    *, department: Department, unit: WorkUnit | None = None
) -> QuerySet[ServiceRequest]:
    """Open requests by due date, then priority, then age: the order work should be done."""
    requests = ServiceRequest.objects.filter(department=department, status__in=OPEN_STATUSES)
    if unit is not None:
        requests = requests.filter(unit=unit)
    return (
        requests.select_related("service", "department", "unit", "assignee")
        .annotate(risk_point=at_risk_point())
        .order_by(F("promised_at").asc(nulls_last=True), "-priority", "created_at", "id")
    )


@dataclass(frozen=True)
class QueueCounts:
    by_status: dict[str, int]
    overdue: int
    at_risk: int
    unassigned: int
    total: int


def queue_counts(*, department: Department, unit: WorkUnit | None = None) -> QueueCounts:
    now = timezone.now()
    requests = ServiceRequest.objects.filter(department=department, status__in=OPEN_STATUSES)
    if unit is not None:
        requests = requests.filter(unit=unit)
    totals = requests.annotate(risk_point=at_risk_point()).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(promised_at__lte=now)),
        at_risk=Count("id", filter=at_risk_filter(now)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
    )
    by_status = dict(
        requests.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return QueueCounts(
        by_status={status: by_status.get(status, 0) for status in sorted(OPEN_STATUSES)},
        overdue=totals["overdue"],
        at_risk=totals["at_risk"],
        unassigned=totals["unassigned"],
        total=totals["total"],
    )
