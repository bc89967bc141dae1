"""Staff console benchmark: server time of the queue page, the request page and the caller
lookup (HTML, as a browser gets them) with 1,000,000 requests in the table.

It reuses bench/queue's database (the stack's database name + "_bench", 1,000,000 requests
over two years, filled once), gives those requests callers once (names, phone numbers in
mixed formats, emails, addresses) and then VACUUM ANALYZE (autovacuum's state on a city's
table, not the state right after a bulk update), and gives the request pages it opens a
timeline of six events each (routed with its explanation, acknowledged, notes, a status
change), as real requests have.

Pages are requested in-process through Django's test client with DEBUG off (as served), so
the time is the server's: middleware, queries, templates; no network. Every request in a run
is distinct (queue pages across 40 pages and every sort, request pages never twice, lookups
never twice). Reported apart:
- "warm": the app's caches as in service (queue counts 10 s, queue filter form 60 s);
- "cold": those caches emptied before each request (the first viewer after they expire);
- "first": the first request of each page type in this process, started as served (Django set
  up, then civic311.warmup as the WSGI module runs it; "start_up" gives both, wall time).
Wall time (p50/p95/max) is what a user waits; on a shared machine it includes waiting for a
core, so the CPU time this process spent per request (p50/p95) and the load average at the
start and the end of the run are given beside it, and the queries per page.
Target (issue 15): p95 <= 100 ms server time for each page.

Usage: python bench/console/run.py [--rows 1000000] [--samples 200]
Needs the local stack (DATABASE_URL, REDIS_URL): run it through `make bench`.
Prints progress on stderr and one JSON object on the last line of stdout.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]

from bench.databases import bench_database_url, ensure_database  # noqa: E402
from bench.queue.run import fill, log, timings  # noqa: E402

SURNAMES = [
    "Garcia",
    "Smith",
    "Johnson",
    "Nguyen",
    "Okafor",
    "Kowalski",
    "Haddad",
    "Larsen",
    "Moreno",
    "Schmidt",
    "Tanaka",
    "Ivanova",
    "Brown",
    "Singh",
    "Murphy",
    "Rossi",
]
GIVEN = ["Maria", "James", "Aisha", "Wei", "Olga", "Pedro", "Fatima", "John", "Ines", "Tom"]
# Every caller gets a number; the format varies as residents and agents typed them.
CONTACTS_SQL = """
UPDATE intake_servicerequest SET
    requester_first_name = (%(given)s::text[])[1 + (id %% %(n_given)s)],
    requester_last_name = (%(surnames)s::text[])[1 + ((id / 7) %% %(n_surnames)s)]
        || CASE WHEN id %% 3 = 0 THEN '' ELSE '-' || (id %% 997)::text END,
    requester_phone = CASE id %% 3
        WHEN 0 THEN '+1608' || lpad((id %% 9000000 + 1000000)::text, 7, '0')
        WHEN 1 THEN '(608) ' || substr(lpad((id %% 9000000 + 1000000)::text, 7, '0'), 1, 3)
                    || '-' || substr(lpad((id %% 9000000 + 1000000)::text, 7, '0'), 4, 4)
        ELSE '608.' || substr(lpad((id %% 9000000 + 1000000)::text, 7, '0'), 1, 3)
                    || '.' || substr(lpad((id %% 9000000 + 1000000)::text, 7, '0'), 4, 4) END,
    requester_email = 'caller' || id || '@example.org',
    address = (1 + id %% 4999)::text || ' ' || (ARRAY['Main St', 'Oak Ave', 'Elm St',
        'Lake Rd', 'Park Ave', 'Mill St', 'River Rd', 'Hill St'])[1 + (id / 11) %% 8]
WHERE routing_rule = 'bench' AND requester_phone = ''
"""


def give_callers() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM intake_servicerequest "
            "WHERE routing_rule = 'bench' AND requester_phone = ''"
        )
        (missing,) = cursor.fetchone() or (0,)
        if not missing:
            log("reusing the synthetic callers")
            return
        log(f"giving {missing:,} synthetic requests a caller (once; reused by later runs)")
        started = time.perf_counter()
        cursor.execute(
            CONTACTS_SQL,
            {
                "given": GIVEN,
                "n_given": len(GIVEN),
                "surnames": SURNAMES,
                "n_surnames": len(SURNAMES),
            },
        )
        log(f"callers written in {time.perf_counter() - started:.0f} s")
    vacuum()


def vacuum() -> None:
    """What autovacuum keeps a city's table like: statistics current, the visibility map set
    (index-only scans), the dead rows of the bulk update gone."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'intake_servicerequest'"
        )
        (dead,) = cursor.fetchone() or (0,)
        if dead > 10_000:
            log(f"VACUUM ANALYZE ({dead:,} dead rows)")
            cursor.execute("VACUUM ANALYZE intake_servicerequest")


TIMELINE_SQL = """
INSERT INTO intake_requestevent (request_id, kind, at, actor_id, public, note, data)
SELECT r.id, e.kind, r.created_at + e.after, NULL, e.public, e.note, e.data::jsonb
FROM intake_servicerequest r
CROSS JOIN (VALUES
    ('created', interval '0', true, '', '{}'),
    ('routed', interval '1 second', false, '',
     '{"rule": "bench", "explanation": "Service default department (Streets and Roads)",
       "confidence": 0.92, "areas": ["district-3"]}'),
    ('acknowledged', interval '2 hours', true, 'We have your report.', '{}'),
    ('note', interval '1 day', false, 'Crew scheduled for Thursday.', '{}'),
    ('note', interval '2 days', true, 'Thank you for waiting; the crew is on its way.', '{}'),
    ('status_changed', interval '3 days', true, '',
     '{"from": "acknowledged", "to": "in_progress"}')
) AS e(kind, after, public, note, data)
WHERE r.public_id = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM intake_requestevent x WHERE x.request_id = r.id)
"""


def give_timelines(public_ids: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(TIMELINE_SQL, [public_ids])
        if cursor.rowcount:
            log(f"gave {cursor.rowcount // 6} request pages a timeline of six events")


@dataclass
class Page:
    """One page type's samples: wall and CPU time of this (server) process per request."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        return {**timings(self.wall), "cpu": timings(self.cpu), "samples": len(self.wall)}


def fetch(client: Any, path: str, page: Page) -> None:
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    spent = (time.process_time() - started_cpu) * 1000
    assert response.status_code == 200, (path, response.status_code)
    page.wall.append(elapsed)
    page.cpu.append(spent)


def measure(client: Any, paths: list[str], *, forget: Callable[[str], None]) -> dict[str, Any]:
    """First request, then each path once warm (caches as in service) and, alternating so
    load swings hit both alike, each of a second set once cold (the caches forgotten)."""
    first, warm, cold = Page(), Page(), Page()
    fetch(client, paths[0], first)
    half = (len(paths) - 1) // 2
    for warm_path, cold_path in zip(paths[1 : 1 + half], paths[1 + half :], strict=False):
        fetch(client, warm_path, warm)
        forget(cold_path)
        fetch(client, cold_path, cold)
    return {"warm": warm.report(), "cold": cold.report(), "first_ms": round(first.wall[0], 2)}


def queries_of(client: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries.captured_queries)


def lookups(rng: random.Random, ids: list[int], count: int) -> list[str]:
    """Distinct queries: phone numbers typed differently from how they were stored, given
    name and surname, emails, references."""
    queries: dict[str, None] = {}
    n = 0
    while len(queries) < count and n < count * 10:
        pk = rng.choice(ids)
        digits = f"{pk % 9000000 + 1000000:07d}"
        kind = n % 4
        n += 1
        if kind == 0:
            queries[f"608 {digits[:3]} {digits[3:]}"] = None
        elif kind == 1:
            queries[f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}-{pk % 997}"] = None
        elif kind == 2:
            queries[f"CALLER{pk}@example.org"] = None
        else:
            queries[f"b-{pk:08d}"] = None
    return [f"/staff/calls/?{urlencode({'q': q})}" for q in queries]


def bare_surnames() -> list[str]:
    """Each synthetic surname is shared by 1 in 16 callers (62,500 requests), far more than
    any real one, and its first letters as an agent types them."""
    typed = [*SURNAMES, *(s[:3] for s in SURNAMES), *(s[:5] for s in SURNAMES)]
    return [f"/staff/calls/?{urlencode({'q': q})}" for q in dict.fromkeys(typed)]


def queue_paths(count: int) -> list[str]:
    sorts = ["due", "priority", "newest", "oldest"]
    paths = [
        f"/staff/queues/streets/?{urlencode({'sort': sorts[n % 4], 'page': 1 + n // 4 % 40})}"
        for n in range(count)
    ]
    return list(dict.fromkeys(paths))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()

    url = bench_database_url("bench")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "0"  # as served: no query log, no debug pages
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django

    # Started as served: as the WSGI module does, Django set up, then warmed up.
    started = time.perf_counter()
    django.setup()
    from civic311.warmup import warm_up

    set_up = time.perf_counter()
    warm_up()
    start_up = {
        "set_up_ms": round((set_up - started) * 1000, 1),
        "warm_up_ms": round((time.perf_counter() - set_up) * 1000, 1),
    }
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key
    from django.core.management import call_command
    from django.db.models import Max, Min
    from django.test import Client

    from accounts.models import Role, User
    from core.models import Department
    from intake.models import ServiceRequest
    from intake.statuses import OPEN_STATUSES

    call_command("migrate", verbosity=0)
    call_command("load_demo_city", verbosity=0, stdout=io.StringIO())
    fill(args.rows)
    give_callers()
    streets = Department.objects.get(slug="streets")
    staff, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"role": Role.DEPARTMENT_STAFF}
    )
    staff.departments.add(streets)
    agent, _ = User.objects.get_or_create(username="bench-agent", defaults={"role": Role.AGENT})
    rng = random.Random(15)
    n = 2 * args.samples + 1  # the first request, then warm and cold samples
    open_refs = list(
        ServiceRequest.objects.filter(department=streets, status__in=OPEN_STATUSES)
        .order_by("-id")
        .values_list("public_id", flat=True)[: 4 * n]
    )
    request_refs = rng.sample(open_refs, n)
    give_timelines(request_refs)
    # The synthetic requests' ids are one run of numbers (one INSERT); no ORDER BY random().
    bench_ids = ServiceRequest.objects.filter(routing_rule="bench").aggregate(
        low=Min("id"), high=Max("id")
    )
    ids = rng.sample(range(bench_ids["low"], bench_ids["high"] + 1), 5000)
    load_at_start = os.getloadavg()

    def forget_queue(path: str) -> None:
        query = path.partition("?")[2].split("&")
        filters = "&".join(q for q in query if not q.startswith("page="))
        cache.delete_many(
            [
                f"queue-counts:{streets.pk}:-",
                make_template_fragment_key("staff-queue-filters", [streets.pk, "en", filters]),
            ]
        )

    def nothing_cached(path: str) -> None:
        """The request page and the lookup cache nothing of their own."""

    client = Client()
    client.force_login(staff)
    queue = measure(client, queue_paths(n), forget=forget_queue)
    log(f"queue page: {queue}")
    request_page = measure(
        client, [f"/staff/requests/{ref}/" for ref in request_refs], forget=nothing_cached
    )
    log(f"request page: {request_page}")
    queue_queries = queries_of(client, "/staff/queues/streets/?page=2")
    request_queries = queries_of(client, f"/staff/requests/{request_refs[0]}/")

    client.force_login(agent)
    lookup = measure(client, lookups(rng, ids, n), forget=nothing_cached)
    log(f"caller lookup: {lookup}")
    # A bare common surname and its first letters, reported apart (the worst case).
    bare = Page()
    for path in bare_surnames():
        fetch(client, path, bare)
    log(f"caller lookup by a bare common surname or its first letters: {bare.report()}")
    lookup_queries = queries_of(client, "/staff/calls/?q=Garcia")
    load_at_end = os.getloadavg()

    def p95_ok(page: dict[str, Any]) -> bool:
        return bool(page["warm"]["p95_ms"] <= 100)

    print(
        json.dumps(
            {
                "benchmark": "console",
                "requests_in_table": ServiceRequest.objects.count(),
                "start_up": start_up,
                "debug": False,
                "queue_page": queue,
                "request_page": request_page,
                "caller_lookup": lookup,
                "caller_lookup_bare_common_surname": bare.report(),
                "queries_per_page": {
                    "queue_page": queue_queries,
                    "request_page": request_queries,
                    "caller_lookup_common_surname": lookup_queries,
                },
                "load_average_at_start": [round(x, 2) for x in load_at_start],
                "load_average_at_end": [round(x, 2) for x in load_at_end],
                "goals": {
                    "queue_page_p95_at_most_100ms": p95_ok(queue),
                    "request_page_p95_at_most_100ms": p95_ok(request_page),
                    "caller_lookup_p95_at_most_100ms": p95_ok(lookup),
                    "bare_surname_lookup_p95_at_most_100ms": bare.report()["p95_ms"] <= 100,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
