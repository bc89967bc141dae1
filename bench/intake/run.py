"""Intake benchmark: Open311 POST requests.json against gunicorn, next to a bare DRF floor.

N concurrent clients post realistic requests (demo services with their required attributes,
points inside the city, a contact, a device id) for a fixed time, first to a bare DRF create
view that validates the same fields and inserts one row (the floor), then to
/open311/v2/requests.json (key check, throttle, validation, routing, duplicate check, the
request, its history). Both run against the same gunicorn in the same run.

Target on a 2-core machine at 16 clients: Open311 throughput >= 60% of the floor's, and
p99 <= 100 ms.

Usage: python bench/intake/run.py [--clients 16] [--seconds 15] [--workers N]
Needs the local stack (DATABASE_URL, REDIS_URL): run it through `make bench`. It writes
its requests into the database it is given (the demo city).
Prints progress on stderr and one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.intake.settings")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.contrib.gis.geos import Point  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.intake.urls import create_floor_table  # noqa: E402
from core.models import Area  # noqa: E402
from intake.models import Service  # noqa: E402
from open311.services import api_key_issue  # noqa: E402

WORDS = [
    "deep",
    "large",
    "broken",
    "dangerous",
    "near",
    "the",
    "corner",
    "outside",
    "house",
    "school",
    "bus",
    "stop",
    "again",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def payloads(key: str, count: int) -> list[dict[str, Any]]:
    rng = random.Random(311)
    limits = Area.objects.get(kind="city-limits").geometry
    min_lon, min_lat, max_lon, max_lat = limits.extent
    services = list(Service.objects.filter(is_active=True).prefetch_related("attributes"))
    made: list[dict[str, Any]] = []
    while len(made) < count:
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if not limits.contains(Point(lon, lat, srid=4326)):
            continue
        service = rng.choice(services)
        data: dict[str, Any] = {
            "api_key": key,
            "service_code": service.code,
            "lat": f"{lat:.6f}",
            "long": f"{lon:.6f}",
            "description": " ".join(rng.choices(WORDS, k=12)),
            "email": f"resident{len(made)}@example.org",
            "device_id": f"bench-{len(made)}-{rng.random()}",
        }
        for attribute in service.attributes.all():
            if not attribute.required:
                continue
            keys = [v["key"] for v in attribute.values if isinstance(v, dict)]
            if attribute.datatype == "multivaluelist":
                data[f"attribute[{attribute.code}][]"] = keys[:1]
            elif keys:
                data[f"attribute[{attribute.code}]"] = rng.choice(keys)
            elif attribute.datatype == "number":
                data[f"attribute[{attribute.code}]"] = "2"
            elif attribute.datatype == "datetime":
                data[f"attribute[{attribute.code}]"] = "2026-12-01T10:00:00-06:00"
            else:
                data[f"attribute[{attribute.code}]"] = "bench"
        made.append(data)
    return made


def hammer(url: str, bodies: list[dict[str, Any]], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def client() -> None:
        session = requests.Session()
        mine: list[float] = []
        bad: list[int] = []
        while time.perf_counter() < stop_at:
            body = bodies[next(counter) % len(bodies)]
            started = time.perf_counter()
            response = session.post(url, data=body, timeout=30)
            mine.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 300:
                bad.append(response.status_code)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_statuses": sorted(set(errors))[:5],
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(quantiles[49], 1),
        "p95_ms": round(quantiles[94], 1),
        "p99_ms": round(quantiles[98], 1),
    }


BENCH_QUEUE = "civic311-bench-intake"


def forget_bench_messages() -> None:
    """The benchmark's residents are not real: drop their queued tasks and messages."""
    import redis

    from notifications.models import MessageStatus, OutboxMessage

    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(BENCH_QUEUE)
    OutboxMessage.objects.filter(
        status=MessageStatus.PENDING,
        recipient__startswith="resident",
        recipient__endswith="@example.org",
    ).delete()


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    # CPU-bound Django: one worker per core plus one measured best on 2 cores (3: 228 req/s,
    # 5: 195, 8: 184).
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()

    call_command("load_demo_city", verbosity=0, stdout=io.StringIO())
    create_floor_table()
    key = api_key_issue(name=f"bench {time.time():.0f}").key
    bodies = payloads(key, 2000)

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.intake.settings",
        "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",
        "DJANGO_DEBUG": "0",
        "DATABASE_CONN_MAX_AGE": "600",
        # The benchmark is one client address hammering on purpose.
        "CIVIC311_OPEN311_KEY_WRITE_RATE": "1000000/minute",
        "CIVIC311_LOG_LEVEL": "WARNING",
        # Its deliveries go to a queue of its own, emptied afterwards: nobody gets them.
        "CELERY_TASK_DEFAULT_QUEUE": BENCH_QUEUE,
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "civic311.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/open311/v2/services.json")
        log(f"gunicorn with {args.workers} workers on {base}; {args.clients} clients")
        hammer(f"{base}/bench/floor", bodies[:50], args.clients, 2)  # warm up both paths
        hammer(f"{base}/open311/v2/requests.json", bodies[:50], args.clients, 2)
        floor = hammer(f"{base}/bench/floor", bodies, args.clients, args.seconds)
        log(f"floor: {json.dumps(floor)}")
        open311 = hammer(f"{base}/open311/v2/requests.json", bodies, args.clients, args.seconds)
        log(f"open311: {json.dumps(open311)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        forget_bench_messages()
    ratio = (
        open311["requests_per_second"] / floor["requests_per_second"]
        if floor["requests_per_second"]
        else 0.0
    )
    result = {
        "benchmark": "intake",
        "clients": args.clients,
        "workers": args.workers,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "floor": floor,
        "open311": open311,
        "throughput_ratio": round(ratio, 3),
        "goals": {
            "throughput_at_least_60pct_of_floor": ratio >= 0.6,
            "p99_at_most_100ms": open311["p99_ms"] <= 100,
        },
        "not_in_path_yet": "notification outbox (issue 5)",
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
