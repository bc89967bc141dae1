"""The caches tests usually switch off, with the production settings: each answers from
memory within its window and sees a change once the window has passed, never later.

(Open311 API keys, which must not wait for any window, are in tests/open311; the routing
engine, checked and rebuilt in the background, in tests/test_router_refresh.py.)
"""

import time
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import Service
from notifications import services as outbox
from notifications.models import OutboxMessage, WebhookSubscription
from routing_adapter import router
from tests.factories import make_request

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("America/Chicago")


class Clock:
    """The process's monotonic clock, moved by hand (each cache reads it to age its copy)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(time, "monotonic", moved)
    return moved


@pytest.fixture(autouse=True)
def _fresh_process_memory() -> Iterator[None]:
    router.forget_router()
    outbox._subscriptions = None
    yield
    router.forget_router()
    outbox._subscriptions = None


def test_queue_counts_are_shared_for_their_window_then_recounted(
    settings: Settings,
    pothole: Service,
    streets: Department,
    make_user: Callable[..., User],
    client_for: Callable[[User | None], APIClient],
) -> None:
    settings.CIVIC311_QUEUE_COUNTS_CACHE_SECONDS = 10  # production
    staff = client_for(make_user(Role.DEPARTMENT_STAFF, [streets]))
    make_request(pothole)
    first = staff.get("/api/v1/queues/streets/").json()
    assert first["count"] == 1
    make_request(pothole)
    again = staff.get("/api/v1/queues/streets/").json()
    assert again["counts"] == first["counts"]  # shared: counted at most once per window
    assert len(again["results"]) == 2  # the list itself is never cached
    from django.core.cache import cache

    cache.delete(f"queue-counts:{streets.pk}:-")  # the window has passed
    assert staff.get("/api/v1/queues/streets/").json()["count"] == 2


def test_webhook_subscriptions_are_read_again_after_their_window(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, pothole: Service
) -> None:
    settings.ENVIRONMENT = "production"  # the window tests otherwise switch off
    moved = Clock()
    monkeypatch.setattr(time, "monotonic", moved)
    make_request(pothole)  # nobody subscribed yet, and that is remembered
    WebhookSubscription.objects.create(name="Civic app", url="https://app.example/h", secret="s")
    moved.now += outbox.SUBSCRIPTIONS_TTL_SECONDS - 0.1
    make_request(pothole)
    assert not OutboxMessage.objects.filter(channel="webhook").exists()
    moved.now += 0.2
    make_request(pothole)
    assert OutboxMessage.objects.filter(channel="webhook").count() == 1


def test_service_groups_are_read_again_after_their_window(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, pothole: Service, missed_trash: Service
) -> None:
    from intake import selectors

    settings.ENVIRONMENT = "production"
    moved = Clock()
    monkeypatch.setattr(time, "monotonic", moved)
    monkeypatch.setattr(selectors, "_group_members", {})
    streets_group: Any = pothole.group
    near = Point(-89.40, 43.07, srid=4326)
    make_request(pothole, location=near)
    missed_trash.group = streets_group  # moved into the pothole's group by an administrator
    missed_trash.save()
    moved.now += selectors.GROUP_MEMBERS_TTL_SECONDS - 0.1
    found = selectors.service_requests_possible_duplicates(service=pothole, location=near)
    assert [r.service_id for r in found] == [pothole.pk]
    other = make_request(missed_trash, location=near)
    found = selectors.service_requests_possible_duplicates(service=pothole, location=near)
    assert other.pk not in {r.pk for r in found}  # the group is remembered for its window
    moved.now += 0.2
    found = selectors.service_requests_possible_duplicates(service=pothole, location=near)
    assert other.pk in {r.pk for r in found}
