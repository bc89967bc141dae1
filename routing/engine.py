"""The router: a request in, one owner out, with its reasons. Never unrouted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from routing.calendar import TargetUnit, WorkingCalendar
from routing.classifier import ServiceClassifier
from routing.features import BusinessHours, FeatureExtractor, Features
from routing.geo import AreaIndex
from routing.model import (
    Alternative,
    AreaHit,
    Decision,
    Owner,
    RoutingInput,
    ServiceSuggestion,
)
from routing.rules import Match, Rule, RuleSet, moment

# The rule id of a decision no rule made: the triage desk finds the owner.
FALLBACK_RULE_ID = "fallback:triage"


@dataclass(frozen=True, slots=True)
class ServiceTarget:
    value: float
    unit: TargetUnit


@dataclass
class Router:
    rules: RuleSet
    areas: AreaIndex | None = None
    classifier: ServiceClassifier | None = None
    hours: BusinessHours = field(default_factory=BusinessHours)
    # Promised dates: the service-level target on the owning department's calendar.
    targets: Mapping[str, ServiceTarget] = field(default_factory=dict)
    calendar_for: Callable[[str], WorkingCalendar | None] = lambda _department: None

    def __post_init__(self) -> None:
        self.extractor = FeatureExtractor(
            areas=self.areas,
            cell_sizes=self.rules.cell_sizes,
            hours=self.hours,
            text=self.rules.text_model,
        )

    def features(
        self, request: RoutingInput, located: tuple[AreaHit, ...] | None = None
    ) -> tuple[Features, tuple[AreaHit, ...]]:
        return self.extractor.extract(request, located)

    def owner(self, request: RoutingInput, features: Features) -> tuple[Owner, bool]:
        """The owner `decide` would name and whether it is the triage fallback, without the
        reasons, alternatives and promised date: for scoring history in bulk."""
        at = moment(request.received_at)
        found = self.rules.first_target("owner", features, at=at)
        if found is None:
            return Owner(self.rules.triage_department), True
        rule, department = found
        unit = rule.unit if rule.source == "manual" else ""
        if not unit:
            unit_found = self.rules.first_target("unit", features, department=department, at=at)
            unit = unit_found[1] if unit_found is not None else ""
        return Owner(department, unit), False

    def route(self, request: RoutingInput, *, exclude: Iterable[str] = ()) -> Decision:
        """Decide the owner; `exclude` lists departments that have declined this request."""
        features, hits = self.extractor.extract(request)
        return self.decide(request, features, hits, exclude=frozenset(exclude))

    def decide(
        self,
        request: RoutingInput,
        features: Features,
        hits: tuple[AreaHit, ...],
        *,
        exclude: frozenset[str] = frozenset(),
    ) -> Decision:
        reasons: list[str] = []
        suggestions = self._suggest(request)
        at = moment(request.received_at)
        owner_match, later = self.rules.first("owner", features, exclude=exclude, at=at)
        if owner_match is None:
            return self._fallback(request, hits, suggestions, exclude)
        department = owner_match.target
        reasons.append(_reason(owner_match, "department", department, at))
        unit = owner_match.rule.unit if owner_match.rule.source == "manual" else ""
        unit_rule_id = ""
        confidence = owner_match.share
        if not unit:
            unit_match, _ = self.rules.first("unit", features, department=department, at=at)
            if unit_match is not None:
                unit = unit_match.target
                unit_rule_id = unit_match.rule.id
                confidence *= unit_match.share
                reasons.append(_reason(unit_match, "unit", unit, at))
        if hits:
            reasons.append("Location: " + "; ".join(_describe_hit(h) for h in hits) + ".")
        if exclude:
            reasons.append("Declined earlier by " + ", ".join(sorted(exclude)) + ".")
        owner = Owner(department, unit)
        return Decision(
            owner=owner,
            rule_id=owner_match.rule.id,
            unit_rule_id=unit_rule_id,
            confidence=confidence,
            fallback=False,
            areas=hits,
            reasons=tuple(reasons),
            alternatives=_alternatives(owner_match, later, owner),
            suggestions=suggestions,
            promised_at=self._promise(request, department),
        )

    def record_outcome(
        self, request: RoutingInput, *, department: str, unit: str = "", weight: float = 1.0
    ) -> list[Rule]:
        """Learn the true owner of a request: a request closed (weight 1) or a transfer
        accepted (`TRANSFER_WEIGHT`), counted as of the time the request came in."""
        features, _ = self.extractor.extract(request)
        return self.rules.record_outcome(
            features,
            department=department,
            unit=unit,
            at=moment(request.received_at),
            weight=weight,
        )

    def _fallback(
        self,
        request: RoutingInput,
        hits: tuple[AreaHit, ...],
        suggestions: tuple[ServiceSuggestion, ...],
        exclude: frozenset[str],
    ) -> Decision:
        department = self.rules.triage_department
        why = (
            f"No rule owns service {request.service!r} here"
            if request.service_is_known
            else "The service is not known yet"
        )
        if exclude:
            why += " once " + ", ".join(sorted(exclude)) + " declined it"
        reasons = [f"{why}: sent to the triage desk ({department}), never left unrouted."]
        if suggestions:
            reasons.append(
                "Suggested services: "
                + ", ".join(f"{s.service} ({s.probability:.0%})" for s in suggestions)
                + "."
            )
        return Decision(
            owner=Owner(department),
            rule_id=FALLBACK_RULE_ID,
            unit_rule_id="",
            confidence=0.0,
            fallback=True,
            areas=hits,
            reasons=tuple(reasons),
            suggestions=suggestions,
            promised_at=self._promise(request, department),
        )

    def _suggest(self, request: RoutingInput) -> tuple[ServiceSuggestion, ...]:
        if self.classifier is None or request.service_is_known:
            return ()
        text = " ".join(p for p in (request.description, request.subtype, request.details) if p)
        if not text.strip():
            return ()
        return tuple(self.classifier.suggest(text, top=3))

    def _promise(self, request: RoutingInput, department: str) -> datetime | None:
        target = self.targets.get(request.service)
        calendar = self.calendar_for(department)
        if target is None or calendar is None or request.received_at.tzinfo is None:
            return None
        return calendar.add(request.received_at, target.value, target.unit)


def _reason(match: Match, what: str, target: str, at: float) -> str:
    rule = match.rule
    if rule.source == "manual":
        return f"{what.capitalize()} {target}: {rule.describe()}" + (
            f" - {rule.note}." if rule.note else "."
        )
    top, support = rule.weight_at(target, at), rule.support_at(at)
    text = (
        f"{what.capitalize()} {target}: {rule.describe()}, "
        f"{top:.4g} of {support:.4g} past requests ({match.share:.0%})"
    )
    if rule.half_life_days:
        text += f", weighted by recency (half-life {rule.half_life_days:g} days)"
    if match.agreeing:
        text += (
            f"; decided by a vote of the matching unit rules, weighted by how often each "
            f"kind was right ({match.agreeing} of them lead with it)"
        )
    return text + "."


def _describe_hit(hit: AreaHit) -> str:
    text = f"{hit.kind} {hit.name}"
    if hit.agency:
        text += f" (owned by {hit.agency})"
    if hit.distance_m:
        text += f", {hit.distance_m:.0f} m outside its boundary"
    return text


def _alternatives(winner: Match, later: list[Match], chosen: Owner) -> tuple[Alternative, ...]:
    seen = {chosen.department}
    found: list[Alternative] = []
    for department, share in winner.others:
        if department not in seen:
            seen.add(department)
            found.append(Alternative(Owner(department), share, f"also seen under {winner.rule.id}"))
    for match in later:
        if match.target not in seen:
            seen.add(match.target)
            found.append(Alternative(Owner(match.target), match.share, match.rule.describe()))
    return tuple(found[:3])
