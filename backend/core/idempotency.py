"""Answering a repeated attempt with the first attempt's result (a retry after a dropped
connection must not file the same thing twice). Any channel can use it: one cache call for a
first attempt, a short wait for a repeat that arrives while the first is still running."""

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05


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
    repeat can find that result once it is committed."""
    cache_key = f"idempotency:{fingerprint}"
    if cache.add(cache_key, token, timeout=window_seconds):
        try:
            return create(token), False
        except BaseException:
            cache.delete(cache_key)
            raise
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        first_token = cache.get(cache_key)
        if first_token is None or time.monotonic() > deadline:
            # The first attempt failed or vanished: this one is taken on its own.
            return create(token), False
        existing = find(first_token)
        if existing is not None:
            return existing, True
        time.sleep(POLL_SECONDS)
