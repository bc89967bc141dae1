"""The staff request API: creation, actions, validation errors and the timeline."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import EventKind, RequestEvent, Service, ServiceAttribute, ServiceRequest
from tests.factories import WorkUnitFactory, make_request

pytestmark = pytest.mark.django_db

VALID = {
    "service": "pothole",
    "description": "Deep pothole outside the library",
    "location": {"lat": 43.07, "long": -89.40},
    "address": "201 W Mifflin St",
    "requester": {"first_name": "Maria", "email": "maria@example.org", "channel": "email"},
    "channel": "phone",
}


@pytest.fixture
def agent_client(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> APIClient:
    return client_for(make_user(Role.AGENT))


@pytest.fixture
def sized_pothole(pothole: Service) -> Service:
    ServiceAttribute.objects.create(
        service=pothole,
        code="size",
        description="How big?",
        datatype="singlevaluelist",
        required=True,
        values=[{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
    )
    ServiceAttribute.objects.create(
        service=pothole, code="depth_cm", description="Depth", datatype="number"
    )
    return pothole


def test_agent_logs_a_call_and_it_is_routed_with_a_promise(
    agent_client: APIClient, pothole: Service
) -> None:
    response = agent_client.post("/api/v1/requests/", VALID, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department"] == "streets"
    assert body["status"] == "new"
    assert body["open311_status"] == "open"
    assert body["promised_at"] is not None
    assert body["location"] == {"lat": 43.07, "long": -89.4}
    assert [e["kind"] for e in body["timeline"]] == ["created", "routed"]
    assert "Streets and Roads" in body["timeline"][1]["note"]


def test_service_without_owner_goes_to_triage(agent_client: APIClient, triage: Department) -> None:
    Service.objects.create(code="other", name="Something else", default_department=None)
    response = agent_client.post("/api/v1/requests/", {**VALID, "service": "other"}, format="json")
    assert response.status_code == 201
    assert response.json()["department"] == "contact-centre"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"service": "no-such-service"}, "service"),
        ({"location": {"lat": 91, "long": 0}}, "location"),
        ({"location": {"lat": "north", "long": 0}}, "location"),
        ({"location": None, "address": ""}, "location"),
        ({"description": "x" * 5000}, "description"),
        ({"channel": "pigeon"}, "channel"),
        ({"priority": 9}, "priority"),
        ({"media_urls": ["not a url"]}, "media_urls"),
        ({"requester": {"channel": "email"}}, "requester_email"),
        ({"requester": {"language": "xx"}}, "requester_language"),
        ({"requester": {"email": "nope"}}, "requester"),
        ({"attributes": "not-a-dict"}, "attributes"),
        ({"attributes": {"size": "gigantic"}}, "attributes"),
        ({"attributes": {}}, "attributes"),
        ({"attributes": {"size": "small", "depth_cm": "deep"}}, "attributes"),
        ({"attributes": {"size": "small", "colour": "red"}}, "attributes"),
    ],
)
def test_invalid_input_gets_field_errors_and_writes_nothing(
    agent_client: APIClient, sized_pothole: Service, payload: dict[str, object], field: str
) -> None:
    body = {**VALID, "attributes": {"size": "small"}, **payload}
    response = agent_client.post("/api/v1/requests/", body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert ServiceRequest.objects.count() == 0
    assert RequestEvent.objects.count() == 0


def test_attribute_errors_name_the_attribute(
    agent_client: APIClient, sized_pothole: Service
) -> None:
    response = agent_client.post(
        "/api/v1/requests/", {**VALID, "attributes": {"depth_cm": "deep"}}, format="json"
    )
    assert response.json()["attributes"] == {
        "size": ["This attribute is required."],
        "depth_cm": ["Enter a number."],
    }


def test_malformed_json_is_a_400(agent_client: APIClient, pothole: Service) -> None:
    response = agent_client.post("/api/v1/requests/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_unknown_request_is_a_404(agent_client: APIClient) -> None:
    assert agent_client.get("/api/v1/requests/26-999999/").status_code == 404
    assert (
        agent_client.post(
            "/api/v1/requests/26-999999/notes/", {"text": "x", "public": True}, format="json"
        ).status_code
        == 404
    )


def test_staff_work_a_request_through_the_api(
    streets_staff: User,
    client_for: Callable[[User | None], APIClient],
    pothole: Service,
    streets: Department,
) -> None:
    client = client_for(streets_staff)
    service_request = make_request(pothole)
    url = f"/api/v1/requests/{service_request.public_id}/"
    unit = WorkUnitFactory.create(department=streets, slug="north-yard")

    assert (
        client.post(
            url + "status/", {"status": "in_progress", "note": "Crew booked"}, format="json"
        ).status_code
        == 200
    )
    response = client.post(
        url + "assign/", {"unit": "north-yard", "assignee": streets_staff.username}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["unit"] == unit.slug
    assert response.json()["assignee"] == streets_staff.username
    assert (
        client.post(
            url + "notes/", {"text": "Cone placed", "public": False}, format="json"
        ).status_code
        == 201
    )
    response = client.post(
        url + "status/", {"status": "resolved", "note": "Filled today"}, format="json"
    )
    body = response.json()
    assert body["status"] == "resolved"
    assert body["open311_status"] == "closed"
    assert [e["kind"] for e in body["timeline"]] == [
        "created",
        "routed",
        "status_changed",
        "assigned",
        "internal_note",
        "status_changed",
    ]
    assert client.post(url + "status/", {"status": "in_progress"}, format="json").status_code == 400


@pytest.mark.parametrize(
    ("action", "payload", "field"),
    [
        ("status/", {"status": "flying"}, "status"),
        ("status/", {"status": "closed_duplicate"}, "status"),
        ("status/", {"status": "closed_no_action", "note": ""}, "note"),
        ("status/", {}, "status"),
        ("notes/", {"text": "", "public": True}, "text"),
        ("notes/", {"text": "ok"}, "public"),
        ("notes/", {"text": "x" * 5000, "public": True}, "text"),
        ("assign/", {"unit": "no-such-unit"}, "unit"),
        ("assign/", {"assignee": "nobody"}, "assignee"),
        ("duplicate/", {"duplicate_of": "26-999999"}, "duplicate_of"),
        ("duplicate/", {}, "duplicate_of"),
    ],
)
def test_invalid_actions_get_field_errors_and_change_nothing(
    streets_staff: User,
    client_for: Callable[[User | None], APIClient],
    pothole: Service,
    action: str,
    payload: dict[str, object],
    field: str,
) -> None:
    service_request = make_request(pothole)
    events = RequestEvent.objects.count()
    response = client_for(streets_staff).post(
        f"/api/v1/requests/{service_request.public_id}/{action}", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert RequestEvent.objects.count() == events
    service_request.refresh_from_db()
    assert service_request.status == "new"


def test_assignee_must_work_for_the_owning_department(
    streets_staff: User,
    make_user: Callable[..., User],
    sanitation: Department,
    client_for: Callable[[User | None], APIClient],
    pothole: Service,
) -> None:
    outsider = make_user(Role.DEPARTMENT_STAFF, [sanitation])
    service_request = make_request(pothole)
    response = client_for(streets_staff).post(
        f"/api/v1/requests/{service_request.public_id}/assign/",
        {"assignee": outsider.username},
        format="json",
    )
    assert response.status_code == 400
    assert "assignee" in response.json()


def test_public_ids_keep_every_digit_past_six(pothole: Service) -> None:
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('intake_request_number_seq', 9999999)")
    created = make_request(pothole)
    assert created.public_id == f"{timezone.now():%y}-10000000"
    assert ServiceRequest.objects.get(pk=created.pk).public_id == created.public_id


def test_public_ids_are_unique_and_readable(pothole: Service) -> None:
    ids = {make_request(pothole).public_id for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) >= 9 and i[2] == "-" for i in ids)
    assert EventKind.CREATED in {e.kind for e in RequestEvent.objects.all()}
