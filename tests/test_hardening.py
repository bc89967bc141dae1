"""One bad department never stops intake; health tells liveness from readiness (issue 13)."""

from collections.abc import Callable
from datetime import time, timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.health import HEARTBEAT_KEY
from core.models import Department
from intake.models import Service, ServiceRequest
from intake.services import Requester
from notifications.models import OutboxMessage
from tests.factories import DepartmentFactory, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> APIClient:
    return client_for(make_user(Role.ADMIN))


@pytest.fixture
def parks(db: None) -> Department:
    return DepartmentFactory.create(slug="parks", name="Parks")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day_starts_at": "17:00", "day_ends_at": "08:00"}, "day_ends_at"),
        ({"day_ends_at": "07:00"}, "day_ends_at"),
        ({"day_starts_at": "09:00", "day_ends_at": "09:00"}, "day_ends_at"),
        ({"working_days": []}, "working_days"),
        ({"working_days": [1, 1]}, "working_days"),
    ],
)
def test_api_refuses_a_calendar_routing_cannot_use(
    admin_api: APIClient, parks: Department, change: dict[str, object], field: str
) -> None:
    response = admin_api.patch("/api/v1/departments/parks/", change, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    parks.refresh_from_db()
    assert parks.day_starts_at < parks.day_ends_at


def test_api_refuses_a_service_target_that_would_keep_routing_busy(
    admin_api: APIClient, pothole: Service
) -> None:
    response = admin_api.patch(
        "/api/v1/services/pothole/", {"target_value": 2_000_000_000}, format="json"
    )
    assert response.status_code == 400
    assert "target_value" in response.json()


def test_admin_form_refuses_a_day_that_ends_before_it_starts(parks: Department) -> None:
    admin = User.objects.create_superuser("root", "root@example.org", "pw-123-long-enough")
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/core/department/{parks.pk}/change/",
        {
            "slug": "parks",
            "name": "Parks",
            "public_name": "Parks",
            "working_days": ["0", "1"],
            "day_starts_at": "17:00",
            "day_ends_at": "08:00",
            "acknowledge_within": "1 00:00:00",
            "is_active": "on",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "must end after it starts" in response.content.decode()
    parks.refresh_from_db()
    assert parks.day_ends_at == time(17, 0)


def _break(department: Department) -> None:
    # A row written around the API and admin (SQL, an old import): the engine must cope.
    Department.objects.filter(pk=department.pk).update(
        day_starts_at=time(17, 0), day_ends_at=time(8, 0)
    )


REQUEST = {
    "description": "Deep one",
    "location": {"lat": 43.07, "long": -89.40},
    "requester": {"first_name": "Maria", "email": "maria@example.org", "channel": "email"},
}


def test_a_department_with_an_unusable_calendar_is_skipped_and_intake_goes_on(
    parks: Department,
    pothole: Service,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], APIClient],
) -> None:
    _break(parks)
    agent = client_for(make_user(Role.AGENT))
    response = agent.post("/api/v1/requests/", {**REQUEST, "service": "pothole"}, format="json")
    assert response.status_code == 201, response.content
    assert ServiceRequest.objects.get().department.slug == "streets"


def test_parks_own_requests_go_to_triage_with_a_promise_while_it_is_unusable(
    parks: Department,
    triage: Department,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], APIClient],
) -> None:
    Service.objects.create(code="tree-down", name="Tree down", default_department=parks)
    _break(parks)
    agent = client_for(make_user(Role.AGENT))
    response = agent.post("/api/v1/requests/", {**REQUEST, "service": "tree-down"}, format="json")
    assert response.status_code == 201, response.content
    created = ServiceRequest.objects.get()
    assert created.department.slug == "contact-centre"
    assert created.promised_at is not None


def test_readiness_and_admin_report_an_unusable_department(
    parks: Department, triage: Department, client: Client
) -> None:
    _break(parks)
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat())
    response = client.get("/healthz/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "degraded"
    assert "parks" in body["unusable_departments"]
    admin_column = site._registry[Department].configuration  # type: ignore[attr-defined]
    assert admin_column(parks.__class__.objects.get(pk=parks.pk)).startswith("unusable")


def test_liveness_checks_nothing_but_the_process(client: Client, settings: Settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get("/healthz/live").status_code == 200
    assert client.get("/healthz/ready").status_code == 503


def test_readiness_fails_without_a_recent_beat_tick(client: Client) -> None:
    cache.delete(HEARTBEAT_KEY)
    body = client.get("/healthz/ready").json()
    assert body["checks"]["beat"] == "no beat tick recorded"
    cache.set(HEARTBEAT_KEY, (timezone.now() - timedelta(minutes=10)).isoformat())
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"].startswith("last beat tick")
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat())
    response = client.get("/healthz/ready")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {
        "database": "ok",
        "broker": "ok",
        "outbox": "ok",
        "beat": "ok",
    }


def test_readiness_fails_when_the_outbox_is_not_drained(
    client: Client, pothole: Service, settings: Settings
) -> None:
    make_request(pothole, requester=Requester(email="r@example.org", channel="email"))
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat())
    assert OutboxMessage.objects.exists()
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"].startswith("oldest due message waiting")


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    client: Client, settings: Settings
) -> None:
    settings.CIVIC311_MAX_BODY_BYTES = 1000

    def upload() -> dict[str, object]:
        return {"media": SimpleUploadedFile("photo.jpg", b"x" * 5000), "service_code": "pothole"}

    response = client.post("/open311/v2/requests.json", upload())
    assert response.status_code == 413
    assert response.json()[0]["code"] == 413
    response = client.post("/open311/v2/requests.xml", upload())
    assert response.status_code == 413
    assert b"<code>413</code>" in response.content
    response = client.post("/api/v1/auth/token/", upload())
    assert response.status_code == 413
    assert "detail" in response.json()


def test_a_repeat_send_of_one_outbox_message_carries_the_same_message_id(
    pothole: Service, mailoutbox: list[object]
) -> None:
    from notifications.transports import EmailTransport

    make_request(pothole, requester=Requester(email="r@example.org", channel="email"))
    message = OutboxMessage.objects.filter(channel="email").first()
    assert message is not None
    first = EmailTransport().send(message)
    again = EmailTransport().send(message)
    ids = [m.extra_headers["Message-ID"] for m in mailoutbox]  # type: ignore[attr-defined]
    assert first == again == ids[-1] == ids[-2]
    assert str(message.key) in first


def test_the_report_form_reads_photos_up_to_its_own_limit_and_refuses_more_unread(
    client: Client, settings: Settings
) -> None:
    settings.CIVIC311_MAX_BODY_BYTES = 1000
    settings.CIVIC311_MAX_REPORT_BODY_BYTES = 20_000

    def upload(size: int) -> dict[str, object]:
        return {"photos": SimpleUploadedFile("photo.jpg", b"x" * size)}

    # Within the form's own limit the body is read and the form answers (not a 413).
    assert client.post("/report/pothole/", upload(5000)).status_code != 413
    response = client.post("/report/pothole/", upload(30_000))
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    # Every other path keeps the small limit.
    assert client.post("/api/v1/auth/token/", upload(5000)).status_code == 413
