"""Audit trail (issue 15, item 6): who changed what, when, before and after; read per request
and per person by supervisors and administrators only."""

from collections.abc import Callable

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role, User
from audit.models import AppendOnlyError, AuditAction, AuditRecord, AuditSource
from core.models import Department
from intake.models import Service
from intake.services import service_request_assign, service_request_change_status
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_catalogue_change_through_the_api_records_before_and_after(
    admin_user: User, pothole: Service, client_for: Callable[[User | None], APIClient]
) -> None:
    answer = client_for(admin_user).patch(
        "/api/v1/services/pothole/", {"target_value": 3}, format="json"
    )
    assert answer.status_code == 200, answer.content
    record = AuditRecord.objects.get()
    assert record.actor == admin_user
    assert record.source == AuditSource.API
    assert record.action == AuditAction.CHANGED
    assert record.changes == {"target_value": {"before": 5, "after": 3}}


def test_department_created_and_deleted_through_the_api_are_recorded(
    admin_user: User, client_for: Callable[[User | None], APIClient]
) -> None:
    api = client_for(admin_user)
    created = api.post(
        "/api/v1/departments/",
        {"slug": "parks", "name": "Parks", "public_name": "Parks"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert api.delete("/api/v1/departments/parks/").status_code == 204
    actions = list(AuditRecord.objects.order_by("at").values_list("action", "target_repr"))
    assert [a for a, _ in actions] == [AuditAction.CREATED, AuditAction.DELETED]
    first = AuditRecord.objects.order_by("at").first()
    assert first is not None
    assert first.changes["name"] == {"before": None, "after": "Parks"}


def test_admin_edit_of_a_role_and_departments_is_recorded(
    streets: Department, make_user: Callable[..., User]
) -> None:
    agent = make_user(Role.AGENT)
    admin = User.objects.create_superuser(username="root", role=Role.ADMIN)
    browser = Client()
    browser.force_login(admin)
    answer = browser.post(
        f"/admin/accounts/user/{agent.pk}/change/",
        {
            "username": agent.username,
            "role": Role.DEPARTMENT_STAFF,
            "departments": [streets.pk],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert answer["Location"] == "/admin/accounts/user/"
    record = AuditRecord.objects.get(target_id=str(agent.pk))
    assert record.source == AuditSource.ADMIN
    assert record.changes["role"] == {"before": Role.AGENT, "after": Role.DEPARTMENT_STAFF}
    assert record.changes["departments"] == {"before": [], "after": [streets.pk]}
    assert "password" not in record.changes


def test_a_save_that_changes_nothing_records_nothing(
    admin_user: User, pothole: Service, client_for: Callable[[User | None], APIClient]
) -> None:
    client_for(admin_user).patch("/api/v1/services/pothole/", {"target_value": 5}, format="json")
    assert not AuditRecord.objects.exists()


def test_the_audit_trail_is_append_only(
    admin_user: User, pothole: Service, client_for: Callable[[User | None], APIClient]
) -> None:
    client_for(admin_user).patch("/api/v1/services/pothole/", {"target_value": 3}, format="json")
    record = AuditRecord.objects.get()
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(target_repr="forged")
    with connection.cursor() as cursor:
        cursor.execute("SELECT target_repr FROM audit_auditrecord")
        assert cursor.fetchone() != ("forged",)


def test_request_trail_shows_status_and_assignment_before_and_after(
    pothole: Service,
    streets: Department,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], APIClient],
) -> None:
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    supervisor = make_user(Role.SUPERVISOR, [streets])
    request = make_request(pothole)
    service_request_assign(service_request=request, actor=worker, assignee=worker)
    service_request_change_status(service_request=request, to_status="in_progress", actor=worker)
    answer = client_for(supervisor).get(f"/api/v1/audit/requests/{request.public_id}/")
    assert answer.status_code == 200, answer.content
    entries = answer.json()
    assert entries[0]["action"] == "Status changed"
    assert entries[0]["changes"] == {"status": {"before": "new", "after": "in_progress"}}
    assigned = next(e for e in entries if e["action"] == "Assigned")
    assert assigned["changes"]["assignee"] == {"before": None, "after": worker.username}
    assert assigned["actor"] == worker.username


def test_user_trail_joins_request_history_and_catalogue_edits(
    pothole: Service, streets: Department, client_for: Callable[[User | None], APIClient]
) -> None:
    admin = User.objects.create_user(username="boss", role=Role.ADMIN)
    client_for(admin).patch("/api/v1/services/pothole/", {"target_value": 2}, format="json")
    request = make_request(pothole)
    service_request_change_status(service_request=request, to_status="acknowledged", actor=admin)
    entries = client_for(admin).get("/api/v1/audit/users/boss/").json()
    assert [e["origin"] for e in entries] == ["history", "api"]
    assert entries[1]["changes"] == {"target_value": {"before": 5, "after": 2}}


def test_only_supervisors_of_the_department_and_admins_read_the_trail(
    pothole: Service,
    streets: Department,
    sanitation: Department,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], APIClient],
) -> None:
    request = make_request(pothole)
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    other_supervisor = make_user(Role.SUPERVISOR, [sanitation])
    own_supervisor = make_user(Role.SUPERVISOR, [streets])
    path = f"/api/v1/audit/requests/{request.public_id}/"
    assert client_for(worker).get(path).status_code == 403
    assert client_for(other_supervisor).get(path).status_code == 403
    assert client_for(own_supervisor).get(path).status_code == 200
    assert (
        client_for(other_supervisor).get(f"/api/v1/audit/users/{worker.username}/").status_code
        == 403
    )
    assert (
        client_for(own_supervisor).get(f"/api/v1/audit/users/{worker.username}/").status_code == 200
    )
    assert client_for(own_supervisor).get("/api/v1/audit/users/nobody/").status_code == 404
    assert client_for(own_supervisor).get("/api/v1/audit/requests/26-999999/").status_code == 404
