"""Staff API: bad input that used to reach a 500, refused with a 4xx in the API's format.

Fixed where the input enters (the JSON parser, Open311's datetime reader, the staff API's
exception handler), so every view behind them is covered; these tests probe a few of each.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import Service
from tests.factories import make_request

pytestmark = pytest.mark.django_db

NOT_AN_OBJECT = ["[]", "null", '"text"', "42", "true", "[1, 2]"]
DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.fixture
def agent(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> APIClient:
    return client_for(make_user(Role.AGENT))


@pytest.mark.parametrize("body", [*NOT_AN_OBJECT, DEEP, DEEP_OBJECT])
def test_staff_api_json_body_that_is_not_an_object_is_a_400(
    agent: APIClient, pothole: Service, body: str
) -> None:
    response = agent.post("/api/v1/requests/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert isinstance(response.json(), dict)


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, "[]", "null"])
def test_token_endpoint_refuses_deep_or_odd_json_with_a_400(client: Client, body: str) -> None:
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]


def test_performance_report_at_the_ends_of_the_calendar_is_a_400(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> None:
    supervisor = client_for(make_user(Role.ADMIN))
    response = supervisor.get(
        "/api/v1/reports/performance/?since=0001-01-01T00:00:00%2B05:00&until=9999-12-31T23:59:59-12:00"
    )
    assert response.status_code == 400, response.content


def test_deleting_a_department_that_has_requests_is_a_409(
    make_user: Callable[..., User],
    client_for: Callable[[User | None], APIClient],
    pothole: Service,
    streets: Department,
) -> None:
    make_request(pothole)
    admin = client_for(make_user(Role.ADMIN))
    response = admin.delete("/api/v1/departments/streets/")
    assert response.status_code == 409, response.content
    assert "detail" in response.json()
    assert Department.objects.filter(slug="streets").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/qa/periods/?page_size=0",
        "/api/v1/qa/evaluations/?cursor=&page_size=0&status=acknowledged",
    ],
)
def test_qa_lists_page_without_a_500(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient], path: str
) -> None:
    response = client_for(make_user(Role.ADMIN)).get(path)
    assert response.status_code == 200, response.content


def test_an_unmatched_api_url_answers_json(agent: APIClient) -> None:
    response = agent.post("/api/v1/calls/1.5/caller/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_form_with_too_many_fields_answers_json(agent: APIClient) -> None:
    fields = {f"requests_{n}": "x" for n in range(300)}
    response = agent.post("/api/v1/requests/bulk-status/", fields, format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
