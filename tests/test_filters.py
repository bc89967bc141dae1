"""Request list filters on real PostGIS, and 400s for malformed filter values."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Area
from intake.models import Service, ServiceRequest
from intake.services import service_request_assign, service_request_change_status
from tests.factories import make_request

pytestmark = pytest.mark.django_db

# Two points about 1.1 km apart on the same meridian, and one far away.
LIBRARY = Point(-89.4000, 43.0700, srid=4326)
NEARBY = Point(-89.4000, 43.0800, srid=4326)
FAR = Point(-89.3000, 43.1200, srid=4326)


@pytest.fixture
def client(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> APIClient:
    return client_for(make_user(Role.ADMIN))


def ids(client: APIClient, query: str) -> set[str]:
    response = client.get(f"/api/v1/requests/?{query}")
    assert response.status_code == 200, response.json()
    return {r["id"] for r in response.json()["results"]}


def test_near_uses_metres(client: APIClient, pothole: Service) -> None:
    a = make_request(pothole, location=LIBRARY)
    b = make_request(pothole, location=NEARBY)
    make_request(pothole, location=FAR)
    assert ids(client, "near=43.07,-89.40,500") == {a.public_id}
    assert ids(client, "near=43.07,-89.40,1500") == {a.public_id, b.public_id}


def test_bbox(client: APIClient, pothole: Service) -> None:
    a = make_request(pothole, location=LIBRARY)
    make_request(pothole, location=FAR)
    assert ids(client, "bbox=-89.41,43.06,-89.39,43.075") == {a.public_id}


def test_status_service_department_channel(
    client: APIClient, pothole: Service, missed_trash: Service, admin_user: User
) -> None:
    a = make_request(pothole, channel="phone")
    b = make_request(missed_trash, channel="web")
    service_request_change_status(service_request=b, to_status="in_progress", actor=admin_user)
    assert ids(client, "status=in_progress") == {b.public_id}
    assert ids(client, "status=new&status=in_progress") == {a.public_id, b.public_id}
    assert ids(client, "service=pothole") == {a.public_id}
    assert ids(client, "department=sanitation") == {b.public_id}
    assert ids(client, "channel=phone") == {a.public_id}
    assert ids(client, "text=pothole") == {a.public_id, b.public_id}
    assert ids(client, f"text={b.public_id}") == {b.public_id}


def test_assignee_and_unit(client: APIClient, pothole: Service, streets_staff: User) -> None:
    from tests.factories import WorkUnitFactory

    unit = WorkUnitFactory.create(department=pothole.default_department)
    a = make_request(pothole)
    make_request(pothole)
    service_request_assign(
        service_request=a, unit=unit, assignee=streets_staff, actor=streets_staff
    )
    assert ids(client, f"assignee={streets_staff.username}") == {a.public_id}
    assert ids(client, f"unit={unit.pk}") == {a.public_id}


def test_created_and_updated_ranges(client: APIClient, pothole: Service) -> None:
    now = timezone.now()
    old = make_request(pothole, received_at=now - timedelta(days=10))
    new = make_request(pothole)
    since = (now - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(client, f"created_after={since}") == {new.public_id}
    assert ids(client, f"created_before={since}") == {old.public_id}
    assert ids(client, f"updated_before={since}") == {old.public_id}


def test_overdue(client: APIClient, pothole: Service) -> None:
    late = make_request(pothole, received_at=timezone.now() - timedelta(days=30))
    on_time = make_request(pothole)
    assert ids(client, "overdue=true") == {late.public_id}
    assert ids(client, "overdue=false") == {on_time.public_id}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=flying", "status"),
        ("service=no-such", "service"),
        ("department=nowhere", "department"),
        ("unit=abc", "unit"),
        ("assignee=ghost", "assignee"),
        ("channel=pigeon", "channel"),
        ("created_after=yesterday", "created"),
        ("overdue=maybe", "overdue"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=-89,43,-90,44", "bbox"),
        ("bbox=-189,43,-90,44", "bbox"),
        ("near=43.07,-89.4", "near"),
        ("near=43.07,-89.4,-5", "near"),
        ("near=43.07,-89.4,999999", "near"),
        ("near=95,-89.4,100", "near"),
        ("near=nan,-89.4,100", "near"),
        ("text=" + "x" * 300, "text"),
    ],
)
def test_malformed_filters_are_400_with_the_field(
    client: APIClient, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/requests/?{query}")
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_cursor_pagination_walks_every_request_once(client: APIClient, pothole: Service) -> None:
    created = {make_request(pothole).public_id for _ in range(7)}
    seen: list[str] = []
    url: str | None = "/api/v1/requests/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(created)


def test_location_outside_the_city_is_refused(client: APIClient, pothole: Service) -> None:
    square = Polygon.from_bbox((-89.5, 43.0, -89.3, 43.15))
    Area.objects.create(
        slug="city", name="City", kind="city-limits", geometry=MultiPolygon(square, srid=4326)
    )
    response = client.post(
        "/api/v1/requests/",
        {"service": "pothole", "location": {"lat": 40.0, "long": -89.4}},
        format="json",
    )
    assert response.status_code == 400
    assert "location" in response.json()
    assert ServiceRequest.objects.count() == 0
    inside = client.post(
        "/api/v1/requests/",
        {"service": "pothole", "location": {"lat": 43.07, "long": -89.4}},
        format="json",
    )
    assert inside.status_code == 201
