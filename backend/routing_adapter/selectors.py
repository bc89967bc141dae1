"""Where a request goes and by when it is promised: the backend's door to `routing/`."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db.models import BigIntegerField, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth

from core.models import Department, Holiday, WorkUnit
from intake.models import Service, ServiceRequest, Transfer
from routing.calendar import TargetUnit, WorkingCalendar
from routing.engine import FALLBACK_RULE_ID as FALLBACK_RULE_ID  # read by the pages
from routing.model import Decision, RoutingInput
from routing_adapter.models import RoutingModel, RoutingRule
from routing_adapter.router import SERVICE_DEFAULT_PREFIX as SERVICE_DEFAULT_PREFIX
from routing_adapter.router import (
    current_directory,
    current_router,
    working_calendar,
)


@dataclass(frozen=True)
class RoutingDecision:
    department: Department
    unit: WorkUnit | None
    promised_at: datetime
    explanation: str
    rule_id: str = ""
    confidence: float = 0.0
    engine: dict[str, Any] = field(default_factory=dict)

    def as_event_data(self) -> dict[str, object]:
        return {
            "department": self.department.slug,
            "unit": self.unit.slug if self.unit else None,
            "promised_at": self.promised_at.isoformat(),
            "explanation": self.explanation,
            "rule": self.rule_id,
            "confidence": round(self.confidence, 4),
            "areas": [f"{a['kind']}:{a['name']}" for a in self.engine.get("areas", [])],
            "alternatives": self.engine.get("alternatives", []),
        }


def triage_department() -> Department:
    return Department.objects.get(slug=settings.CIVIC311_TRIAGE_DEPARTMENT)


def routing_desk() -> tuple[Department, WorkUnit | None]:
    department = triage_department()
    unit = WorkUnit.objects.filter(
        department=department, slug=settings.CIVIC311_ROUTING_DESK_UNIT
    ).first()
    return department, unit


def department_calendar(department: Department) -> WorkingCalendar:
    holidays = Holiday.objects.filter(Q(department=department) | Q(department__isnull=True))
    return working_calendar(department, holidays=holidays.values_list("date", flat=True))


def promised_date(*, service: Service, department: Department, received_at: datetime) -> datetime:
    calendar = current_directory().calendars.get(department.slug)
    if calendar is None:
        try:
            calendar = department_calendar(department)
        except ValueError:
            # An unusable calendar (reported by readiness) must not stop intake: promise on
            # the standard working week instead.
            calendar = WorkingCalendar(timezone=ZoneInfo(settings.TIME_ZONE))
    return calendar.add(received_at, service.target_value, TargetUnit(service.target_unit))


def routing_input(
    *,
    service: Service | None,
    received_at: datetime,
    location: Point | None = None,
    description: str = "",
    address: str = "",
    zipcode: str = "",
    attributes: Mapping[str, Any] | None = None,
    channel: str = "",
) -> RoutingInput:
    return RoutingInput(
        received_at=received_at,
        service=service.code if service is not None else "",
        description=description,
        lat=location.y if location is not None else None,
        lon=location.x if location is not None else None,
        address=address,
        zipcode=zipcode,
        channel=channel,
        attributes=dict(attributes or {}),
    )


def request_routing_input(service_request: ServiceRequest) -> RoutingInput:
    """What the engine sees of a request, saved or not yet saved: the one place it is read."""
    return routing_input(
        service=service_request.service,
        received_at=service_request.created_at,
        location=service_request.location,
        description=service_request.description,
        address=service_request.address,
        zipcode=service_request.zipcode,
        attributes=service_request.attributes,
        channel=service_request.channel,
    )


def _resolve(decision: Decision) -> tuple[Department, WorkUnit | None, bool]:
    """Engine slugs to rows. A slug the city has since retired goes to triage, not nowhere."""
    directory = current_directory()
    department = directory.departments.get(decision.department)
    if department is None:
        return triage_department(), None, False
    unit = directory.units.get((department.slug, decision.unit)) if decision.unit else None
    return department, unit, True


def route_request(
    *, service_request: ServiceRequest, exclude: Iterable[str] = ()
) -> RoutingDecision:
    """Decide the owning department and unit; nothing is ever left unrouted (C6).

    The engine's input is read from the request itself (saved or not yet saved), so every
    caller routes on the same fields."""
    service = service_request.service
    received_at = service_request.created_at
    decision = current_router().route(request_routing_input(service_request), exclude=exclude)
    department, unit, known = _resolve(decision)
    explanation = decision.explanation
    if not known:
        explanation += f" {decision.department} is not an active department: sent to triage."
    return RoutingDecision(
        department=department,
        unit=unit,
        promised_at=promised_date(service=service, department=department, received_at=received_at),
        explanation=explanation,
        rule_id=decision.rule_id if known else FALLBACK_RULE_ID,
        confidence=decision.confidence,
        engine=decision.as_dict(),
    )


CITY_LIMITS_KIND = "city-limits"


def location_in_city(point: Point) -> bool:
    """Inside the city limits (within the boundary tolerance), or no limits loaded.

    Answered from the in-memory area index the router already holds: no query on intake.
    """
    areas = current_router().areas
    if areas is None or CITY_LIMITS_KIND not in areas.kinds:
        return True
    return any(hit.kind == CITY_LIMITS_KIND for hit in areas.locate(point.x, point.y))


def service_suggestions(*, description: str) -> list[dict[str, Any]]:
    """Top services for a free-text description, for an agent or resident to confirm."""
    classifier = current_router().classifier
    if classifier is None or not description.strip():
        return []
    names = dict(Service.objects.filter(is_active=True).values_list("code", "name"))
    return [
        {"service": s.service, "name": names[s.service], "probability": round(s.probability, 4)}
        for s in classifier.suggest(description, top=3)
        if s.service in names
    ]


def misroutes_by_rule() -> QuerySet[Transfer, dict[str, Any]]:
    """Which rules sent requests to departments that then transferred them: the rules to fix."""
    return (
        Transfer.objects.exclude(routed_by_rule="")
        .values("routed_by_rule", "from_department__slug")
        .annotate(transfers=Count("id"), requests=Count("request", distinct=True))
        .order_by("-transfers", "routed_by_rule")
    )


def routing_proposals() -> list[dict[str, Any]]:
    """New owners that transfers have proposed, with their evidence, most backed first."""
    model = RoutingModel.objects.filter(name="active").first()
    proposals = list(model.proposals) if model is not None else []
    return sorted(proposals, key=lambda p: (-int(p.get("outcomes", 0)), str(p.get("id", ""))))


def routing_accuracy_by_month() -> list[dict[str, Any]]:
    """Per month of intake: requests, and how many stayed with their first owner.

    The first owner is the department the earliest transfer took the request from (the
    one routing chose); a request never transferred stayed with it.
    """
    first_owner = Subquery(
        Transfer.objects.filter(request=OuterRef("pk")).order_by("id").values("from_department")[:1]
    )
    rows = (
        ServiceRequest.objects.annotate(
            month=TruncMonth("created_at"),
            first_owner=Coalesce(first_owner, F("department_id"), output_field=BigIntegerField()),
        )
        .values("month")
        .annotate(
            requests=Count("id"),
            first_owner_kept=Count("id", filter=Q(first_owner=F("department_id"))),
        )
        .order_by("month")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "requests": row["requests"],
            "first_owner_kept": row["first_owner_kept"],
            "accuracy": round(row["first_owner_kept"] / row["requests"], 4),
        }
        for row in rows
    ]


def routing_rules_by_id(rule_ids: Iterable[str]) -> dict[str, RoutingRule]:
    """The stored rules behind these decisions, by rule id (a page says which kind of rule
    decided; ids the engine makes up, such as the service defaults, have no row)."""
    wanted = [rule_id for rule_id in rule_ids if rule_id]
    return {rule.rule_id: rule for rule in RoutingRule.objects.filter(rule_id__in=wanted)}
