"""Redis behind Sentinel: the cache, the broker and the beat lock find the master through a
real sentinel on loopback (a private redis-server and one in sentinel mode)."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings
from kombu import Connection

from civic311 import cluster
from core.beat import BeatLock, lock_client
from core.cache import RedisCache

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
MASTER = "civic311-test"
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


@pytest.fixture
def sentinel(tmp_path: Path) -> Iterator[list[tuple[str, int]]]:
    redis_port, sentinel_port = _free_port(), _free_port()
    (tmp_path / "sentinel.conf").write_text(
        f"port {sentinel_port}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor {MASTER} 127.0.0.1 {redis_port} 1\n"
    )
    processes = [
        subprocess.Popen(
            [
                *(REDIS_SERVER, "--port", str(redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(tmp_path)),
            ],
            stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [REDIS_SERVER, str(tmp_path / "sentinel.conf"), "--sentinel"],
            stdout=subprocess.DEVNULL,
        ),
    ]
    try:
        _wait_for_port(redis_port)
        _wait_for_port(sentinel_port)
        yield [("127.0.0.1", sentinel_port)]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def test_cache_broker_and_beat_lock_reach_the_master_through_sentinel(
    sentinel: list[tuple[str, int]],
) -> None:
    config = cluster.sentinel_cache(sentinel, MASTER, db=3, key_prefix="sentinel-test")
    cache = RedisCache(config["LOCATION"], config)
    cache.set("report", "pothole", timeout=30)
    assert cache.get("report") == "pothole"

    url = cluster.sentinel_broker_url(sentinel)
    with Connection(url, transport_options={"master_name": MASTER}) as broker:
        queue = broker.SimpleQueue("civic311-sentinel-test")
        queue.put({"request": 1})
        message = queue.get(timeout=5)
        assert message.payload == {"request": 1}
        message.ack()
        queue.close()

    with override_settings(REDIS_SENTINELS=sentinel, REDIS_SENTINEL_MASTER=MASTER):
        first = BeatLock(client=lock_client(), seconds=30, key="sentinel-test-lock")
        second = BeatLock(client=lock_client(), seconds=30, key="sentinel-test-lock")
        assert first.hold()
        assert not second.hold()


def test_readiness_checks_the_broker_through_sentinel_with_its_master_name(
    sentinel: list[tuple[str, int]],
) -> None:
    from core.health import check_broker

    options = {"visibility_timeout": 3600, "master_name": MASTER}
    with override_settings(
        CELERY_BROKER_URL=cluster.sentinel_broker_url(sentinel),
        CELERY_BROKER_TRANSPORT_OPTIONS=options,
    ):
        assert check_broker() is None
    # A master the sentinels do not know is reported, not raised.
    wrong = {**options, "master_name": "no-such-master"}
    with override_settings(
        CELERY_BROKER_URL=cluster.sentinel_broker_url(sentinel),
        CELERY_BROKER_TRANSPORT_OPTIONS=wrong,
    ):
        assert check_broker() is not None
