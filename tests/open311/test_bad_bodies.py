"""Open311: bad input that used to reach a 500, refused with a list of {code, description}.

Fixed where the input enters (the JSON parser, the datetime reader), so every view is covered.
"""

import json

import pytest
from django.test import Client

from intake.models import Service
from tests.test_bad_input_mechanisms import DEEP, DEEP_OBJECT, NOT_AN_OBJECT

pytestmark = pytest.mark.django_db


def _open311_errors(response: object) -> list[dict[str, object]]:
    body = json.loads(response.content)  # type: ignore[attr-defined]
    assert isinstance(body, list)
    assert body
    assert all(set(item) == {"code", "description"} for item in body)
    return body


@pytest.mark.parametrize("body", [*NOT_AN_OBJECT, DEEP, DEEP_OBJECT])
def test_open311_post_of_a_json_body_that_is_not_an_object_is_a_400(
    client: Client, catalogue: dict[str, Service], body: str
) -> None:
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert _open311_errors(response)[0]["code"] == 400


def test_open311_errors_keep_the_xml_format(client: Client, catalogue: dict[str, Service]) -> None:
    response = client.post("/open311/v2/requests.xml", "[]", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml")
    assert b"<errors>" in response.content or b"<error>" in response.content


def test_open311_post_with_a_lone_surrogate_is_a_400_and_stores_nothing(
    client: Client, catalogue: dict[str, Service], api_key: str
) -> None:
    fields = {
        "api_key": api_key,
        "service_code": "pothole",
        "lat": "43.07",
        "long": "-89.40",
        "attribute[size]": "large",
        "description": "Hole \ud800 here",
    }
    body = json.dumps(fields)  # ensure_ascii keeps the lone surrogate as its escape
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "description" in str(_open311_errors(response))
    assert not catalogue["pothole"].requests.exists()


@pytest.mark.parametrize(
    "query",
    [
        "start_date=9999-12-31T00:00:00Z",
        "end_date=0001-01-01T00:00:00Z",
        "start_date=0001-01-01T00:00:00%2B05:00",
        "updated_after=9999-12-31T23:59:59-12:00",
    ],
)
def test_open311_dates_at_the_ends_of_the_calendar_are_a_400(
    client: Client, catalogue: dict[str, Service], query: str
) -> None:
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400, response.content
    assert _open311_errors(response)
