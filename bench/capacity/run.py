"""Capacity figures per request for the capacity model in deploy/README.md.

For three paths (Open311 POST requests.json, a department's queue page in the staff API,
and the public status of one request, Open311 GET requests/{id}.json) it runs N calls in
process through Django's test client (no HTTP server, no proxy) and reports per request:
the web process's CPU (time.process_time), the PostgreSQL backend's CPU (its /proc entry),
the SQL statements Django sent, and the WAL bytes written (pg_current_wal_lsn before and
after, on the stack's private cluster, where nothing else writes).

Usage: python bench/capacity/run.py [--calls 200]
Needs the local stack (DATABASE_URL, REDIS_URL); makes and drops its own database
(the stack's name + "_bench_capacity"). One JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
os.environ.update(
    DJANGO_DEBUG="0",
    CIVIC311_LOG_LEVEL="WARNING",
    CIVIC311_OPEN311_KEY_WRITE_RATE="1000000/minute",
    CIVIC311_OPEN311_ANON_READ_RATE="1000000/minute",
    CIVIC311_STAFF_API_RATE="1000000/hour",
    CELERY_TASK_DEFAULT_QUEUE="civic311-bench-capacity",
)

from bench.databases import bench_database_url, drop_database, ensure_database  # noqa: E402

DATABASE_URL = bench_database_url("bench_capacity")
ensure_database(DATABASE_URL, fresh=True)
os.environ["DATABASE_URL"] = DATABASE_URL

import django  # noqa: E402

django.setup()

from django.contrib.gis.geos import Point  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from core.models import Area  # noqa: E402
from intake.models import ServiceRequest  # noqa: E402
from open311.services import api_key_issue  # noqa: E402

Call = Callable[[int], Any]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wal_lsn() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def pothole_posts(key: str) -> Call:
    limits = Area.objects.get(kind="city-limits").geometry
    min_lon, min_lat, max_lon, max_lat = limits.extent
    rng = random.Random(1)
    client = Client()

    def post(number: int) -> Any:
        while True:
            lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
            if limits.contains(Point(lon, lat, srid=4326)):
                break
        data = {
            "api_key": key,
            "service_code": "pothole",
            "lat": f"{lat:.6f}",
            "long": f"{lon:.6f}",
            "attribute[size]": "large",
            "description": f"Capacity run pothole {number}",
            "email": "resident@example.org",
            "device_id": f"capacity-{number}",
        }
        response = client.post("/open311/v2/requests.json", data)
        assert response.status_code == 200, response.content
        return response

    return post


def measure(name: str, call: Call, calls: int) -> dict[str, Any]:
    for number in range(10):  # warm caches, the routing engine and the connection
        call(-1 - number)
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    wal, db_cpu, cpu = wal_lsn(), backend_cpu_seconds(pid), time.process_time()
    for number in range(calls):
        call(number)
    cpu = time.process_time() - cpu
    db_cpu = backend_cpu_seconds(pid) - db_cpu
    wal = wal_lsn() - wal
    with CaptureQueriesContext(connection) as queries:
        call(calls)
    result = {
        "web_cpu_ms": round(cpu / calls * 1000, 2),
        "db_cpu_ms": round(db_cpu / calls * 1000, 2),
        "statements": len(queries),
        "wal_bytes": round(wal / calls),
    }
    log(f"{name}: {json.dumps(result)}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    try:
        log("migrating, loading the demo city")
        call_command("migrate", verbosity=0)
        call_command("load_demo_city", "--requests", "300", verbosity=0, stdout=io.StringIO())
        # Connections kept open: the backend's CPU is read from one process.
        connection.settings_dict["CONN_MAX_AGE"] = None
        key = api_key_issue(name="capacity").key
        staff = Client()
        staff.force_login(User.objects.get(username="streets"))
        public_id = ServiceRequest.objects.order_by("-id").values_list("public_id", flat=True)[0]
        paths: dict[str, Call] = {
            "open311_post": pothole_posts(key),
            "queue_page": lambda n: staff.get("/api/v1/queues/streets/"),
            "public_status": lambda n: Client().get(f"/open311/v2/requests/{public_id}.json"),
        }
        results = {name: measure(name, call, args.calls) for name, call in paths.items()}
        print(json.dumps({"benchmark": "capacity", "calls": args.calls, "paths": results}))
    finally:
        connection.close()
        drop_database(DATABASE_URL)


if __name__ == "__main__":
    main()
