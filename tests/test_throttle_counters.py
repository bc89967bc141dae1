"""The rate limits' counters and the caller's address they are kept for.

One allowance per client and scope, whichever way the client comes in (Open311 or the
residents' form); the wait it is told is what is left of the window; a cache without
counters still limits.
"""

from typing import Any

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory
from pytest_django.fixtures import Settings
from rest_framework.settings import api_settings

from core.errors import RateLimited
from core.throttles import (
    COUNTER_KEY,
    CountingRateThrottle,
    StaffRateThrottle,
    client_address,
    rate_limit_take,
)

pytestmark = pytest.mark.django_db
SCOPE = "open311_anon_write"


@pytest.fixture
def three_writes_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = {**CountingRateThrottle.THROTTLE_RATES, SCOPE: "3/minute"}
    monkeypatch.setattr(CountingRateThrottle, "THROTTLE_RATES", rates)


def test_a_form_writer_gets_the_scopes_allowance_then_the_time_left(
    three_writes_a_minute: None,
) -> None:
    for _ in range(3):
        rate_limit_take(scope=SCOPE, ident="ip-203.0.113.5")
    with pytest.raises(RateLimited) as refused:
        rate_limit_take(scope=SCOPE, ident="ip-203.0.113.5")
    assert 1 <= refused.value.wait <= 60
    rate_limit_take(scope=SCOPE, ident="ip-198.51.100.9")  # another address: its own count


def test_a_scope_whose_rate_is_switched_off_is_not_limited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rates = {**CountingRateThrottle.THROTTLE_RATES, SCOPE: None}
    monkeypatch.setattr(CountingRateThrottle, "THROTTLE_RATES", rates)
    for _ in range(5):
        rate_limit_take(scope=SCOPE, ident="ip-203.0.113.5")


def test_a_cache_without_counters_still_limits_and_asks_for_the_whole_window(
    make_user: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StaffRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    monkeypatch.setattr(StaffRateThrottle, "cache", LocMemCache("throttles", {}))
    client = client_for(make_user("agent"))
    assert [client.get("/api/v1/services/").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/v1/services/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"


def _request(**meta: Any) -> Any:
    return RequestFactory().get("/", **meta)


def test_behind_a_proxy_a_garbled_forwarded_header_falls_back_to_the_connection(
    settings: Settings,
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert api_settings.NUM_PROXIES == 1
    garbled = _request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(garbled) == "127.0.0.1"
    spaced = _request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6,  198.51.100.7 ")
    assert client_address(spaced) == "198.51.100.7"


def test_an_address_is_written_one_way_whatever_way_it_came() -> None:
    assert client_address(_request(REMOTE_ADDR="2001:DB8:0:0:0:0:0:1")) == "2001:db8::1"


def test_with_no_address_at_all_there_is_no_caller_address() -> None:
    nothing = _request()
    nothing.META.pop("REMOTE_ADDR", None)
    assert client_address(nothing) is None


@pytest.mark.parametrize(("left", "told"), [(30, range(25, 31)), (1, range(1, 2))])
def test_a_client_refused_late_in_the_window_is_told_only_what_is_left_of_it(
    three_writes_a_minute: None, left: int, told: range
) -> None:
    # Three calls counted earlier: the window has `left` seconds to run.
    cache.set(COUNTER_KEY % {"scope": SCOPE, "ident": "ip-203.0.113.5"}, 3, timeout=left)
    with pytest.raises(RateLimited) as refused:
        rate_limit_take(scope=SCOPE, ident="ip-203.0.113.5")
    assert refused.value.wait in told


def test_a_staff_rate_switched_off_lets_every_call_through(
    make_user: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StaffRateThrottle, "THROTTLE_RATES", {"user": None})
    client = client_for(make_user("agent"))
    assert {client.get("/api/v1/services/").status_code for _ in range(3)} == {200}
