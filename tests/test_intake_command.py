"""One typed intake path: every channel builds an IntakeCommand and submits it the same way;
contact details are checked once; staff reads and follows are scoped by policy."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import Role, User
from core.contacts import phone_normalise
from core.errors import InvalidInput, RateLimited
from core.models import Department
from intake.commands import IntakeCommand, Location, Requester
from intake.models import Channel, Follower, ServiceRequest
from intake.models import Service as ServiceModel
from intake.services import service_request_submit
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def _command(service: ServiceModel, **overrides: Any) -> IntakeCommand:
    values: dict[str, Any] = {
        "service": service,
        "channel": Channel.WEB,
        "location": Location(lat=43.07, long=-89.40, address="100 Main St"),
        "description": "Deep pothole in the right lane",
    }
    values.update(overrides)
    return IntakeCommand(**values)


# --- The location parser every channel uses ---


def test_location_parser_reads_text_and_numbers_and_names_the_channel_fields() -> None:
    parsed = Location.parse(lat="43.07", long=-89.4, address=" 1 Main St ")
    assert parsed.point == Point(-89.4, 43.07, srid=4326)
    assert parsed.address == "1 Main St"
    with pytest.raises(InvalidInput) as missing:
        Location.parse(lat="43.07")
    assert "long" in missing.value.errors
    with pytest.raises(InvalidInput) as outside:
        Location.parse(lat="91", long="0")
    assert "lat" in outside.value.errors
    for bad in ("nan", "inf", "1e999", "north"):
        with pytest.raises(InvalidInput):
            Location.parse(lat=bad, long="0")
    with pytest.raises(InvalidInput) as nothing:
        Location.parse()
    assert "location" in nothing.value.errors
    assert Location.parse(address_id="A-17").point is None


# --- Idempotency and the per-address allowance, for any public channel ---


def test_the_same_attempt_twice_answers_the_first_request_on_any_channel(
    pothole: ServiceModel,
) -> None:
    first = service_request_submit(
        command=_command(pothole, idempotency_key="web:form-1"), actor=None
    )
    again = service_request_submit(
        command=_command(pothole, idempotency_key="web:form-1"), actor=None
    )
    assert not first.repeat
    assert again.repeat
    assert again.service_request.pk == first.service_request.pk
    other = service_request_submit(
        command=_command(pothole, idempotency_key="web:form-1", description="Another"),
        actor=None,
    )
    assert other.service_request.pk != first.service_request.pk
    assert ServiceRequest.objects.count() == 2


def test_a_public_channel_is_limited_per_address(
    pothole: ServiceModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "open311_anon_write", "2/minute")
    for _ in range(2):
        service_request_submit(command=_command(pothole), actor=None, client_address="10.0.0.9")
    with pytest.raises(RateLimited):
        service_request_submit(command=_command(pothole), actor=None, client_address="10.0.0.9")
    # Another address has its own allowance.
    service_request_submit(command=_command(pothole), actor=None, client_address="10.0.0.10")
    assert ServiceRequest.objects.count() == 3


# --- Contact details ---


def test_phone_numbers_are_stored_in_e164_however_typed() -> None:
    for typed in ("608-555-0123", "(608) 555 0123", "+1 608 555 0123", "6085550123"):
        assert phone_normalise(typed) == "+16085550123"
    assert phone_normalise("") == ""
    assert phone_normalise("020 7946 0958", region="GB") == "+442079460958"
    for bad in ("-1", "2026-13-45T99:99", "12", "call me"):
        with pytest.raises(InvalidInput):
            phone_normalise(bad)


@pytest.mark.parametrize("phone", ["-1", "2026-13-45T99:99"])
def test_a_follower_phone_that_is_no_number_is_a_field_error(
    pothole: ServiceModel,
    make_user: Callable[..., User],
    client_for: Callable[..., APIClient],
    phone: str,
) -> None:
    created = make_request(pothole)
    agent = client_for(make_user(Role.AGENT))
    response = agent.post(f"/api/v1/requests/{created.public_id}/follow/", {"phone": phone})
    assert response.status_code == 400
    assert "phone" in response.json()
    assert not Follower.objects.exists()


def test_staff_create_refuses_a_phone_that_is_no_number(
    pothole: ServiceModel, make_user: Callable[..., User], client_for: Callable[..., APIClient]
) -> None:
    agent = client_for(make_user(Role.AGENT))
    body = {
        "service": "pothole",
        "location": {"lat": 43.07, "long": -89.40},
        "requester": {"phone": "2026-13-45T99:99", "channel": "sms"},
    }
    response = agent.post("/api/v1/requests/", body, format="json")
    assert response.status_code == 400
    assert "requester_phone" in response.json()
    assert not ServiceRequest.objects.exists()


# --- Staff reads and follows, scoped by policy ---


def test_possible_duplicates_show_department_staff_only_their_departments_requests(
    pothole: ServiceModel,
    sanitation: Department,
    make_user: Callable[..., User],
    client_for: Callable[..., APIClient],
) -> None:
    make_request(pothole)  # owned by Streets
    url = "/api/v1/requests/possible-duplicates/?service=pothole&lat=43.07&long=-89.40"
    outsider = client_for(make_user(Role.DEPARTMENT_STAFF, [sanitation]))
    assert outsider.get(url).json() == []
    agent = client_for(make_user(Role.AGENT))
    assert len(agent.get(url).json()) == 1


def test_only_agents_follow_a_request_for_a_caller(
    pothole: ServiceModel, make_user: Callable[..., User], client_for: Callable[..., APIClient]
) -> None:
    created = make_request(pothole)
    url = f"/api/v1/requests/{created.public_id}/follow/"
    reviewer = client_for(make_user(Role.QA_REVIEWER))
    assert reviewer.post(url, {"email": "anyone@example.org"}).status_code == 403
    assert not Follower.objects.exists()
    agent = client_for(make_user(Role.AGENT))
    assert agent.post(url, {"email": "caller@example.org"}).status_code == 201


# --- The call walk: the caller is the requester ---


def _call_to_request(client: APIClient, **caller: str) -> str:
    started = client.post("/api/v1/calls/", {"greeting": "Riverton 3-1-1, this is Sam."})
    url = f"/api/v1/calls/{started.json()['id']}/"
    assert client.post(url + "caller/", caller).status_code == 200
    problem = {"caller_words": "Hole on Main", "paraphrase": "A pothole on Main"}
    client.post(url + "problem/", {**problem, "paraphrase_confirmed": True})
    return url


def test_the_language_and_phone_taken_at_the_caller_step_carry_into_the_request(
    pothole: ServiceModel, make_user: Callable[..., User], client_for: Callable[..., APIClient]
) -> None:
    client = client_for(make_user(Role.AGENT))
    url = _call_to_request(
        client, caller_name="Ana Ruiz", caller_phone="608-555-0142", language="es"
    )
    body = {"service": "pothole", "location": {"lat": 43.07, "long": -89.40}}
    opened = client.post(url + "request/", body, format="json")
    assert opened.status_code == 201, opened.content
    created = ServiceRequest.objects.get(public_id=opened.json()["id"])
    assert created.requester_language == "es"
    assert created.requester_first_name == "Ana Ruiz"
    assert created.requester_phone == "+16085550142"
    # Something said at the request step wins.
    url = _call_to_request(client, caller_name="Ana Ruiz", language="es")
    body["requester"] = {"language": "en", "first_name": "Luis"}
    opened = client.post(url + "request/", body, format="json")
    created = ServiceRequest.objects.get(public_id=opened.json()["id"])
    assert (created.requester_language, created.requester_first_name) == ("en", "Luis")


# --- The admin does not edit what services own ---


def test_the_request_admin_is_read_only(pothole: ServiceModel, client: Client) -> None:
    created = make_request(pothole)
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    url = f"/admin/intake/servicerequest/{created.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"promise_broken": "on", "location": "POINT (0 0)"})
    assert response.status_code == 403
    created.refresh_from_db()
    assert created.promise_broken is False
    assert created.location is not None
    assert round(created.location.x, 2) == -89.40


def test_requester_details_are_cleaned_on_the_command_path(pothole: ServiceModel) -> None:
    submitted = service_request_submit(
        command=_command(
            pothole,
            requester=Requester(phone="608 555 0111", email=" a@example.org ", channel="sms"),
        ),
        actor=None,
    )
    created = submitted.service_request
    assert (created.requester_phone, created.requester_email) == ("+16085550111", "a@example.org")
