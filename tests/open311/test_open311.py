"""Open311 GeoReport v2: every endpoint in both formats, and every way a call can go wrong."""

from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import pytest
import xmltodict
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from intake.models import ServiceRequest
from intake.statuses import Status
from open311.models import ApiKey
from open311.services import api_key_revoke
from open311.throttles import Open311ClientThrottle
from tests.factories import make_request

pytestmark = pytest.mark.django_db
URL = "/open311/v2/requests.json"
Post = Callable[..., Any]


def xml(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    parsed: dict[str, Any] = xmltodict.parse(response.content)
    return parsed


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_discovery_in_both_formats(client: Client) -> None:
    body = client.get("/open311/v2/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    doc = xml(client.get("/open311/v2/discovery.xml"))["discovery"]
    assert doc["endpoints"]["endpoint"]["formats"]["format"] == ["text/xml", "application/json"]
    assert doc["contact"] == body["contact"]


def test_services_list_is_the_same_in_json_and_xml(
    client: Client, catalogue: dict[str, Any]
) -> None:
    as_json = client.get("/open311/v2/services.json").json()
    as_xml = as_list(xml(client.get("/open311/v2/services.xml"))["services"]["service"])
    assert [s["service_code"] for s in as_json] == ["missed-trash", "pothole"]
    assert as_json[1]["metadata"] is True
    assert as_json[1]["type"] == "realtime"
    for from_json, from_xml in zip(as_json, as_xml, strict=True):
        assert {
            k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in from_json.items()
        } == {k: v or "" for k, v in from_xml.items()}


def test_a_single_service_is_still_a_list(client: Client, pothole: Any) -> None:
    assert isinstance(client.get("/open311/v2/services.json").json(), list)
    doc = xml(client.get("/open311/v2/services.xml"))
    assert doc["services"]["service"]["service_code"] == "pothole"


def test_service_definition(client: Client, catalogue: dict[str, Any]) -> None:
    body = client.get("/open311/v2/services/pothole.json").json()
    assert body["service_code"] == "pothole"
    attribute = body["attributes"][0]
    assert attribute["code"] == "size"
    assert attribute["required"] is True
    assert attribute["datatype"] == "singlevaluelist"
    assert attribute["values"] == [
        {"key": "small", "name": "Small"},
        {"key": "large", "name": "Large"},
    ]
    doc = xml(client.get("/open311/v2/services/pothole.xml"))["service_definition"]
    values = doc["attributes"]["attribute"]["values"]["value"]
    assert values[1] == {"key": "large", "name": "Large"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_error_shape(client: Client, fmt: str) -> None:
    response = client.get(f"/open311/v2/services/nothing.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json()[0]["code"] == 404
        assert "nothing" in response.json()[0]["description"]
    else:
        error = xml(response)["errors"]["error"]
        assert error["code"] == "404"


def test_post_creates_and_routes_a_request(post: Post, catalogue: dict[str, Any]) -> None:
    response = post(email="maria@example.org", first_name="Maria", account_id="acct-9")
    assert response.status_code == 200, response.content
    (answer,) = response.json()
    created = ServiceRequest.objects.get(public_id=answer["service_request_id"])
    # GeoReport v2: a realtime service answers the id, and then never a token as well.
    assert "token" not in answer
    assert answer["account_id"] == "acct-9"
    assert "Streets" in answer["service_notice"]
    assert created.department.slug == "streets"
    assert created.channel == "app"
    assert created.attributes == {"size": "large"}
    assert created.requester_email == "maria@example.org"


def test_post_in_xml(post: Post, catalogue: dict[str, Any]) -> None:
    response = post("xml")
    assert response.status_code == 200
    request = xml(response)["service_requests"]["request"]
    assert ServiceRequest.objects.filter(public_id=request["service_request_id"]).exists()


def test_post_by_address_only(post: Post, catalogue: dict[str, Any]) -> None:
    response = post(lat=None, long=None, address_string="201 W Mifflin St")
    assert response.status_code == 200, response.content
    created = ServiceRequest.objects.get()
    assert created.location is None
    assert created.address == "201 W Mifflin St"


def test_multivaluelist_answers_repeat(
    client: Client, api_key: str, catalogue: dict[str, Any]
) -> None:
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "missed-trash",
            "lat": "43.07",
            "long": "-89.40",
            "attribute[carts][]": ["trash", "recycling"],
        },
    )
    assert response.status_code == 200, response.content
    assert ServiceRequest.objects.get().attributes == {"carts": ["trash", "recycling"]}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"service_code": None}, "service_code"),
        ({"lat": None, "long": None}, "location"),
        ({"long": None}, "long"),
        ({"lat": "91"}, "lat"),
        ({"lat": "north"}, "lat"),
        ({"attribute[size]": None}, "attribute[size]"),
        ({"attribute[size]": "enormous"}, "attribute[size]"),
        ({"attribute[colour]": "red"}, "attribute[colour]"),
        ({"description": "x" * 4001}, "description"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"email": "x" * 300}, "email"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_are_400s_naming_the_field(
    post: Post, catalogue: dict[str, Any], fields: dict[str, Any], field: str, fmt: str
) -> None:
    response = post(fmt, **fields)
    assert response.status_code == 400
    if fmt == "json":
        descriptions = [e["description"] for e in response.json()]
        assert all(e["code"] == 400 for e in response.json())
    else:
        descriptions = [e["description"] for e in as_list(xml(response)["errors"]["error"])]
    assert any(d.startswith(field) for d in descriptions), descriptions
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_post_needs_a_valid_key(post: Post, catalogue: dict[str, Any], key: str | None) -> None:
    response = post(api_key=key)
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert not ServiceRequest.objects.exists()


def test_revoked_keys_stop_working(post: Post, catalogue: dict[str, Any]) -> None:
    api_key_revoke(api_key=ApiKey.objects.get())
    assert post().status_code == 403


def test_same_device_and_payload_is_answered_with_the_same_request(
    post: Post, catalogue: dict[str, Any]
) -> None:
    first = post(device_id="phone-1").json()[0]
    again = post(device_id="phone-1").json()[0]
    assert again["service_request_id"] == first["service_request_id"]
    other = post(device_id="phone-1", description="Another one").json()[0]
    assert other["service_request_id"] != first["service_request_id"]
    assert ServiceRequest.objects.count() == 2


def test_get_requests_shows_public_fields_and_never_the_reporter(
    client: Client, post: Post, catalogue: dict[str, Any]
) -> None:
    post(
        email="private@example.org",
        phone="608-555-0199",
        first_name="Secret",
        last_name="Person",
        device_id="device-secret",
        account_id="account-secret",
        media_url="https://example.org/photo.jpg",
    )
    for url in ("/open311/v2/requests.json", "/open311/v2/requests.xml"):
        for extra in ("", "?extensions=true"):
            content = client.get(url + extra).content.decode()
            for secret in (
                "private@example.org",
                "555-0199",
                "Secret",
                "Person",
                "device-secret",
                "account-secret",
            ):
                assert secret not in content
    (body,) = client.get("/open311/v2/requests.json").json()
    assert body["status"] == "open"
    assert body["agency_responsible"] == "Streets and Roads"
    assert body["media_url"] == "https://example.org/photo.jpg"
    assert body["lat"] == pytest.approx(43.07)
    assert body["requested_datetime"].endswith(("-06:00", "-05:00"))
    assert body["expected_datetime"] is not None
    assert "will handle your request" in body["status_notes"]


def test_json_and_xml_give_the_same_requests(
    client: Client, post: Post, catalogue: dict[str, Any]
) -> None:
    post()
    post(lat=None, long=None, address_string="1 Main St")
    as_json = client.get("/open311/v2/requests.json").json()
    as_xml = as_list(xml(client.get("/open311/v2/requests.xml"))["service_requests"]["request"])
    assert len(as_json) == len(as_xml) == 2
    for from_json, from_xml in zip(as_json, as_xml, strict=True):
        assert set(from_json) == set(from_xml)
        for key, value in from_json.items():
            assert (from_xml[key] or "") == ("" if value is None else str(value)), key


def test_status_and_service_filters(
    client: Client, catalogue: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    from intake.services import service_request_change_status

    open_one = make_request(catalogue["pothole"], attributes={"size": "small"})
    closed_one = make_request(catalogue["missed-trash"], attributes={})
    worker = make_user("admin")
    service_request_change_status(
        service_request=closed_one, to_status=Status.RESOLVED, actor=worker, note="Collected."
    )

    def ids(query: str) -> list[str]:
        return [r["service_request_id"] for r in client.get(URL + query).json()]

    assert ids("?status=open") == [open_one.public_id]
    assert ids("?status=closed") == [closed_one.public_id]
    assert set(ids("?status=open,closed")) == {open_one.public_id, closed_one.public_id}
    assert ids("?service_code=missed-trash") == [closed_one.public_id]
    # A list of ids overrides every other filter, as the spec says.
    both = f"?service_request_id={open_one.public_id},{closed_one.public_id}&status=open"
    assert set(ids(both)) == {open_one.public_id, closed_one.public_id}
    (closed,) = client.get(f"/open311/v2/requests/{closed_one.public_id}.json").json()
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "Collected."


def test_default_window_is_ninety_days_and_dates_accept_every_w3c_form(
    client: Client, catalogue: dict[str, Any]
) -> None:
    recent = make_request(catalogue["pothole"], attributes={"size": "small"})
    old = make_request(
        catalogue["pothole"],
        attributes={"size": "small"},
        received_at=timezone.now() - timedelta(days=120),
    )

    def ids(query: dict[str, str]) -> list[str]:
        return [r["service_request_id"] for r in client.get(URL, query).json()]

    assert ids({}) == [recent.public_id]
    start = (timezone.now() - timedelta(days=121)).astimezone(UTC)
    for text in (
        start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        start.strftime("%Y-%m-%dT%H:%M:%S.123456Z"),
        start.isoformat(),
        timezone.localtime(start).isoformat(),
    ):
        assert ids({"start_date": text}) == [old.public_id], text


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-01T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"status": "pending"},
        {"page_size": "5000"},
        {"page": "0"},
        {"updated_after": "soon"},
    ],
)
def test_bad_queries_are_400s(client: Client, query: dict[str, str]) -> None:
    response = client.get("/open311/v2/requests.json", query)
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_pages_and_updated_window(client: Client, catalogue: dict[str, Any]) -> None:
    made = [make_request(catalogue["pothole"], attributes={"size": "small"}) for _ in range(3)]
    first = client.get("/open311/v2/requests.json", {"page_size": 2}).json()
    second = client.get("/open311/v2/requests.json", {"page_size": 2, "page": 2}).json()
    assert len(first) == 2
    assert len(second) == 1
    assert {r["service_request_id"] for r in first + second} == {m.public_id for m in made}
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert client.get("/open311/v2/requests.json", {"updated_after": later}).json() == []
    assert len(client.get("/open311/v2/requests.json", {"updated_before": later}).json()) == 3


def test_extensions_add_the_public_history(client: Client, catalogue: dict[str, Any]) -> None:
    make_request(catalogue["pothole"], attributes={"size": "small"})
    (plain,) = client.get("/open311/v2/requests.json").json()
    assert "extended_attributes" not in plain
    (extended,) = client.get("/open311/v2/requests.json", {"extensions": "true"}).json()
    history = extended["extended_attributes"]["status_history"]
    assert history[0]["kind"] == "routed"
    doc = xml(client.get("/open311/v2/requests.xml", {"extensions": "true"}))
    assert doc["service_requests"]["request"]["extended_attributes"]["status_history"]["entry"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_and_token_lookups(client: Client, catalogue: dict[str, Any], fmt: str) -> None:
    created = make_request(catalogue["pothole"], attributes={"size": "small"})
    assert client.get(f"/open311/v2/requests/{created.public_id}.{fmt}").status_code == 200
    assert client.get(f"/open311/v2/requests/26-999999.{fmt}").status_code == 404
    response = client.get(f"/open311/v2/tokens/{created.token}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == [
            {"service_request_id": created.public_id, "token": created.token}
        ]
    else:
        assert (
            xml(response)["service_requests"]["request"]["service_request_id"] == created.public_id
        )
    assert client.get(f"/open311/v2/tokens/nope.{fmt}").status_code == 404


@pytest.mark.parametrize("jurisdiction", ["", "riverton.example.gov"])
def test_jurisdiction_is_optional_and_checked(client: Client, jurisdiction: str) -> None:
    assert (
        client.get("/open311/v2/services.json", {"jurisdiction_id": jurisdiction}).status_code
        == 200
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wrong_jurisdiction_is_404(
    client: Client, post: Post, catalogue: dict[str, Any], fmt: str
) -> None:
    assert (
        client.get(f"/open311/v2/services.{fmt}", {"jurisdiction_id": "elsewhere"}).status_code
        == 404
    )
    assert post(fmt, jurisdiction_id="elsewhere").status_code == 404
    assert not ServiceRequest.objects.exists()


def test_throttled_calls_get_429_in_the_spec_shape(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    rates = {**Open311ClientThrottle.THROTTLE_RATES, "open311_anon_read": "2/minute"}
    monkeypatch.setattr(Open311ClientThrottle, "THROTTLE_RATES", rates)
    for _ in range(2):
        assert client.get("/open311/v2/services.json").status_code == 200
    response = client.get("/open311/v2/services.xml")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert xml(response)["errors"]["error"]["code"] == "429"


def test_keys_are_throttled_separately_from_addresses(
    post: Post, catalogue: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rates = {**Open311ClientThrottle.THROTTLE_RATES, "open311_key_write": "1/minute"}
    monkeypatch.setattr(Open311ClientThrottle, "THROTTLE_RATES", rates)
    assert post().status_code == 200
    assert post().status_code == 429
    assert ServiceRequest.objects.count() == 1


def test_oversized_bodies_are_400(
    post: Post, catalogue: dict[str, Any], settings: Settings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(description="x" * 2000)
    assert response.status_code == 400
    assert "too large" in response.json()[0]["description"]


def test_unsupported_method_is_405_in_the_spec_shape(client: Client) -> None:
    response = client.delete("/open311/v2/services.json")
    assert response.status_code == 405
    assert response.json()[0]["code"] == 405


def test_create_api_key_command_prints_a_working_key(
    client: Client, catalogue: dict[str, Any]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_key", "Civic hackers", stdout=out)
    key = out.getvalue().strip()
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "missed-trash", "lat": "43.07", "long": "-89.4"},
    )
    assert response.status_code == 200
    assert ApiKey.objects.get(name="Civic hackers").key_hash != key
