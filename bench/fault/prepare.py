"""Gets the fault run's private database ready: migrated, the demo city's catalogue, departments
and areas (no requests, no QA month), one Open311 API key, and Open311 POST bodies for every
active service (its required attributes answered, a point inside the city limits).

Run as a child process with DATABASE_URL and REDIS_URL of the private stack; prints one JSON
object: {"api_key": ..., "bodies": [...]}.
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")

import django  # noqa: E402

django.setup()

from django.contrib.gis.geos import Point  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Area  # noqa: E402
from demo.services import demo_city_load  # noqa: E402
from intake.models import Service  # noqa: E402
from open311.services import api_key_issue  # noqa: E402

BODIES = 50  # distinct shapes; each attempt adds its own device id and email


def _answer(attribute: Any, rng: random.Random) -> tuple[str, Any]:
    keys = [v["key"] for v in attribute.values if isinstance(v, dict)]
    if attribute.datatype == "multivaluelist":
        return f"attribute[{attribute.code}][]", keys[:1]
    if keys:
        return f"attribute[{attribute.code}]", rng.choice(keys)
    if attribute.datatype == "number":
        return f"attribute[{attribute.code}]", "2"
    if attribute.datatype == "datetime":
        return f"attribute[{attribute.code}]", "2026-12-01T10:00:00-06:00"
    return f"attribute[{attribute.code}]", "fault"


def bodies() -> list[dict[str, Any]]:
    rng = random.Random(13)
    limits = Area.objects.get(kind="city-limits").geometry
    min_lon, min_lat, max_lon, max_lat = limits.extent
    services = list(Service.objects.filter(is_active=True).prefetch_related("attributes"))
    made: list[dict[str, Any]] = []
    for _ in range(BODIES * 20):  # bounded: most points of the box are inside the city
        if len(made) == BODIES:
            break
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if not limits.contains(Point(lon, lat, srid=4326)):
            continue
        service = rng.choice(services)
        body: dict[str, Any] = {
            "service_code": service.code,
            "lat": f"{lat:.6f}",
            "long": f"{lon:.6f}",
        }
        body.update(_answer(a, rng) for a in service.attributes.all() if a.required)
        made.append(body)
    return made


def main() -> None:
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    demo_city_load(year=timezone.localdate().year)
    issued = api_key_issue(name="fault run")
    print(json.dumps({"api_key": issued.key, "bodies": bodies()}))


if __name__ == "__main__":
    main()
