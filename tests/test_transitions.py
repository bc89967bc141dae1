"""Every allowed and every forbidden status move, through the one service that makes them."""

from itertools import product

import pytest

from accounts.models import User
from core.errors import InvalidInput
from intake.models import EventKind, RequestEvent, Service, ServiceRequest
from intake.services import (
    service_request_change_status,
    service_request_link_duplicate,
)
from intake.statuses import CLOSED_STATUSES, Status
from tests.factories import make_request
from tests.test_status_rules import CITY_RULES

pytestmark = pytest.mark.django_db

# How to bring a fresh request into each status using only allowed moves.
PATHS: dict[str, list[str]] = {
    Status.NEW: [],
    Status.ACKNOWLEDGED: [Status.ACKNOWLEDGED],
    Status.IN_PROGRESS: [Status.IN_PROGRESS],
    Status.ON_HOLD: [Status.ON_HOLD],
    Status.RESOLVED: [Status.RESOLVED],
    Status.CLOSED_NO_ACTION: [Status.CLOSED_NO_ACTION],
}


def _request_in(status: str, service: Service, actor: User) -> ServiceRequest:
    service_request = make_request(service)
    if status == Status.CLOSED_DUPLICATE:
        parent = make_request(service)
        return service_request_link_duplicate(
            service_request=service_request, duplicate_of=parent, actor=actor
        )
    for step in PATHS[status]:
        service_request = service_request_change_status(
            service_request=service_request,
            to_status=step,
            actor=actor,
            note="Reason for the resident.",
        )
    return service_request


ALL_PAIRS = [
    (a, b) for a, b in product(Status.values, Status.values) if b != Status.CLOSED_DUPLICATE
]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_every_move_follows_the_table(
    from_status: str, to_status: str, pothole: Service, admin_user: User
) -> None:
    service_request = _request_in(from_status, pothole, admin_user)
    events_before = RequestEvent.objects.filter(request=service_request).count()
    if to_status in CITY_RULES[from_status]:
        moved = service_request_change_status(
            service_request=service_request,
            to_status=to_status,
            actor=admin_user,
            note="Reason for the resident.",
        )
        assert moved.status == to_status
        last = RequestEvent.objects.filter(request=service_request).latest("id")
        reopening = from_status in CLOSED_STATUSES and to_status not in CLOSED_STATUSES
        assert last.kind == (EventKind.REOPENED if reopening else EventKind.STATUS_CHANGED)
        assert last.data == {"from": from_status, "to": to_status}
    else:
        with pytest.raises(InvalidInput) as error:
            service_request_change_status(
                service_request=service_request, to_status=to_status, actor=admin_user, note="x"
            )
        assert "status" in error.value.errors
        service_request.refresh_from_db()
        assert service_request.status == from_status
        assert RequestEvent.objects.filter(request=service_request).count() == events_before


def test_closing_without_action_needs_a_note(pothole: Service, admin_user: User) -> None:
    service_request = make_request(pothole)
    with pytest.raises(InvalidInput) as error:
        service_request_change_status(
            service_request=service_request, to_status=Status.CLOSED_NO_ACTION, actor=admin_user
        )
    assert "note" in error.value.errors


def test_duplicate_status_only_through_linking(pothole: Service, admin_user: User) -> None:
    service_request = make_request(pothole)
    with pytest.raises(InvalidInput):
        service_request_change_status(
            service_request=service_request, to_status=Status.CLOSED_DUPLICATE, actor=admin_user
        )
    parent = make_request(pothole)
    linked = service_request_link_duplicate(
        service_request=service_request, duplicate_of=parent, actor=admin_user
    )
    assert linked.status == Status.CLOSED_DUPLICATE
    assert linked.duplicate_of == parent
    reopened = service_request_change_status(
        service_request=linked, to_status=Status.ACKNOWLEDGED, actor=admin_user
    )
    assert reopened.duplicate_of is None
    assert reopened.closed_at is None


def test_timestamps_follow_the_status(pothole: Service, admin_user: User) -> None:
    service_request = make_request(pothole)
    assert service_request.acknowledged_at is None
    service_request = service_request_change_status(
        service_request=service_request, to_status=Status.IN_PROGRESS, actor=admin_user
    )
    assert service_request.acknowledged_at is not None
    service_request = service_request_change_status(
        service_request=service_request, to_status=Status.RESOLVED, actor=admin_user
    )
    assert service_request.closed_at is not None


def test_cannot_link_to_a_closed_request_or_itself(pothole: Service, admin_user: User) -> None:
    first, second = make_request(pothole), make_request(pothole)
    with pytest.raises(InvalidInput):
        service_request_link_duplicate(service_request=first, duplicate_of=first, actor=admin_user)
    service_request_change_status(
        service_request=second, to_status=Status.RESOLVED, actor=admin_user
    )
    with pytest.raises(InvalidInput):
        service_request_link_duplicate(service_request=first, duplicate_of=second, actor=admin_user)
