"""Where a new request goes and by when it is promised: the backend's door to `routing/`."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db.models import Q

from core.models import Area, Department, Holiday, WorkUnit
from intake.models import Service
from routing.calendar import TargetUnit, WorkingCalendar


@dataclass(frozen=True)
class RoutingDecision:
    department: Department
    unit: WorkUnit | None
    promised_at: datetime
    explanation: str
    areas: list[str] = field(default_factory=list)

    def as_event_data(self) -> dict[str, object]:
        return {
            "department": self.department.slug,
            "unit": self.unit.slug if self.unit else None,
            "promised_at": self.promised_at.isoformat(),
            "explanation": self.explanation,
            "areas": self.areas,
        }


def triage_department() -> Department:
    return Department.objects.get(slug=settings.CIVIC311_TRIAGE_DEPARTMENT)


def department_calendar(department: Department) -> WorkingCalendar:
    holidays = Holiday.objects.filter(Q(department=department) | Q(department__isnull=True))
    return WorkingCalendar(
        timezone=ZoneInfo(settings.TIME_ZONE),
        working_days=frozenset(department.working_days),
        day_starts_at=department.day_starts_at,
        day_ends_at=department.day_ends_at,
        holidays=frozenset(holidays.values_list("date", flat=True)),
    )


def promised_date(*, service: Service, department: Department, received_at: datetime) -> datetime:
    calendar = department_calendar(department)
    return calendar.add(received_at, service.target_value, TargetUnit(service.target_unit))


def areas_at(point: Point | None) -> list[str]:
    if point is None:
        return []
    return [
        f"{kind}:{slug}"
        for kind, slug in Area.objects.filter(geometry__intersects=point).values_list(
            "kind", "slug"
        )
    ]


def route_request(
    *, service: Service, location: Point | None, received_at: datetime
) -> RoutingDecision:
    """Decide the owning department for a new request; nothing is ever left unrouted (C6)."""
    areas = areas_at(location)
    if service.default_department is not None and service.default_department.is_active:
        department = service.default_department
        explanation = f"{service.name} is owned by {department.name}."
    else:
        department = triage_department()
        explanation = (
            f"{service.name} has no owning department; sent to {department.name} for triage."
        )
    return RoutingDecision(
        department=department,
        unit=None,
        promised_at=promised_date(service=service, department=department, received_at=received_at),
        explanation=explanation,
        areas=areas,
    )
