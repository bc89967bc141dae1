"""GeoReport v2 as a mobile app and a published client library read it: each test is one
place where the server did not answer as the specification (wiki.open311.org/GeoReport_v2)
says, or answered a malformed call with something other than its error list."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from intake.models import Service, ServiceRequest
from tests.factories import make_request
from tests.open311.test_open311 import as_list, xml

pytestmark = pytest.mark.django_db
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def spec_errors(response: Any, code: int) -> list[dict[str, Any]]:
    """The spec's error list in the format the URL asked for, every item {code, description}."""
    assert response.status_code == code, response.content[:300]
    if response["Content-Type"].startswith("text/xml"):
        errors = as_list(xml(response)["errors"]["error"])
        assert all(int(e["code"]) == code and e["description"] for e in errors), errors
        return errors
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, list), body
    assert body
    assert all(set(e) == {"code", "description"} for e in body), body
    assert all(e["code"] == code for e in body), body
    return list(body)


# --- Per-request fields: nulls where unknown, never an empty string standing for "unknown".


def test_unknown_request_fields_are_null_in_json_and_empty_elements_in_xml(
    client: Client, catalogue: dict[str, Service]
) -> None:
    created = make_request(
        catalogue["pothole"], attributes={"size": "small"}, location=None, address="1 Main St"
    )
    (body,) = client.get(f"/open311/v2/requests/{created.public_id}.json").json()
    assert set(body) == REQUEST_FIELDS
    for name in ("address_id", "zipcode", "lat", "long", "media_url"):
        assert body[name] is None, name
    doc = xml(client.get(f"/open311/v2/requests/{created.public_id}.xml"))
    request = doc["service_requests"]["request"]
    assert set(request) == REQUEST_FIELDS
    assert request["media_url"] is None
    assert request["zipcode"] is None


# --- Privacy: a sensitive service's request shows its block, never its point or house.


@pytest.mark.parametrize("url", ["/open311/v2/requests.json", "/open311/v2/requests/{id}.json"])
def test_sensitive_requests_show_the_block_and_never_the_point_or_house_number(
    client: Client, catalogue: dict[str, Service], url: str
) -> None:
    pothole = catalogue["pothole"]
    pothole.is_sensitive = True
    pothole.save(update_fields=["is_sensitive"])
    created = make_request(
        pothole,
        attributes={"size": "small"},
        location=Point(-89.401234, 43.071234, srid=4326),
        address="1234 Elm St",
        address_id="ADDR-1234",
        description="Rats in the basement of apartment 4B",
    )
    (body,) = client.get(url.format(id=created.public_id)).json()
    assert (body["lat"], body["long"]) != pytest.approx((43.071234, -89.401234))
    assert body["lat"] == pytest.approx(43.071234, abs=0.002)
    assert body["long"] == pytest.approx(-89.401234, abs=0.003)
    assert body["address"] == "Elm St"
    assert body["address_id"] is None
    # Free text near the home names it as well as a house number does.
    assert body["description"] is None
    content = client.get("/open311/v2/requests.xml", {"extensions": "true"}).content.decode()
    for exact in ("1234 Elm", "43.071234", "89.401234", "ADDR-1234", "apartment 4B"):
        assert exact not in content


# --- Formats: the URL's suffix decides, whatever the Accept header says.


@pytest.mark.parametrize(
    ("fmt", "accept", "content_type"),
    [
        ("xml", "application/xml", "text/xml"),
        ("xml", "application/json", "text/xml"),
        ("json", "text/xml", "application/json"),
        ("json", "text/html", "application/json"),
    ],
)
def test_the_suffix_decides_the_format_whatever_the_accept_header(
    client: Client, pothole: Service, fmt: str, accept: str, content_type: str
) -> None:
    response = client.get(f"/open311/v2/services.{fmt}", HTTP_ACCEPT=accept)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(content_type)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/open311/v2/nothing.json", "application/json"),
        ("/open311/v2/nothing.xml", "text/xml"),
        ("/open311/v2/services.csv", "text/xml"),
        ("/open311/v2/services", "text/xml"),
        ("/open311/v2/services/bad%20code.json", "application/json"),
        ("/open311/v2/requests/a.b.xml", "text/xml"),
    ],
)
def test_unknown_open311_urls_are_404_in_the_spec_shape(
    client: Client, path: str, content_type: str
) -> None:
    response = client.get(path)
    assert response["Content-Type"].startswith(content_type)
    spec_errors(response, 404)


def test_xml_escapes_markup_and_drops_characters_xml_cannot_carry(
    client: Client, catalogue: dict[str, Service]
) -> None:
    make_request(
        catalogue["pothole"],
        attributes={"size": "small"},
        description='Hole <b>&amp; "deep"</b>\x0b\x1b end\ufffe.',
    )
    response = client.get("/open311/v2/requests.xml")
    request = xml(response)["service_requests"]["request"]  # well-formed, or this raises
    assert request["description"] == 'Hole <b>&amp; "deep"</b> end.'


# --- GET requests.json filters.


def test_repeated_list_parameters_add_up_as_the_spec_allows(
    client: Client, catalogue: dict[str, Service]
) -> None:
    pothole = make_request(catalogue["pothole"], attributes={"size": "small"})
    trash = make_request(catalogue["missed-trash"], attributes={})
    both = client.get(
        "/open311/v2/requests.json?service_code=pothole&service_code=missed-trash"
    ).json()
    assert {r["service_request_id"] for r in both} == {pothole.public_id, trash.public_id}
    statuses = client.get("/open311/v2/requests.json?status=open&status=closed").json()
    assert len(statuses) == 2
    ids = client.get(
        f"/open311/v2/requests.json?service_request_id={pothole.public_id}"
        f"&service_request_id={trash.public_id}"
    ).json()
    assert len(ids) == 2


@pytest.mark.parametrize(
    "query",
    [
        "start_date=2026-01-01T00:00:00Z&start_date=2026-02-01T00:00:00Z",
        "page=1&page=2",
        "extensions=true&extensions=false",
        "jurisdiction_id=riverton.example.gov&jurisdiction_id=elsewhere",
    ],
)
def test_a_single_value_parameter_given_twice_differently_is_a_400(
    client: Client, query: str
) -> None:
    spec_errors(client.get(f"/open311/v2/requests.json?{query}"), 400)


def test_a_raw_plus_offset_in_a_date_is_read_as_the_offset(
    client: Client, catalogue: dict[str, Service]
) -> None:
    old = make_request(
        catalogue["pothole"],
        attributes={"size": "small"},
        received_at=timezone.now() - timedelta(days=100),
    )
    start = timezone.localtime(timezone.now() - timedelta(days=101)).astimezone(
        timezone.get_fixed_timezone(120)
    )
    # Unencoded, as many apps send it: the query string turns "+" into a space.
    raw = start.strftime("%Y-%m-%dT%H:%M:%S+02:00")
    found = client.get(f"/open311/v2/requests.json?start_date={raw}").json()
    assert [r["service_request_id"] for r in found] == [old.public_id]


def test_a_date_only_end_date_includes_that_whole_day(
    client: Client, catalogue: dict[str, Service]
) -> None:
    made = make_request(catalogue["pothole"], attributes={"size": "small"})
    day = timezone.localtime(made.created_at).date().isoformat()
    found = client.get("/open311/v2/requests.json", {"start_date": day, "end_date": day}).json()
    assert [r["service_request_id"] for r in found] == [made.public_id]


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("json", "application/json"), ("xml", "text/xml")]
)
def test_a_call_django_refuses_before_any_view_is_still_the_spec_error_list(
    client: Client, fmt: str, content_type: str
) -> None:
    response = client.get(f"/open311/v2/services.{fmt}", HTTP_HOST="not-ours.example")
    assert response["Content-Type"].startswith(content_type)
    spec_errors(response, 400)


def test_a_service_definition_without_a_datatype_description_gives_null(
    client: Client, catalogue: dict[str, Service]
) -> None:
    (attribute,) = client.get("/open311/v2/services/pothole.json").json()["attributes"]
    assert attribute["datatype_description"] is None
    assert attribute["variable"] is True
    assert attribute["order"] == 1


def test_a_closed_request_is_updated_when_it_was_closed_and_blank_text_is_null(
    client: Client, catalogue: dict[str, Service], make_user: Callable[..., Any]
) -> None:
    from intake.services import service_request_change_status
    from intake.statuses import Status

    created = make_request(catalogue["pothole"], attributes={"size": "small"}, description="")
    service_request_change_status(
        service_request=created, to_status=Status.RESOLVED, actor=make_user("admin"), note="Done."
    )
    created.refresh_from_db()
    assert created.closed_at is not None
    later = created.closed_at + timedelta(days=3)
    ServiceRequest.objects.filter(pk=created.pk).update(updated_at=later)
    (body,) = client.get(f"/open311/v2/requests/{created.public_id}.json").json()
    assert body["status"] == "closed"
    assert body["updated_datetime"] == timezone.localtime(created.closed_at).isoformat(
        timespec="seconds"
    )
    assert body["description"] is None
    assert body["service_notice"] is None


def test_updated_after_and_before_read_the_moment_updated_datetime_shows(
    client: Client, catalogue: dict[str, Service], make_user: Callable[..., Any]
) -> None:
    """A closed request written to after closing (a survey answer) shows its closing time,
    so an incremental sync from a moment after it must not get it back, and one before must."""
    from intake.services import service_request_change_status
    from intake.statuses import Status

    created = make_request(catalogue["pothole"], attributes={"size": "small"})
    service_request_change_status(
        service_request=created, to_status=Status.RESOLVED, actor=make_user("admin"), note="Done."
    )
    created.refresh_from_db()
    assert created.closed_at is not None
    ServiceRequest.objects.filter(pk=created.pk).update(
        updated_at=created.closed_at + timedelta(days=3)
    )
    between = (created.closed_at + timedelta(days=1)).isoformat()

    def ids(**query: str) -> list[str]:
        found = client.get("/open311/v2/requests.json", query).json()
        return [r["service_request_id"] for r in found]

    assert ids(updated_after=between) == []
    assert ids(updated_before=between) == [created.public_id]


def test_ninety_days_from_a_date_to_a_date_is_allowed(
    client: Client, catalogue: dict[str, Service]
) -> None:
    """A date-only end_date covers its whole day, but the span is counted as the dates were
    given: 2026-01-01 to 2026-04-01 is the 90 days the spec allows."""
    allowed = client.get(
        "/open311/v2/requests.json", {"start_date": "2026-01-01", "end_date": "2026-04-01"}
    )
    assert allowed.status_code == 200
    too_long = client.get(
        "/open311/v2/requests.json", {"start_date": "2026-01-01", "end_date": "2026-04-02"}
    )
    spec_errors(too_long, 400)


def test_errors_made_before_any_view_carry_the_spec_content_types(
    client: Client, settings: Any
) -> None:
    settings.CIVIC311_MAX_BODY_BYTES = 100
    too_large = client.post("/open311/v2/requests.json", {"description": "x" * 500})
    bad_host = client.get("/open311/v2/services.json", HTTP_HOST="not-ours.example")
    outside = client.get("/open311/v3/services.json")
    for response in (too_large, bad_host, outside):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        spec_errors(response, response.status_code)
    assert [too_large.status_code, bad_host.status_code, outside.status_code] == [413, 400, 404]
