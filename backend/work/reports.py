"""How departments and services are doing, per period: the numbers C7, C8 and C10 ask for."""

from datetime import datetime
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
)

from intake.models import EventKind, ServiceRequest, Transfer
from intake.statuses import Status
from notifications.models import MessageStatus, OutboxMessage, SurveyInvitation

GROUPS = {"department": "department__slug", "service": "service__code"}


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the median (0.5) or the 90th percentile (0.9)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def _hours_between(start: str, end: str) -> Func:
    return Func(
        F(end) - F(start),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 3600.0",
        output_field=FloatField(),
    )


def _grouped(queryset: QuerySet[Any], key: str, **aggregates: Any) -> dict[str, dict[str, Any]]:
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row[key]: row for row in rows}


def performance_report(*, group_by: str, since: datetime, until: datetime) -> list[dict[str, Any]]:
    key = GROUPS[group_by]
    requests = ServiceRequest.objects.filter(created_at__gte=since, created_at__lt=until)
    closed = Q(status__in=[Status.RESOLVED, Status.CLOSED_NO_ACTION])
    main = _grouped(
        requests,
        key,
        volume=Count("id"),
        acknowledge_median_h=Percentile(_hours_between("created_at", "acknowledged_at"), 0.5),
        acknowledge_p90_h=Percentile(_hours_between("created_at", "acknowledged_at"), 0.9),
        closed=Count("id", filter=closed),
        within_promise=Count(
            "id", filter=closed & Q(closed_at__lte=F("promised_at"), promise_broken=False)
        ),
        broken_promises=Count("id", filter=Q(promise_broken=True)),
    )
    resolved = _grouped(
        requests.filter(status=Status.RESOLVED),
        key,
        resolve_median_h=Percentile(_hours_between("created_at", "closed_at"), 0.5),
        resolve_p90_h=Percentile(_hours_between("created_at", "closed_at"), 0.9),
    )
    transfers = _grouped(
        Transfer.objects.filter(request__in=requests), f"request__{key}", transfers=Count("id")
    )
    reopened = _grouped(
        requests.filter(events__kind=EventKind.REOPENED),
        key,
        reopened=Count("id", distinct=True),
    )
    surveys = _grouped(
        SurveyInvitation.objects.filter(request__in=requests, answered_at__isnull=False),
        f"request__{key}",
        satisfaction=Avg("satisfaction"),
        survey_answers=Count("id"),
        not_courteous=Count("id", filter=Q(courteous=False)),
    )
    failures = _grouped(
        OutboxMessage.objects.filter(request__in=requests, status=MessageStatus.FAILED),
        f"request__{key}",
        delivery_failures=Count("id"),
    )
    others = {
        "resolved": resolved,
        "transfers": transfers,
        "reopened": reopened,
        "surveys": surveys,
        "failures": failures,
    }
    return [_report_row(group_by, group, row, others) for group, row in sorted(main.items())]


def _report_row(
    group_by: str, group: str, row: dict[str, Any], others: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, Any]:
    resolved, transfers, reopened, surveys, failures = (
        others[name].get(group, {})
        for name in ("resolved", "transfers", "reopened", "surveys", "failures")
    )
    volume = row["volume"]
    closed_count = row["closed"]
    return {
        group_by: group,
        "volume": volume,
        "acknowledge_median_hours": _round(row["acknowledge_median_h"]),
        "acknowledge_p90_hours": _round(row["acknowledge_p90_h"]),
        "resolve_median_hours": _round(resolved.get("resolve_median_h")),
        "resolve_p90_hours": _round(resolved.get("resolve_p90_h")),
        "within_promise_share": _share(row["within_promise"], closed_count),
        "broken_promises": row["broken_promises"],
        "transfers_per_request": _share(transfers.get("transfers", 0), volume),
        "reopen_rate": _share(reopened.get("reopened", 0), closed_count),
        "satisfaction_mean": _round(surveys.get("satisfaction")),
        "survey_answers": surveys.get("survey_answers", 0),
        "not_courteous": surveys.get("not_courteous", 0),
        "delivery_failures": failures.get("delivery_failures", 0),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
