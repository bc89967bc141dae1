"""Settings for several hosts: replica URLs and Redis Sentinel, parsed from the environment."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from civic311 import cluster
from civic311.env import ImproperlyConfiguredEnv


def test_replica_urls_become_read_only_aliases_like_the_primary() -> None:
    primary = settings.DATABASES["default"]
    replicas = cluster.replica_databases(
        primary,
        environ={
            "DATABASE_REPLICA_URLS": "postgis://u:p@10.0.0.2:5432/civic311, postgis://u:p@r2/db"
        },
    )
    assert list(replicas) == ["replica1", "replica2"]
    assert replicas["replica1"]["HOST"] == "10.0.0.2"
    assert replicas["replica2"]["NAME"] == "db"
    assert replicas["replica1"]["ENGINE"] == primary["ENGINE"]
    assert replicas["replica1"]["OPTIONS"] == primary.get("OPTIONS", {})
    assert cluster.replica_databases(primary, environ={}) == {}


def test_sentinels_parse_into_host_port_pairs() -> None:
    environ = {"REDIS_SENTINELS": "10.0.0.1:26379, sentinel-b:26380,[::1]:26381"}
    pairs = cluster.sentinels(environ=environ)
    assert pairs == [("10.0.0.1", 26379), ("sentinel-b", 26380), ("[::1]", 26381)]
    assert cluster.sentinel_broker_url(pairs[:2]) == (
        "sentinel://10.0.0.1:26379/0;sentinel://sentinel-b:26380/0"
    )
    assert cluster.sentinel_master(environ={}) == "civic311"
    assert cluster.sentinel_master(environ={"REDIS_SENTINEL_MASTER": "main"}) == "main"


@pytest.mark.parametrize("bad", ["10.0.0.1", "10.0.0.1:port", ":26379"])
def test_a_malformed_sentinel_names_the_variable(bad: str) -> None:
    with pytest.raises(ImproperlyConfiguredEnv, match="REDIS_SENTINELS"):
        cluster.sentinels(environ={"REDIS_SENTINELS": bad})


def test_sentinel_settings_for_broker_cache_and_beat() -> None:
    # Settings are read once per process: load them in a fresh one with Sentinel set.
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.CELERY_BROKER_URL); print(s.CELERY_BROKER_TRANSPORT_OPTIONS['master_name']);"
        "print(s.CACHES['default']['OPTIONS']['pool_class']);"
        "print(s.CACHES['default']['LOCATION']); print(s.CELERY_BEAT_SCHEDULER)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civic311.settings",
        "PYTHONPATH": os.pathsep.join([str(settings.BASE_DIR), str(settings.REPO_DIR)]),
        "REDIS_SENTINELS": "127.0.0.1:26379,127.0.0.2:26379",
        "REDIS_SENTINEL_MASTER": "main",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        "sentinel://127.0.0.1:26379/0;sentinel://127.0.0.2:26379/0",
        "main",
        "core.sentinel.SentinelPool",
        "redis://main/2",
        "core.beat:LockedScheduler",
    ]
