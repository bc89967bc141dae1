"""DRF rate throttles that count calls instead of logging each one.

DRF's SimpleRateThrottle keeps the time of every call in the window and reads and rewrites
that whole list on every call: at an Open311 client's thousands of calls a minute, that is
more work than the call it guards. These throttles keep one counter per client, created with
the window's length as its expiry on the client's first call: one Redis round trip. A client
may burst up to twice its rate across two windows, which is fine for abuse limits.
"""

from typing import Any

from django.core.cache import BaseCache, cache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from core.errors import RateLimited


def _counter_incr(cache: BaseCache, key: str, timeout: int) -> tuple[int, int]:
    # `cache` is usually Django's proxy to the configured backend: ask what it can do.
    counter = getattr(cache, "counter_incr", None)
    if counter is not None:
        count, left = counter(key, timeout=timeout)
        return int(count), int(left)
    cache.add(key, 0, timeout)  # other backends: two calls, and the full window as the wait
    return int(cache.incr(key)), timeout


# Not DRF's key: its keys hold lists of call times, which a counter cannot add to, and
# they outlive a deploy by up to a window.
COUNTER_KEY = "throttle-count_%(scope)s_%(ident)s"


def rate_limit_take(*, scope: str, ident: str) -> None:
    """Count one call of `ident` at the scope's rate (`DEFAULT_THROTTLE_RATES`), outside DRF:
    for channels that are not DRF views (the residents' web form). Shares the counters of the
    DRF throttles below, so a client has one allowance per scope whichever way it comes in."""
    throttle = _ScopeRate(scope)
    if throttle.num_requests is None or throttle.duration is None:
        return
    key = COUNTER_KEY % {"scope": scope, "ident": ident}
    count, left = _counter_incr(cache, key, throttle.duration)
    if count > throttle.num_requests:
        raise RateLimited(max(left, 1))


class CountingRateThrottle(SimpleRateThrottle):
    cache_format = COUNTER_KEY
    window_left = 0
    # Set by SimpleRateThrottle from the rate; declared here for the type checker.
    num_requests: int | None
    duration: int | None

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.num_requests is None or self.duration is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        count, self.window_left = _counter_incr(self.cache, key, self.duration)
        return count <= self.num_requests

    def wait(self) -> float:
        return float(max(self.window_left, 1))


class StaffRateThrottle(CountingRateThrottle, UserRateThrottle):
    """Per signed-in user (or per address before sign-in), at the "user" rate."""


class _ScopeRate(CountingRateThrottle):
    """A scope's configured rate, read the way DRF reads it."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()
