"""The permission matrix: each role × endpoint × own/other department. Denials change nothing."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import RequestEvent, Service, ServiceRequest
from tests.factories import make_request

pytestmark = pytest.mark.django_db

ROLES = ["agent", "staff", "supervisor", "qa", "admin", "no_role", "anonymous"]

# action: expected status per role, for a request the user's department owns ("own") and
# for one owned by another department ("other"). Department-free roles see no difference.
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("list", "-"): {
        "agent": 200,
        "staff": 200,
        "supervisor": 200,
        "qa": 200,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("detail", "own"): {
        "agent": 200,
        "staff": 200,
        "supervisor": 200,
        "qa": 200,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("detail", "other"): {
        "agent": 200,
        "staff": 403,
        "supervisor": 403,
        "qa": 200,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("create", "-"): {
        "agent": 201,
        "staff": 201,
        "supervisor": 201,
        "qa": 403,
        "admin": 201,
        "no_role": 403,
        "anonymous": 401,
    },
    ("status", "own"): {
        "agent": 403,
        "staff": 200,
        "supervisor": 200,
        "qa": 403,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("status", "other"): {
        "agent": 403,
        "staff": 403,
        "supervisor": 403,
        "qa": 403,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("notes", "own"): {
        "agent": 201,
        "staff": 201,
        "supervisor": 201,
        "qa": 403,
        "admin": 201,
        "no_role": 403,
        "anonymous": 401,
    },
    ("notes", "other"): {
        "agent": 201,
        "staff": 403,
        "supervisor": 403,
        "qa": 403,
        "admin": 201,
        "no_role": 403,
        "anonymous": 401,
    },
    ("assign", "own"): {
        "agent": 403,
        "staff": 200,
        "supervisor": 200,
        "qa": 403,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("assign", "other"): {
        "agent": 403,
        "staff": 403,
        "supervisor": 403,
        "qa": 403,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("duplicate", "own"): {
        "agent": 403,
        "staff": 200,
        "supervisor": 200,
        "qa": 403,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("duplicate", "other"): {
        "agent": 403,
        "staff": 403,
        "supervisor": 403,
        "qa": 403,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("catalogue-read", "-"): {
        "agent": 200,
        "staff": 200,
        "supervisor": 200,
        "qa": 200,
        "admin": 200,
        "no_role": 403,
        "anonymous": 401,
    },
    ("catalogue-write", "-"): {
        "agent": 403,
        "staff": 403,
        "supervisor": 403,
        "qa": 403,
        "admin": 201,
        "no_role": 403,
        "anonymous": 401,
    },
}
CASES = [
    (action, scope, role, codes[role])
    for (action, scope), codes in MATRIX.items()
    for role in ROLES
]


@pytest.fixture
def people(make_user: Callable[..., User], streets: Department) -> dict[str, User | None]:
    return {
        "agent": make_user(Role.AGENT),
        "staff": make_user(Role.DEPARTMENT_STAFF, [streets]),
        "supervisor": make_user(Role.SUPERVISOR, [streets]),
        "qa": make_user(Role.QA_REVIEWER),
        "admin": make_user(Role.ADMIN),
        "no_role": make_user(""),
        "anonymous": None,
    }


def _snapshot() -> tuple[Any, ...]:
    return (
        ServiceRequest.objects.count(),
        RequestEvent.objects.count(),
        tuple(
            ServiceRequest.objects.order_by("id").values_list(
                "status", "unit", "assignee", "duplicate_of"
            )
        ),
        Service.objects.count(),
    )


def _call(client: APIClient, action: str, target: ServiceRequest, parent: ServiceRequest) -> int:
    url = f"/api/v1/requests/{target.public_id}/"
    calls: dict[str, Callable[[], Any]] = {
        "list": lambda: client.get("/api/v1/requests/"),
        "detail": lambda: client.get(url),
        "create": lambda: client.post(
            "/api/v1/requests/",
            {
                "service": "pothole",
                "location": {"lat": 43.07, "long": -89.4},
                "attributes": {},
                "description": "Hole",
            },
            format="json",
        ),
        "status": lambda: client.post(url + "status/", {"status": "acknowledged"}, format="json"),
        "notes": lambda: client.post(
            url + "notes/", {"text": "Called back", "public": False}, format="json"
        ),
        "assign": lambda: client.post(
            url + "assign/", {"unit": None, "assignee": None}, format="json"
        ),
        "duplicate": lambda: client.post(
            url + "duplicate/", {"duplicate_of": parent.public_id}, format="json"
        ),
        "catalogue-read": lambda: client.get("/api/v1/services/"),
        "catalogue-write": lambda: client.post(
            "/api/v1/services/", {"code": "new-service", "name": "New service"}, format="json"
        ),
    }
    return int(calls[action]().status_code)


@pytest.mark.parametrize(("action", "scope", "role", "expected"), CASES)
def test_permission_matrix(
    action: str,
    scope: str,
    role: str,
    expected: int,
    people: dict[str, User | None],
    client_for: Callable[[User | None], APIClient],
    pothole: Service,
    missed_trash: Service,
) -> None:
    service = missed_trash if scope == "other" else pothole
    target, parent = make_request(service), make_request(service)
    before = _snapshot()
    status = _call(client_for(people[role]), action, target, parent)
    assert status == expected
    if status >= 400:
        assert _snapshot() == before


def test_department_staff_list_only_their_department(
    people: dict[str, User | None],
    client_for: Callable[[User | None], APIClient],
    pothole: Service,
    missed_trash: Service,
) -> None:
    own, other = make_request(pothole), make_request(missed_trash)
    ids = {r["id"] for r in client_for(people["staff"]).get("/api/v1/requests/").json()["results"]}
    assert ids == {own.public_id}
    ids = {r["id"] for r in client_for(people["agent"]).get("/api/v1/requests/").json()["results"]}
    assert ids == {own.public_id, other.public_id}
