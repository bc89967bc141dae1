"""Services, departments and areas: readable by staff, writable by administrators only."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Area, Department
from intake.models import Service

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-89.5, 43.0], [-89.4, 43.0], [-89.4, 43.1], [-89.5, 43.1], [-89.5, 43.0]]],
}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
}


@pytest.fixture
def api(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> Callable[[str], APIClient]:
    return lambda role: client_for(make_user(role))


@pytest.mark.parametrize("role", [Role.AGENT, Role.DEPARTMENT_STAFF, Role.QA_REVIEWER])
def test_staff_read_the_catalogue(
    api: Callable[[str], APIClient], pothole: Service, role: str
) -> None:
    client = api(role)
    services = client.get("/api/v1/services/").json()
    assert [s["code"] for s in services] == ["pothole"]
    assert services[0]["default_department"] == "streets"
    departments = client.get("/api/v1/departments/").json()
    assert {d["slug"] for d in departments} == {"streets", "contact-centre"}
    assert client.get("/api/v1/services/pothole/").json()["name"] == "Pothole"


def test_anonymous_callers_cannot_read(client_for: Callable[[User | None], APIClient]) -> None:
    assert client_for(None).get("/api/v1/services/").status_code in (401, 403)


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.DEPARTMENT_STAFF])
def test_only_admins_write(api: Callable[[str], APIClient], triage: Department, role: str) -> None:
    response = api(role).post(
        "/api/v1/departments/", {"slug": "parks", "name": "Parks"}, format="json"
    )
    assert response.status_code == 403
    assert not Department.objects.filter(slug="parks").exists()


def test_admin_creates_a_department_and_a_service(api: Callable[[str], APIClient]) -> None:
    client = api(Role.ADMIN)
    response = client.post(
        "/api/v1/departments/",
        {"slug": "parks", "name": "Parks and Recreation", "public_name": "Parks"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = client.post(
        "/api/v1/services/",
        {
            "code": "tree-down",
            "name": "Tree down",
            "group": "Parks",
            "default_department": "parks",
            "target_value": 2,
            "target_unit": "working_days",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Service.objects.get(code="tree-down").default_department.slug == "parks"  # type: ignore[union-attr]


def test_service_with_unknown_department_gets_a_field_error(
    api: Callable[[str], APIClient],
) -> None:
    response = api(Role.ADMIN).post(
        "/api/v1/services/",
        {"code": "x", "name": "X", "default_department": "nowhere"},
        format="json",
    )
    assert response.status_code == 400
    assert "default_department" in response.json()


def test_admin_creates_an_area_from_geojson(api: Callable[[str], APIClient]) -> None:
    response = api(Role.ADMIN).post(
        "/api/v1/areas/",
        {"slug": "d1", "name": "District 1", "kind": "council-district", "geometry": SQUARE},
        format="json",
    )
    assert response.status_code == 201, response.json()
    area = Area.objects.get(slug="d1")
    assert area.geometry.geom_type == "MultiPolygon"
    assert area.geometry.srid == 4326


@pytest.mark.parametrize(
    "geometry",
    [
        BOWTIE,
        {"type": "Point", "coordinates": [0, 0]},
        {"type": "Polygon", "coordinates": "not coordinates"},
        "nonsense",
    ],
)
def test_bad_area_geometry_is_a_field_error(
    api: Callable[[str], APIClient], geometry: object
) -> None:
    response = api(Role.ADMIN).post(
        "/api/v1/areas/",
        {"slug": "bad", "name": "Bad", "kind": "council-district", "geometry": geometry},
        format="json",
    )
    assert response.status_code == 400
    assert "geometry" in response.json()
    assert not Area.objects.exists()
