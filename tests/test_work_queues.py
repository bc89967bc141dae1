"""Department queues: urgent first, claim-next never hands one request to two people."""

import re
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from frontend.staff.filters import SORTS
from intake.models import EventKind, Service, ServiceRequest
from intake.statuses import Status
from notifications.models import OutboxMessage
from tests.factories import make_request
from tests.query_plans import plan_with_only
from work.selectors import queue_counts, queue_requests
from work.services import queue_claim_next, requests_escalate_unacknowledged

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user: Callable[..., User], streets: Department) -> User:
    return make_user(Role.DEPARTMENT_STAFF, [streets])


@pytest.fixture
def api(worker: User, client_for: Callable[[User | None], APIClient]) -> APIClient:
    return client_for(worker)


def _aged(request: ServiceRequest, *, created_days_ago: float, promised_in_days: float) -> None:
    now = timezone.now()
    ServiceRequest.objects.filter(pk=request.pk).update(
        created_at=now - timedelta(days=created_days_ago),
        promised_at=now + timedelta(days=promised_in_days),
    )


def test_queue_is_sorted_by_due_date_then_priority_with_counts(
    api: APIClient, pothole: Service
) -> None:
    later = make_request(pothole)
    overdue = make_request(pothole)
    at_risk = make_request(pothole)
    urgent_same_day = make_request(pothole, priority=4)
    _aged(overdue, created_days_ago=6, promised_in_days=-1)
    _aged(at_risk, created_days_ago=4, promised_in_days=1)
    same_day = timezone.now() + timedelta(days=5)
    ServiceRequest.objects.filter(pk__in=[later.pk, urgent_same_day.pk]).update(
        created_at=timezone.now(), promised_at=same_day
    )
    body = api.get("/api/v1/queues/streets/").json()
    assert [r["id"] for r in body["results"]] == [
        overdue.public_id,
        at_risk.public_id,
        urgent_same_day.public_id,
        later.public_id,
    ]
    assert body["counts"]["total"] == 4
    assert body["counts"]["overdue"] == 1
    assert body["counts"]["at_risk"] == 1
    assert body["counts"]["unassigned"] == 4
    assert body["counts"]["by_status"]["new"] == 4
    assert [r["at_risk"] for r in body["results"]] == [False, True, False, False]


def test_other_departments_queues_are_closed(
    make_user: Callable[..., User],
    client_for: Callable[[User | None], APIClient],
    sanitation: Department,
    streets: Department,
) -> None:
    outsider = client_for(make_user(Role.DEPARTMENT_STAFF, [sanitation]))
    assert outsider.get("/api/v1/queues/streets/").status_code == 403
    assert outsider.post("/api/v1/queues/streets/claim-next/").status_code == 403
    assert outsider.get("/api/v1/queues/nowhere/").status_code == 404
    assert outsider.get("/api/v1/queues/sanitation/?unit=nope").status_code == 400


def test_claim_next_assigns_and_acknowledges_the_most_urgent(
    api: APIClient, worker: User, pothole: Service
) -> None:
    calm = make_request(pothole)
    urgent = make_request(pothole)
    _aged(calm, created_days_ago=0, promised_in_days=5)
    _aged(urgent, created_days_ago=3, promised_in_days=1)
    response = api.post("/api/v1/queues/streets/claim-next/")
    assert response.status_code == 200
    assert response.json()["id"] == urgent.public_id
    urgent.refresh_from_db()
    assert urgent.assignee == worker
    assert urgent.status == Status.ACKNOWLEDGED
    assert urgent.events.filter(kind=EventKind.STATUS_CHANGED, public=True).exists()
    assert api.post("/api/v1/queues/streets/claim-next/").json()["id"] == calm.public_id
    assert api.post("/api/v1/queues/streets/claim-next/").status_code == 204


@pytest.mark.django_db(transaction=True)
def test_parallel_claims_never_share_a_request(
    make_user: Callable[..., User], streets: Department, pothole: Service
) -> None:
    for _ in range(12):
        make_request(pothole)
    workers = [make_user(Role.DEPARTMENT_STAFF, [streets]) for _ in range(6)]
    claimed: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))
    lock = threading.Lock()

    def claim(user: User) -> None:
        try:
            start.wait()
            for _ in range(3):
                got = queue_claim_next(actor=user, department=streets)
                if got is not None:
                    with lock:
                        claimed.append(got.public_id)
        except BaseException as exc:  # reported below; a thread must not swallow it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(claimed) == 12
    assert len(set(claimed)) == 12
    assert not ServiceRequest.objects.filter(assignee__isnull=True).exists()


def test_bulk_status_change_is_all_or_nothing(api: APIClient, pothole: Service) -> None:
    first, second = make_request(pothole), make_request(pothole)
    response = api.post(
        "/api/v1/requests/bulk-status/",
        {
            "requests": [first.public_id, second.public_id],
            "status": "in_progress",
            "note": "Crews are out on your street this week.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == {"in_progress"}
    third = make_request(pothole)
    response = api.post(
        "/api/v1/requests/bulk-status/",
        {"requests": [third.public_id, first.public_id], "status": "acknowledged"},
        format="json",
    )
    assert response.status_code == 400
    assert first.public_id in response.json()["requests"][0]
    third.refresh_from_db()
    assert third.status == Status.NEW  # the valid one did not change either


def test_unacknowledged_requests_escalate_once(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    boss = make_user(Role.SUPERVISOR, [streets])
    boss.email = "boss@riverton.example.gov"
    boss.save()
    streets.acknowledge_within = timedelta(hours=4)
    streets.save()
    stale = make_request(pothole)
    fresh = make_request(pothole)
    ServiceRequest.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(hours=5)
    )
    assert requests_escalate_unacknowledged() == 1
    assert requests_escalate_unacknowledged() == 0
    stale.refresh_from_db()
    assert stale.escalated_at is not None
    event = stale.events.get(kind=EventKind.ESCALATED)
    assert not event.public
    assert not fresh.events.filter(kind=EventKind.ESCALATED).exists()
    alert = OutboxMessage.objects.get(kind="escalated")
    assert alert.recipient == "boss@riverton.example.gov"
    assert stale.public_id in alert.subject


def test_performance_report_as_csv(
    pothole: Service, make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> None:
    make_request(pothole)
    supervisor = make_user(Role.SUPERVISOR)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    until = (timezone.now() + timedelta(days=1)).isoformat()
    answer = client_for(supervisor).get(
        "/api/v1/reports/performance.csv", {"group_by": "service", "since": since, "until": until}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode().splitlines()
    assert lines[0].startswith("service,volume,acknowledge_median_hours")
    assert lines[1].startswith("pothole,1,")
    bad = client_for(supervisor).get("/api/v1/reports/performance.csv", {"since": "x"})
    assert bad.status_code == 400
    assert (
        client_for(make_user(Role.AGENT)).get("/api/v1/reports/performance.csv").status_code == 403
    )


def test_the_queue_counts_read_only_columns_of_their_index(streets: Department) -> None:
    """Counting a large department's open requests must not visit the table: every column
    the counting query reads is in queue_counts_idx, so it can be an index-only scan (the
    planner's choice on an almost empty test table says nothing, so the columns are compared)."""
    with CaptureQueriesContext(connection) as queries:
        queue_counts(department=streets)
    (counting,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    read = set(re.findall(r'"intake_servicerequest"\."(\w+)"', counting))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE c.relname = 'queue_counts_idx'"
        )
        in_index = {name for (name,) in cursor.fetchall()}
    assert read
    assert read <= in_index, read - in_index


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("due", "request_open_queue_idx"),
        ("priority", "queue_priority_idx"),
        ("newest", "queue_newest_idx"),
        ("oldest", "queue_newest_idx"),
    ],
)
def test_every_queue_sort_reads_an_index_in_its_order(
    streets: Department, sort: str, index: str
) -> None:
    """A page of a large department's queue must not sort all its open requests: with
    sorting and the other scans switched off, only an index in the sort's order avoids a
    Sort node."""
    page = queue_requests(department=streets).order_by(*SORTS[sort]).values("pk")[:26]
    plan = plan_with_only(
        page, index=index, switched_off=("enable_seqscan", "enable_bitmapscan", "enable_sort")
    )
    assert f"using {index}" in plan, plan
    assert "Sort" not in plan, plan
