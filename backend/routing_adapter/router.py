"""One routing engine per process, built from the database and rebuilt when its inputs change."""

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from shapely import wkb

from core.models import Area
from intake.models import Service
from routing.classifier import ServiceClassifier
from routing.engine import Router
from routing.geo import Area as EngineArea
from routing.geo import AreaIndex
from routing.rules import Family, Rule, RuleSet
from routing_adapter.models import RoutingModel, RoutingRule

# The service's default department is the baseline: learned rules (priority 100 and up)
# and rules written by people (1000) both come before it.
DEFAULT_OWNER_PRIORITY = 50

_FINGERPRINT_SQL = """
SELECT
  (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(updated_at)::text, '')
     FROM routing_adapter_routingrule WHERE is_active),
  (SELECT count(*) || ':' || coalesce(max(id), 0) FROM core_area),
  (SELECT md5(coalesce(string_agg(code || ':' || coalesce(default_department_id, 0)
                                  || ':' || is_active::text, ',' ORDER BY id), ''))
     FROM intake_service),
  (SELECT coalesce(max(updated_at)::text, '') FROM routing_adapter_routingmodel)
"""


# A geometry edited in place changes no count or id: rebuild at least this often anyway.
MAX_AGE_SECONDS = 300


@dataclass
class _Cached:
    fingerprint: tuple[str, ...]
    router: Router
    checked_at: float
    built_at: float


_lock = threading.Lock()
_cached: _Cached | None = None


def _fingerprint() -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL)
        row = cursor.fetchone()
    return tuple(str(v) for v in row) if row else ()


def _default_owner_rules() -> list[Rule]:
    rules = []
    services = Service.objects.filter(is_active=True, default_department__isnull=False)
    for code, department in services.values_list("code", "default_department__slug"):
        rules.append(
            Rule.from_dict(
                {
                    "id": f"service-default:{code}",
                    "when": {"service": code},
                    "department": department,
                    "priority": DEFAULT_OWNER_PRIORITY,
                    "note": "the service's default department in the catalogue",
                }
            )
        )
    return rules


def _areas() -> AreaIndex:
    areas = [
        EngineArea(kind=kind, name=name, geometry=wkb.loads(bytes(geometry.wkb)), agency=agency)
        for kind, name, geometry, agency in Area.objects.values_list(
            "kind", "name", "geometry", "agency"
        )
    ]
    return AreaIndex(areas, tolerance_m=settings.CIVIC311_ROUTING_TOLERANCE_M)


def build_router() -> Router:
    model = RoutingModel.objects.filter(name="active").first()
    rules = [r.as_rule() for r in RoutingRule.objects.filter(is_active=True)]
    families = [
        Family(**{**f, "features": tuple(f["features"])}) for f in (model.families if model else [])
    ]
    rule_set = RuleSet(
        [*rules, *_default_owner_rules()],
        triage_department=settings.CIVIC311_TRIAGE_DEPARTMENT,
        families=families,
        cell_sizes=(model.cell_sizes if model else []),
    )
    classifier = (
        ServiceClassifier.from_dict(model.classifier) if model and model.classifier else None
    )
    return Router(rule_set, areas=_areas(), classifier=classifier)


def current_router() -> Router:
    """The process's router, rebuilt when rules, areas, services or the model have changed."""
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - cached.checked_at < settings.CIVIC311_ROUTING_REFRESH_SECONDS:
        return cached.router
    fingerprint = _fingerprint()
    fresh = cached is not None and now - cached.built_at < MAX_AGE_SECONDS
    if cached is not None and fresh and cached.fingerprint == fingerprint:
        cached.checked_at = now
        return cached.router
    with _lock:
        router = build_router()
        _cached = _Cached(fingerprint=fingerprint, router=router, checked_at=now, built_at=now)
    return router


def forget_router() -> None:
    global _cached
    _cached = None
