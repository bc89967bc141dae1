"""Garbage in, a clear 4xx out: never a 500, never a change, on every endpoint that writes."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import Follower, RequestEvent, Service, ServiceRequest, Transfer
from notifications.models import OutboxMessage
from tests.factories import make_request

pytestmark = pytest.mark.django_db

GARBAGE: list[Any] = [
    None,
    "",
    "x" * 10_000,
    12,
    -1,
    [],
    {},
    ["a", 1, None],
    {"nested": {"deeper": []}},
    "\x00",
    "2026-13-45T99:99",
    float("1e308"),
]


@pytest.fixture
def admin_api(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> APIClient:
    return client_for(make_user(Role.ADMIN))


def _fields(path: str) -> list[str]:
    return {
        "requests/": ["service", "description", "location", "requester", "attributes", "channel"],
        "status/": ["status", "note"],
        "notes/": ["text", "public"],
        "assign/": ["unit", "assignee"],
        "duplicate/": ["duplicate_of"],
        "transfer/": ["reason", "suggested_department", "override"],
        "promise/": ["promised_at", "reason"],
        "follow/": ["email", "phone", "language"],
        "claim-next/": ["unit"],
        "bulk-status/": ["requests", "status", "note"],
    }[path]


# Garbage that is a legitimate answer: clearing an assignment, and text that merely looks
# like a date is a reason in words. Everything else must be refused with 400.
ACCEPTED: list[tuple[str, str, Any]] = [
    ("assign/", "unit", None),
    ("assign/", "assignee", None),
    ("transfer/", "reason", "2026-13-45T99:99"),
]
# A follower's phone number is validated by the intake work on contact details; until it
# lands, this file does not assert what `follow/` does with a malformed phone.
NOT_ASSERTED = {("follow/", "phone")}


def _state(target: ServiceRequest) -> tuple[Any, ...]:
    """Everything a refused write must leave as it was."""
    target.refresh_from_db()
    return (
        ServiceRequest.objects.count(),
        RequestEvent.objects.count(),
        OutboxMessage.objects.count(),
        Transfer.objects.count(),
        Follower.objects.count(),
        target.status,
        target.department_id,
        target.unit_id,
        target.assignee_id,
        target.promised_at,
        target.duplicate_of_id,
    )


@pytest.mark.parametrize(
    "path",
    [
        "requests/",
        "status/",
        "notes/",
        "assign/",
        "duplicate/",
        "transfer/",
        "promise/",
        "follow/",
        "claim-next/",
        "bulk-status/",
    ],
)
def test_staff_api_writes_answer_garbage_with_400_and_write_nothing(
    admin_api: APIClient, pothole: Service, streets: Department, path: str
) -> None:
    target = make_request(pothole)
    url = {
        "requests/": "/api/v1/requests/",
        "claim-next/": "/api/v1/queues/streets/claim-next/",
        "bulk-status/": "/api/v1/requests/bulk-status/",
    }.get(path, f"/api/v1/requests/{target.public_id}/{path}")
    for field in _fields(path):
        if (path, field) in NOT_ASSERTED:
            continue
        for value in GARBAGE:
            before = _state(target)
            response = admin_api.post(url, {field: value}, format="json")
            if (path, field, value) in ACCEPTED:
                assert response.status_code == 200, (url, field, value, response.content[:200])
                continue
            assert response.status_code == 400, (url, field, value, response.content[:200])
            assert _state(target) == before, (url, field, value)
    for body in (b"{not json", b"[]", b'"text"', b"\xff\xfe"):
        before = _state(target)
        response = admin_api.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, body)
        assert _state(target) == before, (url, body)


@pytest.mark.parametrize("reason", [12, 1e308, True, ["Not ours"], {"text": "Not ours"}])
def test_a_transfer_reason_that_is_not_text_is_refused(
    admin_api: APIClient, pothole: Service, streets: Department, reason: Any
) -> None:
    target = make_request(pothole)
    before = _state(target)
    response = admin_api.post(
        f"/api/v1/requests/{target.public_id}/transfer/", {"reason": reason}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert _state(target) == before
    assert target.department == streets


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("notes/", {"text": 12, "public": True}),
        ("status/", {"status": "in_progress", "note": 1e308}),
        ("promise/", {"promised_at": "2031-01-01T12:00:00Z", "reason": 12}),
    ],
)
def test_notes_and_reasons_that_are_not_text_are_refused(
    admin_api: APIClient, pothole: Service, path: str, body: dict[str, Any]
) -> None:
    target = make_request(pothole)
    before = _state(target)
    response = admin_api.post(f"/api/v1/requests/{target.public_id}/{path}", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {"text", "note", "reason"}
    assert _state(target) == before


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "a,b,c,d"},
        {"near": "1,2"},
        {"created_after": "yesterday"},
        {"status": "sleeping"},
        {"overdue": "maybe"},
        {"cursor": "garbage"},
        {"service": "x" * 500},
        {"assignee": "\x00"},
    ],
)
def test_staff_api_reads_answer_garbage_with_4xx(
    admin_api: APIClient, pothole: Service, query: dict[str, str]
) -> None:
    make_request(pothole)
    assert admin_api.get("/api/v1/requests/", query).status_code < 500
    for url in (
        "/api/v1/queues/streets/",
        "/api/v1/requests/possible-duplicates/",
        "/api/v1/requests/suggest-service/",
        "/api/v1/reports/performance/",
        "/api/v1/recovery-tasks/",
        "/api/v1/notifications/failures/",
    ):
        assert admin_api.get(url, query).status_code < 500, (url, query)


def test_open311_post_answers_garbage_with_4xx(client: Client, pothole: Service) -> None:
    from open311.services import api_key_issue

    key = api_key_issue(name="fuzz").key
    for field in (
        "service_code",
        "lat",
        "long",
        "attribute[size]",
        "attribute[size][]",
        "media_url",
    ):
        for value in ("", "\x00", "x" * 5000, "1e999", "nan", "[]"):
            response = client.post(
                "/open311/v2/requests.json",
                {"api_key": key, "service_code": "pothole", field: value},
            )
            assert response.status_code < 500, (field, value, response.content[:200])
    response = client.post("/open311/v2/requests.json", b"{broken", content_type="application/json")
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()


def test_survey_form_answers_garbage_with_4xx(client: Client) -> None:
    assert client.post("/survey/x/", {"satisfaction": "\x00"}).status_code == 404


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/api/v1/services/", ["code", "name", "default_department", "target_value", "keywords"]),
        ("/api/v1/departments/", ["slug", "name", "working_days", "day_starts_at"]),
        ("/api/v1/areas/", ["slug", "kind", "geometry"]),
    ],
)
def test_catalogue_writes_answer_garbage_with_4xx(
    admin_api: APIClient, streets: Department, url: str, fields: list[str]
) -> None:
    for field in fields:
        for value in GARBAGE:
            response = admin_api.post(url, {field: value}, format="json")
            assert response.status_code < 500, (url, field, value, response.content[:200])
