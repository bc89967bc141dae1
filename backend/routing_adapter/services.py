"""Changing how the city routes: importing and exporting rule sets, learning from transfers."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import InvalidInput
from intake.models import Service, ServiceRequest
from intake.statuses import Status
from routing.classifier import ServiceClassifier
from routing.history import HistoricalRequest
from routing.learn import learn
from routing.model import Owner, RoutingInput
from routing.rules import TRANSFER_WEIGHT, Rule, RuleSet, moment
from routing_adapter.models import RoutingModel, RoutingRule
from routing_adapter.router import current_router
from routing_adapter.selectors import request_routing_input


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    deactivated: int


def _rule_fields(rule: Rule) -> dict[str, Any]:
    data = rule.as_dict()
    return {
        "scope": rule.scope,
        "conditions": data["when"],
        "department": rule.department,
        "unit": rule.unit,
        "priority": rule.priority,
        "source": rule.source,
        "family": rule.family,
        "outcomes": dict(rule.outcomes),
        "min_support": rule.min_support,
        "min_purity": rule.min_purity,
        "half_life_days": rule.half_life_days,
        "last_outcome_at": (
            datetime.fromtimestamp(rule.last_at, UTC) if rule.last_at is not None else None
        ),
        "note": rule.note,
        "is_active": True,
    }


@transaction.atomic
def routing_rules_import(*, data: Mapping[str, Any], replace: bool = False) -> ImportResult:
    """Load a RULES.json rule set. `replace` deactivates rules the file does not name."""
    try:
        rule_set = RuleSet.from_dict(data)
        classifier = data.get("classifier")
        if classifier:
            ServiceClassifier.from_dict(classifier)
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput.field("rules", f"Not a valid rule set: {exc}") from exc
    created = updated = 0
    for rule in rule_set.rules:
        _, was_created = RoutingRule.objects.update_or_create(
            rule_id=rule.id, defaults=_rule_fields(rule)
        )
        created += was_created
        updated += not was_created
    deactivated = 0
    if replace:
        names = [rule.id for rule in rule_set.rules]
        deactivated = (
            RoutingRule.objects.filter(is_active=True)
            .exclude(rule_id__in=names)
            .update(is_active=False)
        )
    if "families" not in data and "classifier" not in data:
        # Hand-written rules only: keep whatever model was learned before.
        return ImportResult(created=created, updated=updated, deactivated=deactivated)
    RoutingModel.objects.update_or_create(
        name="active",
        defaults={
            "families": [f.as_dict() for f in rule_set.families],
            "cell_sizes": list(rule_set.cell_sizes),
            "classifier": data.get("classifier"),
            "text_model": data.get("text_model"),
            "metadata": rule_set.metadata,
            "proposals": [p.as_dict() for p in rule_set.proposals.values()],
            **({"adopt_after": rule_set.adopt_after} if "adopt_after" in data else {}),
        },
    )
    return ImportResult(created=created, updated=updated, deactivated=deactivated)


def routing_rules_export() -> dict[str, Any]:
    """The active rules and model as RULES.json (default owners come from the catalogue)."""
    model = RoutingModel.objects.filter(name="active").first()
    rules = [r.as_rule() for r in RoutingRule.objects.filter(is_active=True).order_by("id")]
    rule_set = RuleSet(rules, triage_department=current_router().rules.triage_department)
    data = rule_set.as_dict()
    if model is not None:
        data["families"] = model.families
        data["cell_sizes"] = model.cell_sizes
        data["metadata"] = model.metadata
        data["adopt_after"] = model.adopt_after
        data["proposals"] = model.proposals
        if model.classifier:
            data["classifier"] = model.classifier
        data["text_model"] = model.text_model
    return data


def routing_feedback_record(*, service_request: ServiceRequest) -> int:
    """Teach the engine who really owns this request; returns how many rules changed.

    Called when a transfer names the new owner (a strong outcome: someone said "not ours")
    and when a transferred request is resolved (a closure). The engine updates its learned
    rules in memory, fading older outcomes by each rule's half-life, and may propose or
    adopt a new owner; the same rules and proposals are stored so every process (and the
    next start) learns it too.
    """
    router = current_router()
    if not router.rules.families:
        return 0  # no learned model imported: nothing learns, the written rules stand
    request = request_routing_input(service_request)
    department = service_request.department.slug
    unit = service_request.unit.slug if service_request.unit else ""
    weight = 1.0 if service_request.status == Status.RESOLVED else TRANSFER_WEIGHT
    touched = router.record_outcome(request, department=department, unit=unit, weight=weight)
    with transaction.atomic():
        for rule in touched:
            _stored_rule_count(rule, department if rule.scope == "owner" else unit, weight, request)
        RoutingModel.objects.select_for_update().filter(name="active").update(
            proposals=[p.as_dict() for _, p in sorted(router.rules.proposals.items())],
            updated_at=timezone.now(),
        )
    return len(touched)


def _stored_rule_count(rule: Rule, target: str, weight: float, request: RoutingInput) -> None:
    """Count the outcome in the stored row under its lock: other processes learn at the
    same time, so the row, not this process's copy, is the total."""
    stored, created = RoutingRule.objects.select_for_update().get_or_create(
        rule_id=rule.id, defaults=_rule_fields(rule)
    )
    if created:
        return  # stored as this process counted it
    counted = stored.as_rule()
    counted.count(target, at=moment(request.received_at), weight=weight)
    stored.outcomes = counted.as_dict()["outcomes"]
    stored.last_outcome_at = _rule_fields(counted)["last_outcome_at"]
    stored.save(update_fields=["outcomes", "last_outcome_at", "updated_at"])


@dataclass(frozen=True)
class LearnResult:
    requests: int
    learned_rules: int
    classifier: bool


def routing_model_learn(*, since_days: int = 365) -> LearnResult:
    """Relearn the learned rules and the service classifier from the city's own history.

    Each resolved request (and each open one that has been transferred) counts for the
    department and unit that hold it now; rules written by people are left alone.
    """
    since = timezone.now() - timedelta(days=since_days)
    history = [
        HistoricalRequest(
            request_id=r.public_id,
            request=request_routing_input(r),
            owner=Owner(r.department.slug, r.unit.slug if r.unit else ""),
        )
        for r in ServiceRequest.objects.filter(created_at__gte=since)
        .filter(Q(status=Status.RESOLVED) | Q(transfers__isnull=False))
        .distinct()
        .select_related("service", "department", "unit")
        .order_by("created_at", "id")
    ]
    router = current_router()
    catalogue = [
        (" ".join([s.name, s.description, *s.keywords]), s.code)
        for s in Service.objects.filter(is_active=True)
    ]
    learned = learn(
        history,
        areas=router.areas,
        triage_department=router.rules.triage_department,
        cell_sizes=(),
        catalogue_texts=catalogue,
    )
    data = learned.rules.as_dict()
    data["rules"] = [r for r in data["rules"] if r["source"] == "learned"]
    if learned.classifier is not None:
        data["classifier"] = learned.classifier.as_dict()
    with transaction.atomic():
        RoutingRule.objects.filter(source="learned").delete()
        routing_rules_import(data=data)
    return LearnResult(
        requests=len(history),
        learned_rules=len(data["rules"]),
        classifier=learned.classifier is not None,
    )
