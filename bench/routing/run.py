"""Routing benchmark: accuracy on real city history, and decisions per second.

Accuracy: learn on the first 70% (by time) of each city's history file (the folder given by
--data or ROUTING_DATA_DIR, holding history/*.csv and areas/*.geojson),
route the remaining 30% in time order, offline and online (each true owner revealed
after its decision, as a transfer would). Goal for Los Angeles: unit accuracy >= 0.95 and
department accuracy >= 0.99.

Speed: one process, 500 rules, decisions per second on three kinds of geography:
- `boxes` (the old figure, kept for comparison): square districts on the index's own grid,
  a best case, since every lookup finds one candidate whose bounding box is the polygon;
- `real`: each city's real polygons (../shared/data/areas), points drawn over the city's
  extent, so lookups meet ragged coastlines, holes, many candidates and misses;
- `irregular`: Voronoi districts around random seeds clipped to the city (10 to 10,000),
  for counts no real file has.
End to end (issue 17): `evaluate` on each whole history file, reading the CSV, features,
area lookup, routing and scoring, in rows per CPU second (the machine may be shared).
Goals: >= 20,000 decisions/s at 100 polygons on the honest geographies, and >= 20,000
rows/s end to end.

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

from shapely import voronoi_polygons
from shapely.geometry import MultiPoint, Point, box

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from routing.engine import Router  # noqa: E402
from routing.geo import Area, AreaIndex, load_area_files  # noqa: E402
from routing.history import read_history  # noqa: E402
from routing.learn import evaluate, learn  # noqa: E402
from routing.model import RoutingInput  # noqa: E402
from routing.rules import Rule, RuleSet  # noqa: E402

CITIES = {
    "sf": ("sf-2008-2012.csv", ["sf-neighborhoods.geojson"]),
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
            for key in (
                "department_accuracy",
                "unit_accuracy",
                "coverage",
                "seen_department_accuracy",
                "unseen_department_share",
                "misses_by_cause",
                "decisions_per_second",
            )
        }
        result[mode]["top_confusions"] = scores["top_confusions"][:3]
        log(f"{city} {mode}: {json.dumps(result[mode])}")
    return result


def box_districts(polygons: int) -> tuple[list[Area], tuple[float, float, float, float]]:
    side = max(1, round(polygons**0.5))
    size = 0.2 / side  # a 0.2-degree city, about 20 km across
    districts = [
        Area("district", f"d{i}-{j}", box(i * size, j * size, (i + 1) * size, (j + 1) * size))
        for i in range(side)
        for j in range(side)
    ][:polygons]
    return districts, (0.0, 0.0, side * size, side * size)


def irregular_districts(polygons: int) -> tuple[list[Area], tuple[float, float, float, float]]:
    """Voronoi cells around random seeds, clipped to a ragged city outline."""
    rng = random.Random(polygons)
    outline = Point(0.1, 0.1).buffer(0.1, quad_segs=4).union(box(0.1, 0.0, 0.2, 0.12))
    seeds = MultiPoint([(rng.uniform(0, 0.2), rng.uniform(0, 0.2)) for _ in range(polygons)])
    cells = [
        c.intersection(outline)
        for c in voronoi_polygons(seeds, extend_to=box(0, 0, 0.2, 0.2)).geoms
    ]
    districts = [Area("district", f"v{n}", c) for n, c in enumerate(cells) if not c.is_empty]
    return districts, (0.0, 0.0, 0.2, 0.2)


def real_districts(data: Path, city: str) -> tuple[list[Area], tuple[float, float, float, float]]:
    """The finest real polygon file of a city, one kind renamed `district`."""
    name = CITIES[city][1][0]
    areas = [Area("district", a.name, a.geometry) for a in load_area_files([data / "areas" / name])]
    x0 = min(a.geometry.bounds[0] for a in areas)
    y0 = min(a.geometry.bounds[1] for a in areas)
    x1 = max(a.geometry.bounds[2] for a in areas)
    y1 = max(a.geometry.bounds[3] for a in areas)
    return areas, (x0, y0, x1, y1)


def synthetic_router(
    polygons: int,
    rule_count: int = 500,
    geography: tuple[list[Area], tuple[float, float, float, float]] | None = None,
) -> tuple[Router, list[RoutingInput]]:
    districts, (x0, y0, x1, y1) = geography or box_districts(polygons)
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
            lat=rng.uniform(y0, y1),
            lon=rng.uniform(x0, x1),
            address=f"{rng.randint(1, 9999)} Main St, 6060{rng.randint(0, 9)}",
        )
        for _ in range(2000)
    ]
    return router, requests


def _rate(router: Router, requests: list[RoutingInput], decisions: int) -> int:
    for r in requests[:200]:  # warm caches
        router.route(r)
    started = time.process_time()
    for n in range(decisions):
        router.route(requests[n % len(requests)])
    return round(decisions / max(time.process_time() - started, 1e-9))


def speed(decisions: int, data: Path | None) -> dict[str, Any]:
    """Decisions per CPU second by geography and number of polygons."""
    result: dict[str, dict[str, int]] = {"boxes": {}, "irregular": {}, "real": {}}
    for polygons in (10, 100, 1_000, 10_000):
        for kind, make in (("boxes", box_districts), ("irregular", irregular_districts)):
            geography = make(polygons)
            rate = _rate(*synthetic_router(polygons, geography=geography), decisions)
            result[kind][str(polygons)] = rate
            log(f"{kind}, {polygons} polygons, 500 rules: {rate:,} decisions/s")
    for city in CITIES if data is not None else ():
        assert data is not None
        geography = real_districts(data, city)
        label = f"{city} ({len(geography[0])} polygons)"
        rate = _rate(*synthetic_router(len(geography[0]), geography=geography), decisions)
        result["real"][label] = rate
        log(f"real {label}, 500 rules: {rate:,} decisions/s")
    return result


def end_to_end(data: Path, city: str) -> dict[str, Any]:
    """`python -m routing evaluate` on a whole history file (reading the CSV included), in
    rows per CPU second of this process (one core)."""
    history_file, area_files = CITIES[city]
    areas = AreaIndex(load_area_files(data / "areas" / name for name in area_files))
    learned = learn(read_history(data / "history" / history_file), areas=areas)
    router = Router(learned.rules, areas=areas, classifier=learned.classifier)
    started = time.process_time()
    history = read_history(data / "history" / history_file)
    evaluate(router, history)
    seconds = max(time.process_time() - started, 1e-9)
    result = {
        "rows": len(history),
        "rows_per_second": round(len(history) / seconds),
        # The machine may be shared: CPU time of this one process, beside the load it saw.
        "load_average": round(os.getloadavg()[0], 2),
    }
    log(f"{city} end to end: {json.dumps(result)}")
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
    data = args.data if args.data is not None and (args.data / "areas").is_dir() else None
    speeds = speed(args.decisions, data)
    # The old figure, under its old name: square boxes on the index's own grid.
    result["decisions_per_second_by_polygons"] = speeds["boxes"]
    result["decisions_per_second_irregular"] = speeds["irregular"]
    result["decisions_per_second_real_polygons"] = speeds["real"]
    if data is not None:
        result["end_to_end_rows_per_second"] = {city: end_to_end(data, city) for city in CITIES}
    if os.environ.get("DATABASE_URL"):
        result["backend_route_request"] = backend_latency()
    else:
        result["backend_route_request"] = "skipped: no DATABASE_URL (run through make bench)"
    goals: dict[str, bool] = {
        "20k_decisions_per_second_at_100_polygons": result["decisions_per_second_by_polygons"][
            "100"
        ]
        >= 20_000,
        "20k_decisions_per_second_at_100_irregular_polygons": speeds["irregular"]["100"] >= 20_000,
    }
    if speeds["real"]:
        goals["20k_decisions_per_second_on_real_polygons"] = min(speeds["real"].values()) >= 20_000
    if "end_to_end_rows_per_second" in result:
        goals["20k_rows_per_second_end_to_end"] = all(
            r["rows_per_second"] >= 20_000 for r in result["end_to_end_rows_per_second"].values()
        )
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
