"""Queue benchmark: department queue page and claim-next with 1,000,000 requests in the table,
and the worker's delivery throughput against a local SMTP sink.

It uses its own database (the stack's database name + "_bench"), created, migrated and
filled once (1,000,000 requests over two years, about one in ten open) and reused after.
Targets: p95 under 50 ms for a queue page (the staff API, 50 items, with counts) and for
claim-next.

What is measured: queue pages across 40 pages, once with the counts computed on every call
(the counts cache off) and once with them from the cache (as in production), reported apart;
claim-next through its endpoint, on requests with a resident to tell by email (the claim
acknowledges the request and writes that message); delivery counting sent messages only,
of this run only. The figures as measured before (five pages in turn with the cache on,
the service function on requests without a resident, failed messages counted as delivered)
are reported under `as_before`.

Usage: python bench/queue/run.py [--rows 1000000] [--samples 200] [--messages 1000]
Needs the local stack (DATABASE_URL, REDIS_URL): run it through `make bench`.
Prints progress on stderr and one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]

from bench.databases import bench_database_url, ensure_database  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


FILL_SQL = """
WITH services AS (
    SELECT s.id AS service_id, s.default_department_id AS department_id,
           row_number() OVER (ORDER BY s.id) - 1 AS n, count(*) OVER () AS total
    FROM intake_service s WHERE s.default_department_id IS NOT NULL
), numbered AS (
    SELECT g, now() - (g::double precision / %(rows)s) * interval '730 days' AS created
    FROM generate_series(1, %(rows)s) AS g
)
INSERT INTO intake_servicerequest (
    public_id, token, attributes, description, location, address, address_id, zipcode,
    media_urls, requester_first_name, requester_last_name, requester_email, requester_phone,
    requester_language, requester_channel, channel, priority, status, promised_at,
    created_at, updated_at, acknowledged_at, closed_at, department_id, service_id,
    routing_rule, promise_broken, promise_changes, last_public_update_at
)
SELECT
    'B-' || lpad(g::text, 8, '0'), md5(g::text), '{}'::jsonb, 'Synthetic request',
    ST_SetSRID(ST_MakePoint(-89.48 + random() * 0.16, 43.03 + random() * 0.09), 4326)::geography,
    '', '', '', '{}', '', '', '', '', 'en', 'none', 'web',
    1 + (g %% 4),
    CASE WHEN g > %(rows)s * 0.9
         THEN (ARRAY['new','acknowledged','in_progress','on_hold'])[1 + g %% 4]
         ELSE 'resolved' END,
    created + interval '5 days',
    created, created,
    CASE WHEN g %% 4 = 0 AND g > %(rows)s * 0.9 THEN NULL ELSE created + interval '3 hours' END,
    CASE WHEN g > %(rows)s * 0.9 THEN NULL ELSE created + interval '2 days' END,
    s.department_id, s.service_id, 'bench', false, 0, created
FROM numbered
JOIN services s ON s.n = g %% s.total
"""


def fill(rows: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM intake_servicerequest WHERE routing_rule = 'bench'")
        (have,) = cursor.fetchone() or (0,)
        if have >= rows:
            log(f"reusing {have:,} synthetic requests")
            return
        log(f"inserting {rows:,} synthetic requests (once; reused by later runs)")
        started = time.perf_counter()
        cursor.execute("DELETE FROM intake_servicerequest WHERE routing_rule = 'bench'")
        cursor.execute(FILL_SQL, {"rows": rows})
        cursor.execute("ANALYZE intake_servicerequest")
        log(f"filled in {time.perf_counter() - started:.0f} s")


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100)[94], 2)


def timings(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": p95(samples),
        "max_ms": round(max(samples), 2),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def delivery_throughput(messages: int, url: str) -> dict[str, Any]:
    """N outbox messages, one Celery worker (2 processes), a local SMTP sink: messages/s."""
    from aiosmtpd.controller import Controller
    from django.db import connection

    from intake.models import Service
    from intake.services import Requester, service_request_create
    from notifications.models import MessageStatus, OutboxMessage
    from notifications.services import outbox_sweep

    class Sink:
        received = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            Sink.received += 1
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    service = Service.objects.get(code="graffiti")
    OutboxMessage.objects.filter(status=MessageStatus.PENDING).update(status=MessageStatus.FAILED)
    # Only this run's messages count: earlier runs' are in the same table.
    first_id = (OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    attributes = {
        a.code: (a.values[0]["key"] if a.values else "wall")
        for a in service.attributes.all()
        if a.required
    }
    log(f"writing {messages} requests with an email contact (one message each)")
    for n in range(messages):
        service_request_create(
            service=service,
            channel="web",
            address=f"{n} Main St",
            attributes=attributes,
            requester=Requester(email=f"r{n}@example.org", channel="email"),
        )
    ours = OutboxMessage.objects.filter(id__gte=first_id)
    pending = ours.filter(status=MessageStatus.PENDING).count()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "DJANGO_EMAIL_USE_TLS": "0",
        "CELERY_TASK_DEFAULT_QUEUE": "civic311-bench",
        "CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS": "0",
        "CIVIC311_LOG_LEVEL": "WARNING",
    }
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = "civic311-bench"
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "civic311",
            "worker",
            "--concurrency",
            "2",
            "-l",
            "warning",
            "-Q",
            "civic311-bench",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        time.sleep(3)  # worker boot
        from django.conf import settings

        settings.CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS = 0
        from civic311.celery import app

        app.conf.task_default_queue = "civic311-bench"
        started = time.perf_counter()
        outbox_sweep(limit=pending)
        deadline = started + 300
        while time.perf_counter() < deadline:
            left = ours.filter(status=MessageStatus.PENDING).count()
            if left == 0:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        connection.close()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        controller.stop()
    sent = ours.filter(status=MessageStatus.SENT).count()
    failed = ours.filter(status=MessageStatus.FAILED).count()
    return {
        "messages": pending,
        "sent": sent,
        "failed": failed,
        "left_pending": ours.filter(status=MessageStatus.PENDING).count(),
        "received_by_sink": Sink.received,
        "seconds": round(elapsed, 2),
        # Sent only: a failed message is not a delivery.
        "messages_per_second": round(sent / elapsed, 1) if elapsed else None,
        "as_before_messages_per_second": round(pending / elapsed, 1) if elapsed else None,
        "as_before_sent_total_all_runs": OutboxMessage.objects.filter(
            status=MessageStatus.SENT, channel="email"
        ).count(),
    }


# Pages of 50 asked for, in turn: enough that no page is asked twice in a row.
PAGES = 40


def page_samples(client: Any, samples: int, *, pages: int) -> dict[str, float]:
    found: list[float] = []
    for n in range(samples + 10):
        started = time.perf_counter()
        response = client.get("/api/v1/queues/streets/", {"limit": 50, "offset": (n % pages) * 50})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:200]
        if n >= 10:
            found.append(elapsed)
    return timings(found)


def residents_for_open_requests(department: Any, *, with_contact: bool) -> None:
    """Give every unclaimed open request in the queue a resident to tell by email, or none."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE intake_servicerequest
               SET requester_email = CASE WHEN %s THEN 'r' || id || '@example.org' ELSE '' END,
                   requester_channel = CASE WHEN %s THEN 'email' ELSE 'none' END
             WHERE department_id = %s AND assignee_id IS NULL
               AND status IN ('new', 'acknowledged', 'in_progress')
            """,
            [with_contact, with_contact, department.pk],
        )


def quiet_sink_logs() -> None:
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()

    url = bench_database_url("bench")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import Role, User
    from core.models import Department
    from work.services import queue_claim_next

    load_at_start = os.getloadavg()[0]
    counts_cache_seconds = settings.CIVIC311_QUEUE_COUNTS_CACHE_SECONDS or 10
    call_command("migrate", verbosity=0)
    call_command("load_demo_city", verbosity=0, stdout=io.StringIO())
    fill(args.rows)
    streets = Department.objects.get(slug="streets")
    staff, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"role": Role.DEPARTMENT_STAFF}
    )
    staff.departments.add(streets)
    client = Client()
    client.force_login(staff)

    page_as_before = page_samples(client, args.samples, pages=5)
    log(f"queue page as before (5 pages asked in turn, counts cache on): {page_as_before}")
    settings.CIVIC311_QUEUE_COUNTS_CACHE_SECONDS = 0
    page_computed = page_samples(client, args.samples, pages=PAGES)
    log(f"queue page, counts computed on every call: {page_computed}")
    settings.CIVIC311_QUEUE_COUNTS_CACHE_SECONDS = counts_cache_seconds
    page_cached = page_samples(client, args.samples, pages=PAGES)
    log(f"queue page, counts from the {counts_cache_seconds} s cache: {page_cached}")

    residents_for_open_requests(streets, with_contact=False)
    claims_as_before: list[float] = []
    for _ in range(args.samples):
        started = time.perf_counter()
        claimed = queue_claim_next(actor=staff, department=streets)
        claims_as_before.append((time.perf_counter() - started) * 1000)
        assert claimed is not None
    log(f"claim-next as before (service function, no resident): {timings(claims_as_before)}")
    residents_for_open_requests(streets, with_contact=True)
    claims: list[float] = []
    for _ in range(args.samples):
        started = time.perf_counter()
        answer = client.post("/api/v1/queues/streets/claim-next/", {}, "application/json")
        claims.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.content[:200]
    log(f"claim-next on the endpoint, a resident to tell: {timings(claims)}")
    response = client.get("/api/v1/queues/streets/", {"limit": 50})

    from intake.models import ServiceRequest

    total = ServiceRequest.objects.count()
    open_in_queue = response.json()["count"]
    quiet_sink_logs()
    delivery = delivery_throughput(args.messages, url)
    log(f"delivery: {delivery}")
    print(
        json.dumps(
            {
                "benchmark": "queue",
                "requests_in_table": total,
                "open_in_streets_queue": open_in_queue,
                "load_average_at_start": load_at_start,
                "queue_page_counts_computed": page_computed,
                "queue_page_counts_cached": page_cached,
                "claim_next_endpoint_with_resident": timings(claims),
                "delivery": delivery,
                # The figures as this benchmark measured them before.
                "as_before": {
                    "queue_page": page_as_before,
                    "claim_next_service_function_no_resident": timings(claims_as_before),
                    "delivery_messages_per_second": delivery["as_before_messages_per_second"],
                },
                "goals": {
                    "queue_page_p95_under_50ms": page_computed["p95_ms"] < 50,
                    "queue_page_cached_p95_under_50ms": page_cached["p95_ms"] < 50,
                    "claim_next_p95_under_50ms": timings(claims)["p95_ms"] < 50,
                    "every_message_delivered": delivery["failed"] == 0
                    and delivery["left_pending"] == 0,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
