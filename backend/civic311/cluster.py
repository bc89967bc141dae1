"""Settings for running on several hosts: database replicas and Redis behind Sentinel.

Pure functions of the environment, so settings.py stays declarative and each is unit-tested.
"""

import os
from collections.abc import Mapping
from typing import Any

import dj_database_url
from dj_database_url import DBConfig

from civic311.env import ImproperlyConfiguredEnv, env_list, env_str


def replica_databases(
    primary: DBConfig, *, environ: Mapping[str, str] = os.environ
) -> dict[str, DBConfig]:
    """`DATABASE_REPLICA_URLS` (comma list) as aliases replica1, replica2, ... configured
    like the primary (engine, options, connection age), each only ever read from."""
    replicas: dict[str, DBConfig] = {}
    for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", [], environ=environ), 1):
        config = dj_database_url.parse(
            url,
            engine=primary.get("ENGINE"),
            conn_max_age=primary.get("CONN_MAX_AGE", 0),
            conn_health_checks=True,
        )
        config["OPTIONS"] = {**primary.get("OPTIONS", {}), **config.get("OPTIONS", {})}
        # The test database of a replica is the primary's: tests never create a second one.
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas


def sentinels(*, environ: Mapping[str, str] = os.environ) -> list[tuple[str, int]]:
    """`REDIS_SENTINELS` as (host, port) pairs: "10.0.0.1:26379,10.0.0.2:26379"."""
    pairs = []
    for item in env_list("REDIS_SENTINELS", [], environ=environ):
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit():
            raise ImproperlyConfiguredEnv(f"REDIS_SENTINELS must be host:port items, got {item!r}")
        pairs.append((host, int(port)))
    return pairs


def sentinel_master(*, environ: Mapping[str, str] = os.environ) -> str:
    return env_str("REDIS_SENTINEL_MASTER", "civic311", environ=environ)


def sentinel_broker_url(pairs: list[tuple[str, int]], *, db: int = 0) -> str:
    """Celery's form: every sentinel, separated by ';' (kombu tries them in turn)."""
    return ";".join(f"sentinel://{host}:{port}/{db}" for host, port in pairs)


def sentinel_cache(
    pairs: list[tuple[str, int]], master: str, *, db: int, key_prefix: str
) -> dict[str, Any]:
    """Django's Redis cache through redis-py's Sentinel: the pool asks the sentinels for the
    master on every new connection, so a failover needs no restart."""
    return {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": f"redis://{master}/{db}",
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {"pool_class": "core.sentinel.SentinelPool", "sentinels": pairs},
    }
