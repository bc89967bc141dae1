"""Keep your word (C7), no silence (C8), ask afterwards (C10), put it right (C9)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import EventKind, Service, ServiceRequest
from intake.services import (
    Requester,
    service_request_change_promise,
    service_request_change_status,
)
from intake.statuses import Status
from notifications.models import MessageKind, OutboxMessage, ServiceRecoveryTask, SurveyInvitation
from tests.factories import make_request
from work.timeliness import service_requests_flag_at_risk, service_requests_send_still_on_it

pytestmark = pytest.mark.django_db
MARIA = Requester(first_name="Maria", email="maria@example.org", channel="email")


@pytest.fixture
def worker(make_user: Callable[..., User], streets: Department) -> User:
    return make_user(Role.DEPARTMENT_STAFF, [streets])


@pytest.fixture
def supervisor(make_user: Callable[..., User], streets: Department) -> User:
    user = make_user(Role.SUPERVISOR, [streets])
    user.email = "boss@riverton.example.gov"
    user.save()
    return user


def test_a_new_date_with_a_reason_reaches_the_resident(
    pothole: Service, worker: User, client_for: Callable[[User | None], APIClient]
) -> None:
    created = make_request(pothole, requester=MARIA)
    new_date = timezone.now() + timedelta(days=20)
    response = client_for(worker).post(
        f"/api/v1/requests/{created.public_id}/promise/",
        {"promised_at": new_date.isoformat(), "reason": "The asphalt plant is closed this week."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    created.refresh_from_db()
    assert created.promise_changes == 1
    assert not created.promise_broken  # re-dated before the old date: kept faith
    message = OutboxMessage.objects.get(kind=MessageKind.PROMISE_CHANGED)
    assert "The asphalt plant is closed this week." in message.body
    assert "We are sorry" in message.body


@pytest.mark.parametrize(
    ("days", "reason", "field"),
    [(-1, "Because.", "promised_at"), (30, "", "reason"), (30, "   ", "reason")],
)
def test_a_new_date_needs_a_future_date_and_a_reason(
    pothole: Service,
    worker: User,
    client_for: Callable[[User | None], APIClient],
    days: int,
    reason: str,
    field: str,
) -> None:
    created = make_request(pothole)
    response = client_for(worker).post(
        f"/api/v1/requests/{created.public_id}/promise/",
        {"promised_at": (timezone.now() + timedelta(days=days)).isoformat(), "reason": reason},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()


def test_late_closure_and_late_redating_count_as_broken_promises(
    pothole: Service, worker: User
) -> None:
    late = make_request(pothole)
    ServiceRequest.objects.filter(pk=late.pk).update(
        promised_at=timezone.now() - timedelta(hours=1)
    )
    service_request_change_status(service_request=late, to_status=Status.RESOLVED, actor=worker)
    late.refresh_from_db()
    assert late.promise_broken
    redated = make_request(pothole)
    ServiceRequest.objects.filter(pk=redated.pk).update(
        promised_at=timezone.now() - timedelta(hours=1)
    )
    service_request_change_promise(
        service_request=redated,
        actor=worker,
        promised_at=timezone.now() + timedelta(days=3),
        reason="A contractor fell through.",
    )
    redated.refresh_from_db()
    assert redated.promise_broken


def test_promises_at_risk_alert_the_supervisor_once(pothole: Service, supervisor: User) -> None:
    risky = make_request(pothole)
    calm = make_request(pothole)
    now = timezone.now()
    ServiceRequest.objects.filter(pk=risky.pk).update(
        created_at=now - timedelta(days=4), promised_at=now + timedelta(days=1)
    )
    flagged = service_requests_flag_at_risk()
    assert [e.request_id for e in flagged] == [risky.pk]
    assert service_requests_flag_at_risk() == []
    alert = OutboxMessage.objects.get(kind=MessageKind.AT_RISK)
    assert alert.recipient == "boss@riverton.example.gov"
    assert risky.public_id in alert.subject
    assert not calm.events.filter(kind=EventKind.AT_RISK).exists()


def test_still_on_it_after_days_of_silence(pothole: Service) -> None:
    quiet = make_request(pothole, requester=MARIA)
    recent = make_request(pothole, requester=MARIA)
    ServiceRequest.objects.filter(pk=quiet.pk).update(
        last_public_update_at=timezone.now() - timedelta(days=8)
    )
    assert service_requests_send_still_on_it() == 1
    assert service_requests_send_still_on_it() == 0  # the update itself is news
    message = OutboxMessage.objects.get(kind=MessageKind.STILL_ON_IT)
    assert message.request_id == quiet.pk
    assert "still on it" in message.body
    assert not OutboxMessage.objects.filter(request=recent, kind=MessageKind.STILL_ON_IT).exists()


def _closed_with_survey(pothole: Service, worker: User) -> tuple[ServiceRequest, SurveyInvitation]:
    created = make_request(pothole, requester=MARIA)
    service_request_change_status(
        service_request=created, to_status=Status.RESOLVED, actor=worker, note="Patched."
    )
    survey = SurveyInvitation.objects.get(request=created)
    message = OutboxMessage.objects.get(kind=MessageKind.SURVEY)
    assert f"/survey/{survey.token}/" in message.body
    return created, survey


def test_survey_not_fixed_reopens_and_low_score_starts_recovery(
    client: Client, pothole: Service, worker: User
) -> None:
    created, survey = _closed_with_survey(pothole, worker)
    page = client.get(f"/survey/{survey.token}/")
    assert page.status_code == 200
    assert created.public_id in page.content.decode()
    response = client.post(
        f"/survey/{survey.token}/",
        {"satisfaction": "3", "courteous": "yes", "fixed": "no", "comment": "Still a hole."},
    )
    assert response.status_code == 200
    created.refresh_from_db()
    assert created.status == Status.ACKNOWLEDGED
    assert created.events.filter(kind=EventKind.REOPENED).exists()
    task = ServiceRecoveryTask.objects.get(request=created)
    assert "satisfaction 3/10" in task.reason
    assert "Still a hole." in task.reason
    again = client.post(
        f"/survey/{survey.token}/", {"satisfaction": "9", "courteous": "yes", "fixed": "yes"}
    )
    assert again.status_code == 404


def test_survey_happy_answer_changes_nothing(
    client: Client, pothole: Service, worker: User
) -> None:
    created, survey = _closed_with_survey(pothole, worker)
    client.post(
        f"/survey/{survey.token}/", {"satisfaction": "9", "courteous": "yes", "fixed": "yes"}
    )
    created.refresh_from_db()
    assert created.status == Status.RESOLVED
    assert not ServiceRecoveryTask.objects.exists()


def test_survey_rejects_bad_answers(client: Client, pothole: Service, worker: User) -> None:
    _, survey = _closed_with_survey(pothole, worker)
    response = client.post(f"/survey/{survey.token}/", {"satisfaction": "11", "fixed": "yes"})
    assert response.status_code == 400
    assert client.get("/survey/not-a-token/").status_code == 404


def test_recovery_tasks_are_worked_by_supervisors(
    client: Client,
    pothole: Service,
    worker: User,
    supervisor: User,
    client_for: Callable[[User | None], APIClient],
) -> None:
    _, survey = _closed_with_survey(pothole, worker)
    client.post(
        f"/survey/{survey.token}/", {"satisfaction": "8", "courteous": "no", "fixed": "yes"}
    )
    boss = client_for(supervisor)
    (task,) = boss.get("/api/v1/recovery-tasks/?status=open").json()["results"]
    assert "courteously" in task["reason"]
    assert client_for(worker).get("/api/v1/recovery-tasks/").status_code == 403
    done = boss.post(
        f"/api/v1/recovery-tasks/{task['id']}/done/",
        {"outcome": "Called Maria, apologised, the crew lead will call her."},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done"


def test_performance_report_and_delivery_failures(
    pothole: Service,
    worker: User,
    supervisor: User,
    client_for: Callable[[User | None], APIClient],
) -> None:
    created = make_request(pothole, requester=MARIA)
    service_request_change_status(service_request=created, to_status=Status.RESOLVED, actor=worker)
    OutboxMessage.objects.filter(kind=MessageKind.CREATED).update(
        status="failed", last_error="550 no such user"
    )
    boss = client_for(supervisor)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    until = (timezone.now() + timedelta(days=1)).isoformat()
    (row,) = boss.get(
        "/api/v1/reports/performance/", {"group_by": "department", "since": since, "until": until}
    ).json()
    assert row["department"] == "streets"
    assert row["volume"] == 1
    assert row["within_promise_share"] == 1.0
    assert row["delivery_failures"] == 1
    assert row["resolve_median_hours"] is not None
    failures = boss.get("/api/v1/notifications/failures/").json()["results"]
    assert [f["last_error"] for f in failures] == ["550 no such user"]
    assert failures[0]["recipient"].startswith("mar")
    assert "@" not in failures[0]["recipient"]
    bad = boss.get("/api/v1/reports/performance/", {"since": until, "until": since})
    assert bad.status_code == 400
    detail = client_for(worker).get(f"/api/v1/requests/{created.public_id}/").json()
    assert {d["kind"] for d in detail["deliveries"]} >= {"created", "status_changed", "survey"}
