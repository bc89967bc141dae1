"""Score a router on history it has not learned from, and say why it missed.

Every row is routed in time order and compared with who really handled it. Beside the
overall accuracy the report separates what the engine could know from what it could not:
requests whose true department never occurred in what it learned (the ceiling for offline
routing), services it never saw, and misses where the true owner was known for the
service but depends on the place or the details of the request.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from routing.bulk import collector_paused
from routing.engine import Router
from routing.features import Features
from routing.history import HistoricalRequest
from routing.model import AreaHit
from routing.rules import TRANSFER_WEIGHT, Rule, RuleSet, moment
from routing.text import has_text, prime

CAUSES = ("unseen department", "unseen service", "location-dependent", "detail-dependent", "other")
_LOCATION_PREFIXES = ("area:", "cell:", "zip", "street", "address")
_DETAIL_FEATURES = frozenset({"subtype", "details", "description"})


def known_owners(rules: RuleSet) -> tuple[set[str], set[str]]:
    """Departments and services the rule set has seen (owner rules, learned or written)."""
    departments: set[str] = set()
    services: set[str] = set()
    for rule in rules.rules:
        if rule.scope != "owner":
            continue
        if rule.source == "manual":
            departments.add(rule.department)
        else:
            departments.update(rule.outcomes)
        if "service" in rule.conditions:
            services.add(rule.conditions["service"])
    return departments, services


@dataclass
class _Tally:
    requests: int = 0
    department_right: int = 0
    unit_rows: int = 0
    unit_right: int = 0
    covered: int = 0
    seen_rows: int = 0
    seen_right: int = 0
    months: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    causes: Counter[str] = field(default_factory=Counter)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)


def evaluate(
    router: Router, history: Sequence[HistoricalRequest], *, online: bool = False
) -> dict[str, Any]:
    """Route every row in time order; `online` reveals each true owner after its decision,
    through the same path as a transfer (a miss) or a closure (a hit)."""
    tally = _Tally()
    started = time.perf_counter()
    with collector_paused():
        _score(router, history, tally, online=online)
    seconds = time.perf_counter() - started
    return _report(tally, online=online, seconds=seconds)


def _score(
    router: Router, history: Sequence[HistoricalRequest], tally: _Tally, *, online: bool
) -> None:
    learned_departments, services = known_owners(router.rules)
    departments = set(learned_departments)
    located = _locate(router, history)
    prime(router.rules.text_model, (r.request for r in history if has_text(r.request)))
    for row, hits in zip(history, located, strict=True):
        features, _ = router.features(row.request, hits)
        owner, fallback = router.owner(row.request, features)
        truth = row.owner
        department_ok = owner.department == truth.department
        unit_ok = department_ok and (not truth.unit or owner.unit == truth.unit)
        tally.requests += 1
        tally.covered += not fallback
        tally.department_right += department_ok
        if truth.unit:
            tally.unit_rows += 1
            tally.unit_right += unit_ok
        if truth.department in learned_departments:
            tally.seen_rows += 1
            tally.seen_right += department_ok
        when = row.request.received_at
        month = tally.months.get((when.year, when.month))
        if month is None:
            month = tally.months[(when.year, when.month)] = [0, 0]
        month[0] += 1
        month[1] += department_ok
        if not department_ok:
            cause = _cause(router.rules, features, truth.department, departments, services)
            tally.causes[cause] += 1
        if not unit_ok:
            tally.confusions[(str(truth), str(owner))] += 1
        if online:
            weight = 1.0 if department_ok else TRANSFER_WEIGHT
            router.rules.record_outcome(
                features,
                department=truth.department,
                unit=truth.unit,
                at=moment(row.request.received_at),
                weight=weight,
            )
            departments.add(truth.department)
            services.add(features.get("service", ""))


def _locate(
    router: Router, history: Sequence[HistoricalRequest]
) -> Sequence[tuple[AreaHit, ...] | None]:
    """Every row's areas in one bulk query (None: let the router look them up)."""
    if router.areas is None:
        return [None] * len(history)
    points = [(r.request.lon, r.request.lat) if r.request.has_location else None for r in history]
    return router.areas.locate_many(points)  # type: ignore[arg-type]


def _cause(
    rules: RuleSet, features: Features, truth: str, departments: set[str], services: set[str]
) -> str:
    if truth not in departments:
        return "unseen department"
    if features.get("service", "") not in services:
        return "unseen service"
    for family in rules.families:
        if family.scope != "owner" or family.features == ("service",):
            continue
        rule = rules.family_rule(family, features)
        if rule is None or not _has(rule, truth):
            continue
        if any(name.startswith(_LOCATION_PREFIXES) for name in family.features):
            return "location-dependent"
        if _DETAIL_FEATURES.intersection(family.features):
            return "detail-dependent"
    return "other"


def _has(rule: Rule, department: str) -> bool:
    return rule.outcomes.get(department, 0.0) > 0


def _ratio(right: int, total: int) -> float | None:
    return round(right / total, 4) if total else None


def _report(tally: _Tally, *, online: bool, seconds: float) -> dict[str, Any]:
    total = tally.requests
    return {
        "requests": total,
        "online": online,
        "department_accuracy": _ratio(tally.department_right, total),
        "unit_accuracy": _ratio(tally.unit_right, tally.unit_rows),
        "unit_rows": tally.unit_rows,
        "coverage": _ratio(tally.covered, total),
        "seen_department_accuracy": _ratio(tally.seen_right, tally.seen_rows),
        "unseen_department_share": _ratio(total - tally.seen_rows, total),
        "by_month": {
            f"{year:04d}-{month:02d}": {"requests": n, "department_accuracy": _ratio(right, n)}
            for (year, month), (n, right) in sorted(tally.months.items())
        },
        "misses_by_cause": {cause: tally.causes.get(cause, 0) for cause in CAUSES},
        "decisions_per_second": round(total / seconds) if seconds else None,
        "top_confusions": [
            {"true": true, "routed": routed, "count": count}
            for (true, routed), count in tally.confusions.most_common(10)
        ],
    }
