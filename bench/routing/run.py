"""Routing benchmark: accuracy on real city history, and decisions per second.

Accuracy: learn on the first 70% (by time) of each city's history file (the folder given by
--data or ROUTING_DATA_DIR, holding history/*.csv and areas/*.geojson),
route the remaining 30% in time order, offline and online (each true owner revealed
after its decision, as a transfer would). Goal for Los Angeles: unit accuracy >= 0.95 and
department accuracy >= 0.99.

Speed: one process, synthetic districts (10 to 10,000 polygons) and 500 rules. Goal:
>= 20,000 decisions/s at 100 polygons, growing sub-linearly in the number of polygons.

Usage: ROUTING_DATA_DIR=DIR python bench/routing/run.py [--data DIR] [--decisions N]
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
from datetime import datetime
from pathlib import Path
from typing import Any

from shapely.geometry import box

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from routing.engine import Router  # noqa: E402
from routing.geo import Area, AreaIndex, load_area_files  # noqa: E402
from routing.history import read_history  # noqa: E402
from routing.learn import evaluate, learn  # noqa: E402
from routing.model import RoutingInput  # noqa: E402
from routing.rules import Rule, RuleSet  # noqa: E402

CITIES = {
    "la": ("la-2017.csv", ["la-neighborhood-councils.geojson", "la-council-districts.geojson"]),
    "nyc": ("nyc-2011-2023.csv", ["nyc-boroughs.geojson", "nyc-community-districts.geojson"]),
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def accuracy(data: Path, city: str) -> dict[str, Any]:
    history_file, area_files = CITIES[city]
    history = read_history(data / "history" / history_file)
    areas = AreaIndex(load_area_files(data / "areas" / name for name in area_files))
    split = int(len(history) * 0.7)
    train, test = history[:split], history[split:]
    started = time.perf_counter()
    learned = learn(train, areas=areas, triage_department="311")
    learn_seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "train": len(train),
        "test": len(test),
        "rules": len(learned.rules),
        "learn_seconds": round(learn_seconds, 2),
    }
    for mode in ("offline", "online"):
        # Online learning changes the rule set: start each mode from the same learned state.
        fresh = learn(train, areas=areas, triage_department="311") if mode == "online" else learned
        router = Router(fresh.rules, areas=areas, classifier=fresh.classifier)
        scores = evaluate(router, test, online=mode == "online")
        result[mode] = {
            key: scores[key]
            for key in ("department_accuracy", "unit_accuracy", "coverage", "decisions_per_second")
        }
        result[mode]["top_confusions"] = scores["top_confusions"][:3]
        log(f"{city} {mode}: {json.dumps(result[mode])}")
    return result


def synthetic_router(polygons: int, rule_count: int = 500) -> tuple[Router, list[RoutingInput]]:
    side = max(1, round(polygons**0.5))
    size = 0.2 / side  # a 0.2-degree city, about 20 km across
    districts = [
        Area("district", f"d{i}-{j}", box(i * size, j * size, (i + 1) * size, (j + 1) * size))
        for i in range(side)
        for j in range(side)
    ][:polygons]
    services = [f"service-{n}" for n in range(50)]
    departments = [f"department-{n}" for n in range(10)]
    rules = [
        Rule.from_dict({"id": s, "when": {"service": s}, "department": departments[n % 10]})
        for n, s in enumerate(services)
    ]
    for n in range(rule_count - len(rules)):
        district = districts[n % len(districts)]
        department = departments[(n // len(districts)) % len(departments)]
        rules.append(
            Rule.from_dict(
                {
                    "id": f"unit-{n}",
                    "scope": "unit",
                    "when": {"department": department, "area:district": district.name},
                    "department": department,
                    "unit": f"unit-{n % 7}",
                }
            )
        )
    router = Router(RuleSet(rules, triage_department="311"), areas=AreaIndex(districts))
    rng = random.Random(311)
    when = datetime.fromisoformat("2026-11-23T10:00:00-06:00")
    requests = [
        RoutingInput(
            received_at=when,
            service=rng.choice(services),
            lat=rng.uniform(0, side * size),
            lon=rng.uniform(0, side * size),
            address=f"{rng.randint(1, 9999)} Main St, 6060{rng.randint(0, 9)}",
        )
        for _ in range(2000)
    ]
    return router, requests


def speed(decisions: int) -> dict[str, Any]:
    result = {}
    for polygons in (10, 100, 1_000, 10_000):
        router, requests = synthetic_router(polygons)
        for r in requests[:200]:  # warm caches
            router.route(r)
        started = time.perf_counter()
        for n in range(decisions):
            router.route(requests[n % len(requests)])
        rate = decisions / (time.perf_counter() - started)
        result[str(polygons)] = round(rate)
        log(f"{polygons} polygons, 500 rules: {rate:,.0f} decisions/s")
    return result


def backend_latency(samples: int = 1000) -> dict[str, Any]:
    """What routing adds to an intake POST: route_request on the demo city, in milliseconds."""
    import os

    import django

    sys.path.insert(0, str(ROOT / "backend"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    django.setup()
    from django.contrib.gis.geos import Point
    from django.core.management import call_command
    from django.utils import timezone

    from intake.models import Service, ServiceRequest
    from routing_adapter.selectors import route_request

    call_command("load_demo_city", verbosity=0, stdout=io.StringIO())
    services = list(Service.objects.filter(is_active=True))
    rng = random.Random(7)
    timings = []
    for n in range(samples + 50):
        point = Point(rng.uniform(-89.48, -89.32), rng.uniform(43.03, 43.12), srid=4326)
        unsaved = ServiceRequest(
            service=services[n % len(services)], location=point, created_at=timezone.now()
        )
        started = time.perf_counter()
        route_request(service_request=unsaved)
        if n >= 50:  # the first calls build the router
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    result = {
        "samples": samples,
        "p50_ms": round(timings[len(timings) // 2], 3),
        "p95_ms": round(timings[int(len(timings) * 0.95)], 3),
        "p99_ms": round(timings[int(len(timings) * 0.99)], 3),
    }
    log(f"route_request in the backend: {json.dumps(result)}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    default = os.environ.get("ROUTING_DATA_DIR")
    parser.add_argument("--data", type=Path, default=Path(default) if default else None)
    parser.add_argument("--decisions", type=int, default=50_000)
    args = parser.parse_args()
    result: dict[str, Any] = {"benchmark": "routing"}
    if args.data is not None and (args.data / "history").is_dir():
        for city in CITIES:
            result[city] = accuracy(args.data, city)
    else:
        result["accuracy_skipped"] = "set ROUTING_DATA_DIR to a folder with history/ and areas/"
    result["decisions_per_second_by_polygons"] = speed(args.decisions)
    if os.environ.get("DATABASE_URL"):
        result["backend_route_request"] = backend_latency()
    else:
        result["backend_route_request"] = "skipped: no DATABASE_URL (run through make bench)"
    goals: dict[str, bool] = {
        "20k_decisions_per_second_at_100_polygons": result["decisions_per_second_by_polygons"][
            "100"
        ]
        >= 20_000,
    }
    if "la" in result:
        la = result["la"]["offline"]
        goals["la_unit_accuracy_0.95"] = (la["unit_accuracy"] or 0) >= 0.95
        goals["la_department_accuracy_0.99"] = (la["department_accuracy"] or 0) >= 0.99
    result["goals"] = goals
    backend = result["backend_route_request"]
    if isinstance(backend, dict):
        result["goals"]["route_request_p95_at_most_2ms"] = backend["p95_ms"] <= 2.0
    print(json.dumps(result))


if __name__ == "__main__":
    main()
