"""Caller lookup (issue 15): an agent finds a caller by a phone number in any format, a name,
an email, an address or a reference, with their open and recent requests and open promises."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import Service, ServiceRequest
from intake.services import Requester, service_request_change_status
from intake.statuses import CLOSED_STATUSES, OPEN_STATUSES
from interactions import selectors
from interactions.models import CommitmentKind
from interactions.selectors import NEWEST_FIRST, PhoneKey, caller_lookup, phone_key
from interactions.services import call_record_caller, call_start, commitment_make
from tests.factories import make_request
from tests.query_plans import plan_with_only

pytestmark = pytest.mark.django_db

MARIA = Requester(
    first_name="Maria",
    last_name="Garcia",
    phone="+1 (608) 555-0123",
    email="Maria.Garcia@example.org",
)


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user(Role.AGENT)


@pytest.mark.parametrize(
    "typed", ["608-555-0123", "(608) 555 0123", "6085550123", "+16085550123", "001 608 555 0123"]
)
def test_a_phone_number_in_any_format_finds_the_caller(
    agent: User, pothole: Service, typed: str
) -> None:
    request = make_request(pothole, requester=MARIA)
    make_request(pothole, address="200 Elm St")  # someone else
    found = caller_lookup(user=agent, query=typed)
    assert [r.public_id for r in found.open_requests] == [request.public_id]
    assert "phone" in found.searched_by
    assert found.callers[0].name == "Maria Garcia"


def test_name_email_address_and_reference_find_the_caller(agent: User, pothole: Service) -> None:
    request = make_request(pothole, requester=MARIA, address="742 Evergreen Terrace")
    for typed in [
        "garcia",
        "Maria Garcia",
        "Garcia, Maria",
        "maria.garcia@EXAMPLE.org",
        "742 evergreen",
        request.public_id.lower(),
    ]:
        found = caller_lookup(user=agent, query=typed)
        assert [r.public_id for r in found.open_requests] == [request.public_id], typed
    assert caller_lookup(user=agent, query="Pedro Garcia").open_requests == []


def test_closed_requests_are_recent_and_open_promises_are_listed(
    agent: User, pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    closed = make_request(pothole, requester=MARIA)
    service_request_change_status(service_request=closed, to_status="resolved", actor=worker)
    still_open = make_request(pothole, requester=MARIA)
    promise = commitment_make(
        kind=CommitmentKind.CALL_BACK,
        owner=agent,
        made_by=agent,
        description="Call Maria back about the pothole",
        due_at=timezone.now() + timedelta(hours=2),
        service_request=still_open,
    )
    found = caller_lookup(user=agent, query="608 555 0123")
    assert [r.public_id for r in found.open_requests] == [still_open.public_id]
    assert [r.public_id for r in found.recent_requests] == [closed.public_id]
    assert [c.pk for c in found.open_commitments] == [promise.pk]


def test_a_promise_from_a_call_without_a_request_is_found_by_the_callers_phone(
    agent: User,
) -> None:
    call = call_start(agent=agent, greeting="Riverton 311, this is Sam, how can I help?")
    call_record_caller(
        call=call,
        agent=agent,
        caller_name="Maria Garcia",
        caller_phone="608.555.0123",
        language="en",
    )
    promise = commitment_make(
        kind=CommitmentKind.CALL_BACK,
        owner=agent,
        made_by=agent,
        description="Call back",
        due_at=timezone.now() + timedelta(hours=1),
        interaction=call,
    )
    found = caller_lookup(user=agent, query="+1 608 555 0123")
    assert [c.pk for c in found.open_commitments] == [promise.pk]


def test_department_staff_see_only_their_departments_requests(
    pothole: Service, missed_trash: Service, sanitation: Department, make_user: Callable[..., User]
) -> None:
    make_request(pothole, requester=MARIA)
    mine = make_request(missed_trash, requester=MARIA)
    worker = make_user(Role.DEPARTMENT_STAFF, [sanitation])
    found = caller_lookup(user=worker, query="Garcia")
    assert [r.public_id for r in found.open_requests] == [mine.public_id]


def test_phone_key_needs_enough_digits() -> None:
    assert phone_key("555-01") is None
    assert phone_key("+44 20 7946 0958") == phone_key("020 7946 0958")


@pytest.mark.parametrize(
    ("condition", "index"),
    [
        ({"k": "6085550123"}, "caller_request_phone_idx"),
        ({"requester_last_name__istartswith": "gar"}, "caller_request_name_idx"),
        ({"requester_last_name__iexact": "garcia"}, "caller_request_name_idx"),
        (
            {"requester_last_name__iexact": "garcia", "status__in": sorted(OPEN_STATUSES)},
            "caller_request_open_name_idx",
        ),
        ({"requester_email__iexact": "a@example.org"}, "caller_request_email_idx"),
        ({"address__istartswith": "742 ever"}, "caller_request_address_idx"),
    ],
)
def test_the_lookup_conditions_match_their_indexes(
    condition: dict[str, object], index: str
) -> None:
    """The expression indexes are written in SQL: a change on either side must keep them equal.

    Only a bitmap scan on that one index is left to the planner (the table's other indexes are
    dropped inside a rolled-back savepoint), and a bitmap scan needs an index condition: the
    plan names the index only if the condition matches its expression, whatever the table holds
    and whichever other index the planner might have found cheaper (a partial index on open
    statuses also serves "open requests of Garcia").
    """
    requests = (
        ServiceRequest.objects.alias(k=PhoneKey("requester_phone"))
        .filter(**condition)
        .order_by()
        .values("pk")
    )
    plan = plan_with_only(
        requests,
        index=index,
        switched_off=("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"),
    )
    assert f"Bitmap Index Scan on {index}" in plan, plan


@pytest.mark.parametrize(
    ("statuses", "index"),
    [(OPEN_STATUSES, "caller_request_open_name_idx"), (CLOSED_STATUSES, "caller_request_name_idx")],
)
def test_a_surname_is_read_from_its_index_already_newest_first(
    statuses: frozenset[str], index: str
) -> None:
    """A common surname matches tens of thousands of requests: the lookup must read the
    newest few from an index in that order, not fetch them all and sort. With sorting and
    the other scans switched off, only an index in the lookup's own order avoids a Sort."""
    requests = (
        ServiceRequest.objects.filter(
            requester_last_name__iexact="garcia", status__in=sorted(statuses)
        )
        .order_by(*NEWEST_FIRST)
        .values("pk")[:21]
    )
    plan = plan_with_only(
        requests, index=index, switched_off=("enable_seqscan", "enable_bitmapscan", "enable_sort")
    )
    assert f"Index Scan using {index}" in plan, plan
    assert "Sort" not in plan, plan


def test_a_common_surname_lists_the_most_recent_and_asks_to_refine(
    agent: User, pothole: Service
) -> None:
    requests = [make_request(pothole, requester=MARIA) for _ in range(3)]
    found = caller_lookup(user=agent, query="Garcia", limit=2)
    assert [r.public_id for r in found.open_requests] == [
        r.public_id for r in reversed(requests[1:])
    ]
    assert found.more_requests
    assert not caller_lookup(user=agent, query="Garcia", limit=3).more_requests


def test_a_surname_being_typed_is_read_up_to_a_cap(
    agent: User, pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        make_request(pothole, requester=Requester(last_name=f"Garcia-{n}", phone="608 555 0100"))
    found = caller_lookup(user=agent, query="garc")
    assert len(found.open_requests) == 3
    assert not found.more_requests
    monkeypatch.setattr(selectors, "PREFIX_CAP", 2)
    found = caller_lookup(user=agent, query="garc")
    assert len(found.open_requests) == 2
    assert found.more_requests


def test_the_desk_asks_to_refine_a_search_that_matches_too_many(
    agent: User, pothole: Service
) -> None:
    requests = [make_request(pothole, requester=MARIA) for _ in range(21)]
    client = Client()
    client.force_login(agent)
    page = client.get("/staff/calls/", {"q": "Garcia"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert "refine your search" in page.content.decode()
    assert page.content.decode().count("/staff/requests/") == 20
    narrow = client.get("/staff/calls/", {"q": requests[0].public_id}, HTTP_HX_REQUEST="true")
    assert "refine your search" not in narrow.content.decode()


def test_the_api_answers_the_lookup(
    agent: User, pothole: Service, client_for: Callable[[User | None], APIClient]
) -> None:
    request = make_request(pothole, requester=MARIA)
    answer = client_for(agent).get("/api/v1/callers/", {"q": "608 555 0123"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["open_requests"][0]["id"] == request.public_id
    assert client_for(agent).get("/api/v1/callers/").status_code == 400
    assert client_for(None).get("/api/v1/callers/", {"q": "x"}).status_code in (401, 403)


def test_the_api_says_when_more_requests_match_than_are_listed(
    agent: User, pothole: Service, client_for: Callable[[User | None], APIClient]
) -> None:
    requests = [make_request(pothole, requester=MARIA) for _ in range(21)]
    broad = client_for(agent).get("/api/v1/callers/", {"q": "Garcia"}).json()
    assert broad["more_requests"] is True
    assert len(broad["open_requests"]) == 20
    narrow = client_for(agent).get("/api/v1/callers/", {"q": requests[0].public_id}).json()
    assert narrow["more_requests"] is False
    assert [r["id"] for r in narrow["open_requests"]] == [requests[0].public_id]


def test_the_schema_describes_more_requests(
    agent: User, client_for: Callable[[User | None], APIClient]
) -> None:
    schema = client_for(agent).get("/api/schema/", {"format": "json"}).json()
    lookup = schema["components"]["schemas"]["CallerLookup"]
    assert lookup["properties"]["more_requests"]["type"] == "boolean"
    assert "more_requests" in lookup["required"]
