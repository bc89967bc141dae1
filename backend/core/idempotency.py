"""Answering a repeated attempt with the first attempt's result (a retry after a dropped
connection must not file the same thing twice). Any channel can use it: one cache call for a
first attempt, a short wait for a repeat that arrives while the first is still running."""

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import InterfaceError, OperationalError

T = TypeVar("T")

WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
# A lost connection may have cut the answer to a COMMIT that happened: the first attempt's
# result may exist (on a promoted synchronous standby, say) though its caller saw an error.
IN_DOUBT = (OperationalError, InterfaceError)
# Marks a claim whose attempt ended in doubt: a repeat looks once, and need not wait.
ENDED = "ended:"


def once(
    *,
    fingerprint: str,
    window_seconds: int,
    token: str,
    create: Callable[[str], T],
    find: Callable[[str], T | None],
) -> tuple[T, bool]:
    """Run `create(token)` for the first attempt with this fingerprint in the window; a repeat
    gets `find(first token)` instead. Returns the result and whether it was a repeat.

    The first attempt claims the fingerprint with the token its result will carry, so a
    repeat can find that result once it is committed. A first attempt that failed surely
    before committing gives its claim up; one whose commit is in doubt keeps it, marked
    ended, and a repeat that does not find its result takes the claim over (at once when
    marked ended, else after waiting WAIT_SECONDS for a first attempt still running)."""
    cache_key = f"idempotency:{fingerprint}"
    if cache.add(cache_key, token, timeout=window_seconds):
        return _claimed(cache_key, token, create, window_seconds), False
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        claim = cache.get(cache_key)
        if claim is None:
            # The first attempt failed before committing: this one is taken on its own.
            return create(token), False
        existing = find(claim.removeprefix(ENDED))
        if existing is not None:
            return existing, True
        if claim.startswith(ENDED) or time.monotonic() > deadline:
            # Not stored: its commit never happened (or the first attempt is stuck).
            cache.set(cache_key, token, timeout=window_seconds)
            return _claimed(cache_key, token, create, window_seconds), False
        time.sleep(POLL_SECONDS)


def _claimed(cache_key: str, token: str, create: Callable[[str], T], window_seconds: int) -> T:
    try:
        return create(token)
    except IN_DOUBT:
        cache.set(cache_key, ENDED + token, timeout=window_seconds)
        raise
    except BaseException:
        cache.delete(cache_key)
        raise
