"""Routing rules as data, matched in a fixed order so the same request always lands the same way.

Two scopes of rule:

- `owner` rules decide the department (and may name a unit): "pothole on the state highway
  -> State DOT".
- `unit` rules pick the unit inside the department already chosen: "Sanitation, in this
  district -> East Valley yard". Their conditions always include `department`.

Within a scope, rules are tried by descending priority, then by how many conditions they
have, then by their condition names; among rules with the same condition names the lookup
is a hash of the request's feature values, so matching costs one dictionary lookup per
group of rules, not one test per rule.

A rule is either written by a person (`manual`: a fixed target) or learned from history
(`learned`: it keeps the count of past owners for its conditions, targets the most
frequent, and is only used once it has `min_support` examples and the most frequent
owner has at least `min_purity` of them). Learned rules belong to a family, the recipe
that also creates new rules when an unseen combination is confirmed by a transfer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.features import Features, norm
from routing.groups import Lookup, RuleGroup
from routing.proposals import ADOPTED_FAMILY, Proposal, candidate_conditions, never_owned
from routing.rule import (
    MANUAL_PRIORITY,
    SCOPES,
    TRANSFER_WEIGHT,
    Family,
    Rule,
    Scope,
    decay_factor,
    moment,
)
from routing.text import TextModel
from routing.voting import Say, leader, tally, winner

__all__ = [
    "MANUAL_PRIORITY",
    "SCOPES",
    "TRANSFER_WEIGHT",
    "Family",
    "Match",
    "Rule",
    "RuleSet",
    "Scope",
    "decay_factor",
    "moment",
]
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Match:
    rule: Rule
    target: str
    share: float
    others: tuple[tuple[str, float], ...]
    # Learned unit rules whose leader is the target, when the unit was decided by a vote.
    agreeing: int = 0


class RuleSet:
    def __init__(
        self,
        rules: Iterable[Rule] = (),
        *,
        triage_department: str = "triage",
        families: Iterable[Family] = (),
        cell_sizes: Iterable[float] = (),
        metadata: Mapping[str, Any] | None = None,
        adopt_after: int = 0,
        proposals: Iterable[Proposal] = (),
        text_model: TextModel | None = None,
    ) -> None:
        self.triage_department = triage_department
        self.text_model = text_model
        # The city's setting: adopt a proposed owner after this many consistent outcomes
        # (0: only propose, a person decides).
        self.adopt_after = adopt_after
        self.proposals = {(p.service, p.department): p for p in proposals}
        self.families = tuple(families)
        self.cell_sizes = tuple(cell_sizes)
        self.metadata = dict(metadata or {})
        self.rules: list[Rule] = []
        self._groups: dict[Scope, list[RuleGroup]] = {"owner": [], "unit": []}
        self._group_index: dict[tuple[Scope, int, tuple[str, ...]], RuleGroup] = {}
        self.shadowed: list[tuple[Rule, Rule]] = []
        self._department_values: dict[str, str] = {}
        # Non-empty when the city's units are decided by a vote of the matching families.
        self.vote_weights = {
            f.name: f.vote_weight for f in self.families if f.scope == "unit" and f.vote_weight > 0
        }
        adopted_for = {rule: p.department for p in self.proposals.values() for rule in p.adopted}
        for rule in rules:
            if rule.family == ADOPTED_FAMILY and not rule.department:
                # Saved before adopted rules named their owner: the proposal still does.
                rule.department = adopted_for.get(rule.id, "")
            self.add(rule)

    def __len__(self) -> int:
        return len(self.rules)

    # --- building ---

    def add(self, rule: Rule) -> None:
        group_key = (rule.scope, rule.priority, rule.signature)
        group = self._group_index.get(group_key)
        if group is None:
            group = RuleGroup(rule.priority, rule.signature)
            self._group_index[group_key] = group
            groups = self._groups[rule.scope]
            groups.append(group)
            groups.sort(key=lambda g: (-g.priority, -len(g.signature), g.signature))
        key = tuple(rule.conditions[name] for name in group.signature)
        existing = group.by_key.get(key)
        if existing is not None:
            # Same conditions, same priority: the first loaded wins, the other is reported.
            self.shadowed.append((existing, rule))
        else:
            group.by_key[key] = rule
            if rule.source == "manual" or self.vote_weights.get(rule.family, 0.0) > 0:
                group.votes = True
        self.rules.append(rule)

    # --- matching ---

    def matches(self, scope: Scope, features: Features, *, department: str = "") -> Iterator[Rule]:
        """Every rule of the scope whose conditions hold, in decision order."""
        lookup = features if not department else {**features, "department": norm(department)}
        for group in self._groups[scope]:
            key = []
            for name in group.signature:
                value = lookup.get(name)
                if value is None:
                    break
                key.append(value)
            else:
                rule = group.by_key.get(tuple(key))
                if rule is not None:
                    yield rule

    def first_target(
        self, scope: Scope, features: Features, *, department: str = "", at: float | None = None
    ) -> tuple[Rule, str] | None:
        """The deciding rule and its target, as `first` finds them, with nothing else."""
        lookup = Lookup(features)
        if department or (scope == "unit" and self.vote_weights):
            lookup["department"] = self._department_value(department)
        if scope == "unit" and self.vote_weights:
            written, says, voters = self._says(lookup, at)
            if written is not None:
                return written.rule, written.target
            if voters:
                target = winner(says)
                return leader(voters, says, target), target
            if not department:
                lookup = Lookup(features)  # as `matches` reads them
        # `matches`, inlined: this runs for every request scored in bulk.
        for group in self._groups[scope]:
            rule = group.by_key.get(group.key_of(lookup))
            if rule is not None:
                ranked = rule.ranked_targets(at)
                if ranked:
                    return rule, ranked[0][0]
        return None

    def _department_value(self, department: str) -> str:
        """The department as a feature value, normalised once per department."""
        value = self._department_values.get(department)
        if value is None:
            value = self._department_values[department] = norm(department)
        return value

    def first(
        self,
        scope: Scope,
        features: Features,
        *,
        department: str = "",
        exclude: frozenset[str] = frozenset(),
        at: float | None = None,
    ) -> tuple[Match | None, list[Match]]:
        """The deciding match, and the later matches (for alternatives and explanations).

        A learned rule decides only with enough evidence left at `at` (its decayed support)
        and a clear enough leader (purity); otherwise the next, more general one is asked.
        """
        if scope == "unit" and self.vote_weights:
            return self._vote(features, department, at)
        return self._ordered(scope, features, department, exclude, at)

    def _ordered(
        self,
        scope: Scope,
        features: Features,
        department: str,
        exclude: frozenset[str],
        at: float | None,
    ) -> tuple[Match | None, list[Match]]:
        winner: Match | None = None
        later: list[Match] = []
        for rule in self.matches(scope, features, department=department):
            ranked = rule.ranked_targets(at)
            if exclude:
                ranked = [(t, s) for t, s in ranked if t not in exclude]
            if not ranked:
                continue
            match = Match(
                rule=rule, target=ranked[0][0], share=ranked[0][1], others=tuple(ranked[1:])
            )
            if winner is None:
                winner = match
            else:
                later.append(match)
                if len(later) >= 3:
                    break
        return winner, later

    def _says(self, lookup: Lookup, at: float | None) -> tuple[Match | None, list[Say], list[Rule]]:
        """A unit rule written by a person that decides alone, else what each matching
        learned rule of a voting family says, and the rules that said it. `lookup` holds the
        request's features and its department."""
        says: list[Say] = []
        voters: list[Rule] = []
        weights = self.vote_weights
        # `matches`, inlined: this runs for every request of a voting city.
        for group in self._groups["unit"]:
            if not group.votes:
                continue
            rule = group.by_key.get(group.key_of(lookup))
            if rule is None:
                continue
            weight = weights.get(rule.family, 0.0)
            if rule.source == "manual":
                if not voters:
                    target = rule.ranked_targets(at)[0][0]
                    return Match(rule=rule, target=target, share=1.0, others=()), [], []
            elif weight <= 0:
                continue  # a learned rule of a family that does not vote
            ranked, evidence = rule.standing(at)
            if ranked and weight > 0:
                says.append((weight, ranked, evidence))
                voters.append(rule)
        return None, says, voters

    def _vote(
        self, features: Features, department: str, at: float | None
    ) -> tuple[Match | None, list[Match]]:
        """The unit by a vote of the matching learned rules; a rule a person wrote decides
        alone, and with no family allowed to vote the order decides."""
        lookup = Lookup(features)
        lookup["department"] = self._department_value(department)
        written, says, voters = self._says(lookup, at)
        if written is not None:
            return written, []
        if not voters:
            return self._ordered("unit", features, department, frozenset(), at)
        ordered = tally(says)
        total = sum(weight for _, weight in ordered)
        target = ordered[0][0]
        match = Match(
            rule=leader(voters, says, target),
            target=target,
            share=ordered[0][1] / total,
            others=tuple((t, w / total) for t, w in ordered[1:]),
            agreeing=sum(say[1][0][0] == target for say in says),
        )
        return match, []

    # --- learning ---

    def record_outcome(
        self,
        features: Features,
        *,
        department: str,
        unit: str,
        at: float | None = None,
        weight: float = 1.0,
    ) -> list[Rule]:
        """Count a confirmed owner (a closed request, an accepted transfer) in every family.

        `at` is when the request came in (seconds since the epoch), `weight` how strongly the
        outcome speaks (1 for a closure, `TRANSFER_WEIGHT` for a transfer).

        Returns the rules it created or updated, for whoever stores them. This is the one
        learning path: `learn` calls it for each historical row, the backend for each
        transfer, `evaluate --online` after each decision.
        """
        touched = self._observe_owner(features, department, at, weight)
        for family in self.families:
            target = department if family.scope == "owner" else unit
            if not target:
                continue
            key = family.key(features, department)
            if key is None:
                continue
            rule = self._family_rule(family, key)
            if rule is None:
                rule = Rule(
                    id=f"{family.name}:{'|'.join(key)}",
                    scope=family.scope,
                    conditions=dict(zip(family.features, key, strict=True)),
                    priority=family.priority,
                    source="learned",
                    family=family.name,
                    min_support=family.min_support,
                    min_purity=family.min_purity,
                    half_life_days=family.half_life_days,
                )
                self.add(rule)
            if rule.source == "learned":
                rule.count(target, at=at, weight=weight)
                touched.append(rule)
        return touched

    def _observe_owner(
        self, features: Features, department: str, at: float | None, weight: float
    ) -> list[Rule]:
        """Adopted rules learn like any learned rule; transfers to a new owner propose one."""
        service = features.get("service")
        if not service or not department:
            return []
        touched = [r for r in self.matches("owner", features) if r.family == ADOPTED_FAMILY]
        for rule in touched:
            rule.count(department, at=at, weight=weight)
        for other in self.proposals.values():
            if other.service == service and other.department != department:
                other.contradict(features)
        proposal = self.proposals.get((service, department))
        if proposal is None:
            if weight <= 1.0 or not never_owned(self._service_rule(features), department):
                return touched
            names = tuple(
                dict.fromkeys(
                    name
                    for f in self.families
                    if f.scope == "owner"
                    for name in f.features
                    if name != "department"
                )
            )
            proposal = Proposal(service, department, candidate_conditions(features, names))
            self.proposals[(service, department)] = proposal
        proposal.observe(features, at)
        covered = any(
            rule.id in proposal.adopted and _leads(rule, department, at) for rule in touched
        )
        if not covered and proposal.ready(features, self.adopt_after):
            general = self._service_family()
            rule = proposal.rule(
                features, float(proposal.outcomes), general.half_life_days if general else 0
            )
            proposal.adopted.append(rule.id)
            self.add(rule)
            touched.append(rule)
        return touched

    def _service_family(self) -> Family | None:
        return next(
            (f for f in self.families if f.scope == "owner" and f.features == ("service",)), None
        )

    def _service_rule(self, features: Features) -> Rule | None:
        family = self._service_family()
        return self.family_rule(family, features) if family is not None else None

    def family_rule(
        self, family: Family, features: Features, *, department: str = ""
    ) -> Rule | None:
        """The family's rule for these features, if history has made one."""
        key = family.key(features, department)
        return self._family_rule(family, key) if key is not None else None

    def _family_rule(self, family: Family, key: tuple[str, ...]) -> Rule | None:
        group = self._group_index.get(
            (family.scope, family.priority, tuple(sorted(family.features)))
        )
        if group is None:
            return None
        sorted_key = tuple(value for _, value in sorted(zip(family.features, key, strict=True)))
        return group.by_key.get(sorted_key)

    # --- storage ---

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "civic311-routing-rules",
            "version": FORMAT_VERSION,
            "triage_department": self.triage_department,
            "cell_sizes": list(self.cell_sizes),
            "families": [f.as_dict() for f in self.families],
            "metadata": self.metadata,
            "adopt_after": self.adopt_after,
            "proposals": [p.as_dict() for _, p in sorted(self.proposals.items())],
            "rules": [r.as_dict() for r in self.rules],
            "text_model": self.text_model.as_dict() if self.text_model else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSet:
        if data.get("format") != "civic311-routing-rules":
            raise ValueError("not a civic311 routing rule set (missing format marker)")
        if int(data.get("version", 0)) > FORMAT_VERSION:
            raise ValueError(f"rule set version {data.get('version')} is newer than this engine")
        families = [Family.from_dict(f) for f in data.get("families", [])]
        return cls(
            (Rule.from_dict(r) for r in data.get("rules", [])),
            triage_department=str(data.get("triage_department") or "triage"),
            families=families,
            cell_sizes=[float(s) for s in data.get("cell_sizes", [])],
            metadata=data.get("metadata") or {},
            adopt_after=int(data.get("adopt_after") or 0),
            proposals=[Proposal.from_dict(p) for p in data.get("proposals") or []],
            text_model=TextModel.from_dict(data["text_model"]) if data.get("text_model") else None,
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=1, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def load(cls, path: Path) -> RuleSet:
        with path.open(encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))


def _leads(rule: Rule, department: str, at: float | None) -> bool:
    ranked = rule.ranked_targets(at)
    return bool(ranked) and ranked[0][0] == department
