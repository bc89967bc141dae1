"""A redis-py Sentinel connection pool that Django's Redis cache can build from its LOCATION.

Django builds each pool with `pool_class.from_url(LOCATION, **OPTIONS)`; here LOCATION is
`redis://<master name>/<db>` and OPTIONS carries the sentinels' addresses.
"""

from typing import Any
from urllib.parse import urlparse

from redis.sentinel import Sentinel, SentinelConnectionPool


class SentinelPool(SentinelConnectionPool):
    @classmethod
    def from_url(  # type: ignore[override]
        cls, url: str, *, sentinels: list[tuple[str, int]], **options: Any
    ) -> "SentinelPool":
        parsed = urlparse(url)
        if not parsed.hostname:
            raise ValueError("a Sentinel cache LOCATION is redis://<master name>/<db>")
        db = int(parsed.path.strip("/") or 0)
        timeouts = {"socket_timeout": 2.0, "socket_connect_timeout": 2.0}
        manager = Sentinel(sentinels, sentinel_kwargs=timeouts)  # type: ignore[no-untyped-call]
        return cls(
            parsed.hostname,
            manager,
            db=db,
            password=parsed.password,
            **{**timeouts, **options},
        )
