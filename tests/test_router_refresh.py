"""The routing engine is checked and rebuilt off the request path, with the production window:
a request always answers with the engine its process holds, a change to what the engine is
built from reaches it once the window has passed and the background check has run, and a
failed rebuild keeps the engine in use and is reported.

The background thread has its own database connection: these tests commit their writes.
"""

import logging
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from pytest_django.fixtures import Settings

from core.health import readiness_report
from core.models import Department, Holiday
from intake.models import Service, ServiceRequest
from routing.engine import Router
from routing_adapter import router
from routing_adapter.router import current_directory, engine_status
from routing_adapter.selectors import route_request

pytestmark = pytest.mark.django_db(transaction=True)
CITY = ZoneInfo("America/Chicago")
WAIT_SECONDS = 20.0


class Clock:
    """The process's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _production_window(settings: Settings) -> Iterator[None]:
    settings.CIVIC311_ROUTING_REFRESH_SECONDS = 5  # production
    router.forget_router()
    yield
    router.forget_router()


def _checks() -> int:
    return router._refresher.checks


def _wait_for_check_after(seen: int) -> None:
    """Wait, bounded, for the background thread to finish a check begun after `seen`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while _checks() <= seen:
        assert time.monotonic() < deadline, "the background check did not run"
        time.sleep(0.02)


def _window_passed() -> None:
    router._refresher.due_at = 0.0


def _route(service: Service) -> datetime:
    received = datetime(2026, 12, 23, 10, tzinfo=CITY)  # a Wednesday
    where = Point(-89.40, 43.07, srid=4326)
    decision = route_request(
        service_request=ServiceRequest(service=service, location=where, created_at=received)
    )
    return decision.promised_at


def test_a_new_holiday_is_seen_after_the_window_once_the_background_check_ran(
    monkeypatch: pytest.MonkeyPatch, pothole: Service
) -> None:
    clock = Clock()
    monkeypatch.setattr(time, "monotonic", clock)
    pothole.target_value = 1
    pothole.save()
    assert _route(pothole) == datetime(2026, 12, 24, 17, tzinfo=CITY)
    Holiday.objects.create(date=date(2026, 12, 24), name="Christmas Eve")  # by another process
    clock.now += 4.9
    seen = _checks()
    assert _route(pothole) == datetime(2026, 12, 24, 17, tzinfo=CITY)  # within the window
    assert _checks() == seen
    clock.now += 0.2
    # The window has passed: this request wakes the check and answers with what it has.
    assert _route(pothole) == datetime(2026, 12, 24, 17, tzinfo=CITY)
    _wait_for_check_after(seen)
    assert _route(pothole) == datetime(2026, 12, 25, 17, tzinfo=CITY)


def test_a_request_never_waits_for_a_rebuild(
    monkeypatch: pytest.MonkeyPatch, streets: Department
) -> None:
    assert current_directory().departments["streets"].public_name == streets.public_name
    building, release = threading.Event(), threading.Event()
    build_directory = router.build_directory

    def slow_build() -> router.Directory:
        building.set()
        release.wait(WAIT_SECONDS)
        return build_directory()

    monkeypatch.setattr(router, "build_directory", slow_build)
    Department.objects.filter(pk=streets.pk).update(public_name="Roads Crew")
    seen = _checks()
    _window_passed()
    current_directory()
    assert building.wait(WAIT_SECONDS), "the background rebuild did not start"
    # The rebuild is held half-way: requests go on with the engine they have.
    for _ in range(3):
        assert current_directory().departments["streets"].public_name == streets.public_name
    release.set()
    _wait_for_check_after(seen)
    assert current_directory().departments["streets"].public_name == "Roads Crew"


def test_a_failed_rebuild_keeps_the_engine_and_is_reported(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, streets: Department
) -> None:
    assert current_directory().departments["streets"].public_name == streets.public_name
    build_router = router.build_router

    def broken() -> Router:
        raise RuntimeError("routing rules unreadable")

    monkeypatch.setattr(router, "build_router", broken)
    Department.objects.filter(pk=streets.pk).update(public_name="Roads Crew")
    seen = _checks()
    _window_passed()
    with caplog.at_level(logging.ERROR, logger="routing_adapter.router"):
        current_directory()
        _wait_for_check_after(seen)
    assert current_directory().departments["streets"].public_name == streets.public_name
    status = engine_status()
    assert "routing rules unreadable" in status["last_error"]
    assert status["failures"] >= 1
    assert any("rebuild failed" in r.getMessage() for r in caplog.records)
    _, report = readiness_report()
    assert report["status"] in {"degraded", "unavailable"}
    assert "routing rules unreadable" in report["routing_engine"]["last_error"]

    monkeypatch.setattr(router, "build_router", build_router)  # fixed: the next check builds
    seen = _checks()
    _window_passed()
    current_directory()
    _wait_for_check_after(seen)
    assert current_directory().departments["streets"].public_name == "Roads Crew"
    assert engine_status()["last_error"] == ""


def test_a_forked_process_starts_its_own_thread_and_never_inherits_a_held_lock(
    streets: Department,
) -> None:
    current_directory()
    _window_passed()
    seen = _checks()
    current_directory()  # this process's thread starts and checks
    _wait_for_check_after(seen)
    parent_thread = router._refresher.thread
    with router._lock:  # as if the parent's thread were building at the fork
        router._after_fork_in_child()
    assert router._lock.acquire(blocking=False)
    router._lock.release()
    assert router._refresher.thread is None
    _window_passed()
    seen = _checks()
    current_directory()
    _wait_for_check_after(seen)
    assert router._refresher.thread is not None
    assert router._refresher.thread is not parent_thread
