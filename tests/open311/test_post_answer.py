"""The Open311 POST: contact details checked, and the answer GeoReport v2 asks for."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from intake.models import ServiceRequest
from tests.open311.test_open311 import xml

pytestmark = pytest.mark.django_db


def test_open311_refuses_a_malformed_email_and_stores_nothing(
    post: Callable[..., Any], catalogue: dict[str, Any]
) -> None:
    response = post(email="not-an-email<script>")
    assert response.status_code == 400
    assert "email" in response.json()[0]["description"]
    assert not ServiceRequest.objects.exists()


def test_open311_phone_is_normalised(post: Callable[..., Any], catalogue: dict[str, Any]) -> None:
    response = post(phone="(608) 555-0199")
    assert response.status_code == 200, response.content
    assert ServiceRequest.objects.get().requester_phone == "+16085550199"
    assert post(phone="-1").status_code == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_answer_carries_the_id_and_never_a_token_too(
    client: Client, post: Callable[..., Any], catalogue: dict[str, Any], fmt: str
) -> None:
    response = post(fmt, device_id="phone-7", account_id="acct-1")
    assert response.status_code == 200, response.content
    created = ServiceRequest.objects.get()
    if fmt == "json":
        (answer,) = response.json()
    else:
        answer = xml(response)["service_requests"]["request"]
    assert answer["service_request_id"] == created.public_id
    assert "token" not in answer
    assert answer["account_id"] == "acct-1"
    assert "Streets" in answer["service_notice"]
    # A request that has a token is still found by it.
    found = client.get(f"/open311/v2/tokens/{created.token}.json")
    assert found.json() == [{"service_request_id": created.public_id, "token": created.token}]
