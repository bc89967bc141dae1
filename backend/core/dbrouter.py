"""Read replicas: reads an interface marks as read-only go to a replica, all else to the primary.

Nothing goes to a replica unless an interface opts in with `reading_from_replica()` (a
context manager and a decorator) around a read-only view (Open311 GET, the public map and
list, reports, scorecards) and `CIVIC311_READ_REPLICAS` names replica aliases (set from
`DATABASE_REPLICA_URLS`). Writes, transactions and everything unmarked stay on the primary.

Read your writes: replicas lag, and a resident who has just reported a pothole must see it.
`ReadYourWritesMiddleware` remembers a client that wrote (a successful POST, PUT, PATCH or
DELETE) for `CIVIC311_READ_YOUR_WRITES_SECONDS`: in a cookie for browsers and under its
address in the cache for API clients that keep no cookies; such a client reads from the
primary until the window ends.
"""

import random
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
WROTE_COOKIE = "civic311_wrote"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_replica_reads: ContextVar[bool] = ContextVar("civic311_replica_reads", default=False)
_recent_writer: ContextVar[bool] = ContextVar("civic311_recent_writer", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_aliases() -> list[str]:
    return list(settings.CIVIC311_READ_REPLICAS)


class reading_from_replica:
    """Mark reads inside as safe to serve from a replica (a little behind the primary).

    `with reading_from_replica(): ...` or `@reading_from_replica()` on a view; each use
    makes a new instance, so one token per entry, also across threads.
    """

    def __enter__(self) -> None:
        self._token = _replica_reads.set(True)

    def __exit__(self, *exc: object) -> None:
        _replica_reads.reset(self._token)

    def __call__(self, view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            with reading_from_replica():
                return view(*args, **kwargs)

        return wrapped


def read_alias() -> str:
    """The alias reads go to now: a replica only when marked, configured and safe."""
    replicas = replica_aliases()
    if not replicas or not _replica_reads.get() or _recent_writer.get():
        return PRIMARY
    # Inside a transaction on the primary, reads must see its own uncommitted writes.
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return random.choice(replicas)


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def _address_key(request: HttpRequest) -> str:
    return f"civic311:wrote:{request.META.get('REMOTE_ADDR', '')}"


def _wrote_recently(request: HttpRequest) -> bool:
    if request.COOKIES.get(WROTE_COOKIE):
        return True
    return bool(cache.get(_address_key(request)))


class ReadYourWritesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        token = _recent_writer.set(_wrote_recently(request))
        try:
            response = self.get_response(request)
        finally:
            _recent_writer.reset(token)
        if request.method not in _SAFE_METHODS and response.status_code < 400:
            seconds = settings.CIVIC311_READ_YOUR_WRITES_SECONDS
            cache.set(_address_key(request), 1, timeout=seconds)
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=seconds,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
