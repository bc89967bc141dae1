"""Django's Redis cache, with one client per connection pool and an atomic counter.

Django's client builds a new `redis.Redis` on every cache call, and with it redis-py's table
of about 170 response callbacks: that costs more CPU than the Redis round trip itself, and
intake makes several cache calls per request (throttle, idempotency, outbox wake-up). A
`redis.Redis` is thread-safe and holds no connection of its own (its pool does), so one per
pool is enough.
"""

from typing import Any

from django.core.cache.backends import redis as django_redis
from redis import Redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = Redis(connection_pool=pool)
        return client

    def counter_incr(self, key: str, timeout: int) -> tuple[int, int]:
        # One round trip: create the counter with its expiry if it is new, count, and read
        # how long it has left.
        pipeline = self.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        pipeline.ttl(key)
        _created, count, left = pipeline.execute()
        return int(count), max(int(left), 0)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def counter_incr(
        self, key: str, *, timeout: int, version: int | None = None
    ) -> tuple[int, int]:
        """Add one to a counter that expires `timeout` seconds after it was created; return
        the count and the seconds it has left."""
        made = self.make_and_validate_key(key, version=version)
        client: RedisCacheClient = self._cache  # type: ignore[attr-defined]
        return client.counter_incr(made, timeout)
