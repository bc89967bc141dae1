"""Rate limits with two clients behind one address (a city office, a carrier's NAT).

Anonymous callers share their address's budget; clients with their own API key each have
their own budget, whatever address they call from.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from intake.models import ServiceRequest
from open311.services import api_key_issue
from open311.throttles import Open311ClientThrottle

pytestmark = pytest.mark.django_db
OFFICE = "203.0.113.5"
ELSEWHERE = "198.51.100.9"


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        Open311ClientThrottle,
        "THROTTLE_RATES",
        {
            **Open311ClientThrottle.THROTTLE_RATES,
            "open311_anon_read": "2/minute",
            "open311_key_read": "3/minute",
            "open311_key_write": "1/minute",
        },
    )


def _get(client: Client, address: str, **query: str) -> int:
    return client.get("/open311/v2/services.json", query, REMOTE_ADDR=address).status_code


def test_anonymous_callers_behind_one_address_share_its_budget(rates: None) -> None:
    first, second, stranger = Client(), Client(), Client()
    assert [_get(first, OFFICE), _get(second, OFFICE)] == [200, 200]
    assert _get(first, OFFICE) == 429
    assert _get(second, OFFICE) == 429  # a new session does not buy a new budget
    assert _get(stranger, ELSEWHERE) == 200


def test_keyed_clients_behind_one_address_each_have_their_own_budget(
    rates: None, catalogue: dict[str, Any], post_as: Callable[..., int]
) -> None:
    app, tool = api_key_issue(name="Riverton app").key, api_key_issue(name="Civic tool").key
    # The address has used up its anonymous budget: keyed clients are not counted against it.
    anonymous = Client()
    answers = [_get(anonymous, OFFICE) for _ in range(10)]  # the rate is 2 a minute
    assert 429 in answers, "the anonymous allowance never ran out"
    assert [_get(Client(), OFFICE, api_key=app) for _ in range(4)] == [200, 200, 200, 429]
    assert [_get(Client(), OFFICE, api_key=tool) for _ in range(4)] == [200, 200, 200, 429]
    assert [post_as(app, OFFICE), post_as(tool, OFFICE)] == [200, 200]
    assert [post_as(app, OFFICE), post_as(tool, ELSEWHERE)] == [429, 429]
    assert ServiceRequest.objects.count() == 2


@pytest.fixture
def post_as() -> Callable[..., int]:
    def send(key: str, address: str) -> int:
        data = {
            "api_key": key,
            "service_code": "pothole",
            "lat": "43.07",
            "long": "-89.40",
            "attribute[size]": "large",
            "description": "Deep pothole by the bus stop",
        }
        return Client().post("/open311/v2/requests.json", data, REMOTE_ADDR=address).status_code

    return send
