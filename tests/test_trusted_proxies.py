"""X-Forwarded-For is believed only from configured proxies; failed logins lock out (issue 13)."""

import pytest
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings
from rest_framework.settings import api_settings

from accounts.models import Role
from core.throttles import client_address
from open311.throttles import Open311ClientThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def two_reads_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = {**Open311ClientThrottle.THROTTLE_RATES, "open311_anon_read": "2/minute"}
    monkeypatch.setattr(Open311ClientThrottle, "THROTTLE_RATES", rates)


def test_rotating_forwarded_headers_do_not_escape_the_anonymous_rate(
    client: Client, two_reads_a_minute: None
) -> None:
    statuses = [
        client.get("/open311/v2/services.json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 429, 429, 429]


def test_behind_one_trusted_proxy_the_address_it_adds_is_the_client(settings: Settings) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    assert client_address(request) == "127.0.0.1"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert api_settings.NUM_PROXIES == 1
    # The client may write anything in front; only the last entry, the proxy's, counts.
    assert client_address(request) == "198.51.100.7"


def _token(client: Client, username: str, password: str, address: str = "127.0.0.1") -> int:
    response = client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    return response.status_code


def test_many_wrong_passwords_lock_the_account_even_the_right_one_then_fails(
    client: Client, settings: Settings
) -> None:
    user = UserFactory.create(role=Role.AGENT, password=PASSWORD)
    assert _token(client, user.username, PASSWORD) == 200
    # Each attempt from another address: the account itself is locked.
    failures = [
        _token(client, user.username, "wrong", address=f"10.0.0.{n}")
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert set(failures) <= {400, 429}
    assert _token(client, user.username, PASSWORD, address="10.0.1.1") != 200


def test_many_wrong_passwords_from_one_address_lock_that_address(
    client: Client, settings: Settings
) -> None:
    users = [UserFactory.create(role=Role.AGENT, password=PASSWORD) for _ in range(2)]
    for n in range(settings.AXES_FAILURE_LIMIT):
        _token(client, f"nobody-{n}", "wrong", address="192.0.2.5")
    assert _token(client, users[0].username, PASSWORD, address="192.0.2.5") != 200
    assert _token(client, users[1].username, PASSWORD, address="192.0.2.6") == 200


def test_admin_login_is_locked_out_too(client: Client, settings: Settings) -> None:
    admin = UserFactory.create(role=Role.ADMIN, password=PASSWORD, is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": admin.username, "password": "wrong"})
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 429
