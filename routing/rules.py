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
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from routing.features import Features, norm

Scope = Literal["owner", "unit"]
SCOPES: tuple[Scope, ...] = ("owner", "unit")
FORMAT_VERSION = 1
MANUAL_PRIORITY = 1000


@dataclass(frozen=True, slots=True)
class Family:
    """How learned rules of one shape are made: which features, which scope, which thresholds."""

    name: str
    scope: Scope
    features: tuple[str, ...]
    priority: int
    min_support: int = 1
    min_purity: float = 0.0

    def key(self, features: Features, department: str = "") -> tuple[str, ...] | None:
        values = []
        for name in self.features:
            value = norm(department) if name == "department" else features.get(name)
            if not value:
                return None
            values.append(value)
        return tuple(values)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scope": self.scope,
            "features": list(self.features),
            "priority": self.priority,
            "min_support": self.min_support,
            "min_purity": self.min_purity,
        }


@dataclass(slots=True)
class Rule:
    id: str
    scope: Scope
    conditions: dict[str, str]
    department: str = ""
    unit: str = ""
    priority: int = MANUAL_PRIORITY
    source: Literal["manual", "learned"] = "manual"
    family: str = ""
    outcomes: Counter[str] = field(default_factory=Counter)
    min_support: int = 1
    min_purity: float = 0.0
    note: str = ""
    # Targets by share, computed on first use and forgotten when an outcome is counted.
    _ranked: list[tuple[str, float]] | None = field(default=None, repr=False, compare=False)

    def count(self, target: str) -> None:
        self.outcomes[target] += 1
        self._ranked = None

    @property
    def support(self) -> int:
        return sum(self.outcomes.values())

    @property
    def signature(self) -> tuple[str, ...]:
        return tuple(sorted(self.conditions))

    def ranked_targets(self) -> list[tuple[str, float]]:
        """Targets (department for owner rules, unit for unit rules) with their share."""
        if self._ranked is None:
            self._ranked = self._rank()
        return self._ranked

    def _rank(self) -> list[tuple[str, float]]:
        if self.source == "manual":
            return [(self.department if self.scope == "owner" else self.unit, 1.0)]
        total = self.support
        if total < self.min_support or total == 0:
            return []
        ranked = sorted(self.outcomes.items(), key=lambda item: (-item[1], item[0]))
        if ranked[0][1] / total < self.min_purity:
            return []
        return [(target, count / total) for target, count in ranked]

    def describe(self) -> str:
        when = ", ".join(f"{name} = {value!r}" for name, value in sorted(self.conditions.items()))
        return f"rule {self.id} ({when or 'always'})"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "scope": self.scope,
            "when": dict(sorted(self.conditions.items())),
            "priority": self.priority,
            "source": self.source,
        }
        if self.source == "manual":
            data["department"] = self.department
            if self.unit:
                data["unit"] = self.unit
        else:
            data["family"] = self.family
            data["outcomes"] = dict(self.outcomes.most_common())
            data["min_support"] = self.min_support
            data["min_purity"] = self.min_purity
        if self.note:
            data["note"] = self.note
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        scope = data.get("scope", "owner")
        if scope not in SCOPES:
            raise ValueError(f"rule {data.get('id')!r}: scope must be owner or unit")
        conditions = {str(k): norm(v) for k, v in dict(data.get("when") or {}).items()}
        source = data.get("source", "manual")
        rule = cls(
            id=str(data["id"]),
            scope=scope,
            conditions=conditions,
            department=str(data.get("department") or ""),
            unit=str(data.get("unit") or ""),
            priority=int(data.get("priority", MANUAL_PRIORITY)),
            source="learned" if source == "learned" else "manual",
            family=str(data.get("family") or ""),
            outcomes=Counter({str(k): int(v) for k, v in dict(data.get("outcomes") or {}).items()}),
            min_support=int(data.get("min_support", 1)),
            min_purity=float(data.get("min_purity", 0.0)),
            note=str(data.get("note") or ""),
        )
        if rule.source == "manual":
            if scope == "owner" and not rule.department:
                raise ValueError(f"rule {rule.id!r}: an owner rule needs a department")
            if scope == "unit" and not (rule.unit and "department" in conditions):
                raise ValueError(f"rule {rule.id!r}: a unit rule needs a unit and a department")
        return rule


@dataclass(frozen=True, slots=True)
class Match:
    rule: Rule
    target: str
    share: float
    others: tuple[tuple[str, float], ...]


class _Group:
    __slots__ = ("by_key", "priority", "signature")

    def __init__(self, priority: int, signature: tuple[str, ...]) -> None:
        self.priority = priority
        self.signature = signature
        self.by_key: dict[tuple[str, ...], Rule] = {}


class RuleSet:
    def __init__(
        self,
        rules: Iterable[Rule] = (),
        *,
        triage_department: str = "triage",
        families: Iterable[Family] = (),
        cell_sizes: Iterable[float] = (),
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.triage_department = triage_department
        self.families = tuple(families)
        self.cell_sizes = tuple(cell_sizes)
        self.metadata = dict(metadata or {})
        self.rules: list[Rule] = []
        self._groups: dict[Scope, list[_Group]] = {"owner": [], "unit": []}
        self._group_index: dict[tuple[Scope, int, tuple[str, ...]], _Group] = {}
        self.shadowed: list[tuple[Rule, Rule]] = []
        for rule in rules:
            self.add(rule)

    def __len__(self) -> int:
        return len(self.rules)

    # --- building ---

    def add(self, rule: Rule) -> None:
        group_key = (rule.scope, rule.priority, rule.signature)
        group = self._group_index.get(group_key)
        if group is None:
            group = _Group(rule.priority, rule.signature)
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

    def first(
        self,
        scope: Scope,
        features: Features,
        *,
        department: str = "",
        exclude: frozenset[str] = frozenset(),
    ) -> tuple[Match | None, list[Match]]:
        """The deciding match, and the later matches (for alternatives and explanations)."""
        winner: Match | None = None
        later: list[Match] = []
        for rule in self.matches(scope, features, department=department):
            ranked = [(t, s) for t, s in rule.ranked_targets() if t and t not in exclude]
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

    # --- learning ---

    def record_outcome(self, features: Features, *, department: str, unit: str) -> list[Rule]:
        """Count a confirmed owner (a closed request, an accepted transfer) in every family.

        Returns the rules it created or updated, for whoever stores them. This is the one
        learning path: `learn` calls it for each historical row, the backend for each
        transfer, `evaluate --online` after each decision.
        """
        touched: list[Rule] = []
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
                )
                self.add(rule)
            if rule.source == "learned":
                rule.count(target)
                touched.append(rule)
        return touched

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
            "rules": [r.as_dict() for r in self.rules],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSet:
        if data.get("format") != "civic311-routing-rules":
            raise ValueError("not a civic311 routing rule set (missing format marker)")
        if int(data.get("version", 0)) > FORMAT_VERSION:
            raise ValueError(f"rule set version {data.get('version')} is newer than this engine")
        families = [
            Family(
                name=str(f["name"]),
                scope=f["scope"],
                features=tuple(f["features"]),
                priority=int(f["priority"]),
                min_support=int(f.get("min_support", 1)),
                min_purity=float(f.get("min_purity", 0.0)),
            )
            for f in data.get("families", [])
        ]
        return cls(
            (Rule.from_dict(r) for r in data.get("rules", [])),
            triage_department=str(data.get("triage_department") or "triage"),
            families=families,
            cell_sizes=[float(s) for s in data.get("cell_sizes", [])],
            metadata=data.get("metadata") or {},
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=1, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def load(cls, path: Path) -> RuleSet:
        with path.open(encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))
