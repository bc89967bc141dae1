"""GeoReport v2 as a mobile app and a published client library write to it (POST
requests), and every malformed call: the spec's answer, or its error list with a 4xx."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from intake.models import Service, ServiceAttribute, ServiceRequest
from tests.open311.test_conformance_reads import spec_errors
from tests.open311.test_open311 import xml

pytestmark = pytest.mark.django_db
Post = Callable[..., Any]


# --- POST requests.json.


def test_post_with_an_address_id_only_is_a_location(
    post: Post, catalogue: dict[str, Service]
) -> None:
    response = post(lat=None, long=None, address_id="ADDR-77")
    assert response.status_code == 200, response.content
    assert ServiceRequest.objects.get().address_id == "ADDR-77"


def test_post_answer_has_a_null_account_id_when_none_was_given(
    post: Post, catalogue: dict[str, Service]
) -> None:
    (answer,) = post().json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"attribute[size]": ["small", "large"]}, "attribute[size]"),
        ({"lat": ["43.07", "43.08"]}, "lat"),
        ({"service_code": ["pothole", "missed-trash"]}, "service_code"),
        ({"lat": "nan"}, "lat"),
        ({"long": "1e999"}, "long"),
        ({"media_url": "https://"}, "media_url"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_malformed_posts_are_400s_naming_the_field(
    post: Post, catalogue: dict[str, Service], fields: dict[str, Any], field: str, fmt: str
) -> None:
    errors = spec_errors(post(fmt, **fields), 400)
    assert any(str(e["description"]).startswith(field) for e in errors), errors
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b"service_code=pothole", "text/plain", 415),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "application/octet-stream", 415),
        (b"<service_code>pothole</service_code>", "application/xml", 415),
        (
            b"service_code=pothole&description=\xff\xfe\x00",
            "application/x-www-form-urlencoded",
            400,
        ),
        (b"{not json", "application/json", 400),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x", 400),
        (b"--x\r\nbroken", "multipart/form-data", 400),
    ],
)
def test_bodies_that_are_not_a_form_get_the_spec_error_list(
    client: Client,
    catalogue: dict[str, Service],
    api_key: str,
    fmt: str,
    body: bytes,
    content_type: str,
    code: int,
) -> None:
    response = client.post(
        f"/open311/v2/requests.{fmt}?api_key={api_key}", body, content_type=content_type
    )
    spec_errors(response, code)
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/discovery.json",
        "/open311/v2/services.json",
        "/open311/v2/services/pothole.json",
        "/open311/v2/requests/26-000001.json",
        "/open311/v2/tokens/abc.json",
    ],
)
def test_read_only_endpoints_refuse_writes_in_the_spec_shape(client: Client, path: str) -> None:
    spec_errors(client.post(path, {"a": "b"}), 405)
    spec_errors(client.put(path.replace(".json", ".xml")), 405)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_too_many_parameters_get_the_spec_error_list(
    client: Client, catalogue: dict[str, Service], fmt: str, method: str
) -> None:
    crowd = "&".join(f"f{i}=x" for i in range(1500))
    if method == "get":
        response = client.get(f"/open311/v2/requests.{fmt}?{crowd}")
    else:
        response = client.post(
            f"/open311/v2/requests.{fmt}", crowd, content_type="application/x-www-form-urlencoded"
        )
    assert response["Content-Type"].startswith("text/xml" if fmt == "xml" else "application/json")
    spec_errors(response, 400)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"attribute[size]": None}, "attribute[size]: "),
        ({"attribute[colour]": "red"}, "attribute[colour]: "),
        ({"email": "not-an-email"}, "email: "),
        ({"phone": "-1"}, "phone: "),
    ],
)
def test_errors_name_the_fields_as_the_client_sent_them(
    post: Post, catalogue: dict[str, Service], fields: dict[str, Any], field: str
) -> None:
    errors = spec_errors(post(**fields), 400)
    assert any(str(e["description"]).startswith(field) for e in errors), errors


@pytest.mark.parametrize(
    ("datatype", "answer"),
    [("text", "a\x00b"), ("string", "\x00"), ("number", "1e999"), ("number", "-1e400")],
)
def test_answers_the_database_cannot_store_are_400s_not_500s(
    post: Post, catalogue: dict[str, Service], datatype: str, answer: str
) -> None:
    ServiceAttribute.objects.create(
        service=catalogue["pothole"], code="extra", datatype=datatype, required=False, order=2
    )
    errors = spec_errors(post(**{"attribute[extra]": answer}), 400)
    assert any(str(e["description"]).startswith("attribute[extra]: ") for e in errors), errors
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_to_a_service_code_that_does_not_exist_is_404_as_the_spec_lists(
    post: Post, catalogue: dict[str, Service], fmt: str
) -> None:
    errors = spec_errors(post(fmt, service_code="unicorns"), 404)
    assert str(errors[0]["description"]).startswith("service_code: ")
    assert spec_errors(post(fmt, service_code=None), 400)
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("service_type", "fields"),
    [
        ("realtime", {"service_request_id", "service_notice", "account_id"}),
        ("batch", {"token", "service_notice", "account_id"}),
        ("blackbox", {"service_notice", "account_id"}),
    ],
)
def test_the_post_answer_follows_the_service_type(
    client: Client,
    post: Post,
    catalogue: dict[str, Service],
    fmt: str,
    service_type: str,
    fields: set[str],
) -> None:
    pothole = catalogue["pothole"]
    pothole.type = service_type
    pothole.save(update_fields=["type"])
    response = post(fmt)
    assert response.status_code == 200, response.content
    answer = response.json()[0] if fmt == "json" else xml(response)["service_requests"]["request"]
    assert set(answer) == fields
    created = ServiceRequest.objects.get()
    if "token" in fields:
        assert answer["token"] == created.token
        found = client.get(f"/open311/v2/tokens/{created.token}.json").json()
        assert found == [{"service_request_id": created.public_id, "token": created.token}]
