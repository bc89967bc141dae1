"""Exact promised dates (C7): across a city holiday, a department's own closure, a weekend and
after hours, through the staff API and through the router.

The expected dates are written out by hand from the city's calendar (Riverton, America/Chicago;
Thanksgiving 2026 is Thursday 26 November), not computed by the calendar under test.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department, Holiday
from intake.models import Service, ServiceRequest
from routing_adapter.selectors import route_request
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("America/Chicago")
WHERE = Point(-89.40, 43.07, srid=4326)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, city time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CITY)


@pytest.fixture
def calendar(streets: Department, sanitation: Department) -> None:
    Holiday.objects.create(date=date(2026, 11, 26), name="Thanksgiving")  # city-wide
    Holiday.objects.create(date=date(2026, 11, 27), name="Streets depot closed", department=streets)


@pytest.fixture
def two_days(streets: Department, triage: Department) -> Service:
    return ServiceFactory.create(
        code="pothole", default_department=streets, target_value=2, target_unit="working_days"
    )


@pytest.fixture
def four_hours(sanitation: Department, triage: Department) -> Service:
    return ServiceFactory.create(
        code="missed-trash",
        default_department=sanitation,
        target_value=4,
        target_unit="working_hours",
    )


# (service, received, promised): Mon-Fri 08:00-17:00; days count from the end of the day the
# request is received, and a request after hours or on a day off is received the next
# working day.
CASES = [
    # Wednesday morning, two working days: Thursday is Thanksgiving and Friday the streets
    # depot is closed, so the second working day is Tuesday.
    ("pothole", at(25, 10), datetime(2026, 12, 1, 17, tzinfo=CITY)),
    # Friday after hours: received Monday; two working days later is Wednesday.
    ("pothole", at(20, 18, 30), at(25, 17)),
    # Saturday: received Monday.
    ("pothole", at(21, 9), at(25, 17)),
    # Four working hours from Wednesday 15:00: two that day, Thanksgiving off, two on Friday
    # (sanitation works the Friday the streets depot is closed).
    ("missed-trash", at(25, 15), at(27, 10)),
    # Sunday evening: Monday from 08:00.
    ("missed-trash", at(22, 20), at(23, 12)),
    # Before the day starts: from 08:00 the same day.
    ("missed-trash", at(24, 6, 45), at(24, 12)),
    # After hours on Wednesday: the next working day is Friday (Thursday is a holiday).
    ("missed-trash", at(25, 17, 0), at(27, 12)),
]


@pytest.mark.parametrize(("code", "received", "promised"), CASES)
def test_the_router_promises_the_exact_date(
    calendar: None,
    two_days: Service,
    four_hours: Service,
    code: str,
    received: datetime,
    promised: datetime,
) -> None:
    service = Service.objects.get(code=code)
    decision = route_request(
        service_request=ServiceRequest(service=service, location=WHERE, created_at=received)
    )
    assert decision.promised_at == promised


@pytest.mark.parametrize(("code", "received", "promised"), CASES)
def test_the_api_promises_the_exact_date(
    calendar: None,
    two_days: Service,
    four_hours: Service,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], APIClient],
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    received: datetime,
    promised: datetime,
) -> None:
    agent = client_for(make_user(Role.AGENT))
    monkeypatch.setattr(timezone, "now", lambda: received)
    response = agent.post(
        "/api/v1/requests/",
        {
            "service": code,
            "description": "Reported by phone",
            "location": {"lat": 43.07, "long": -89.40},
            "channel": "phone",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    assert datetime.fromisoformat(body["promised_at"]) == promised
