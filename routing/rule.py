"""One routing rule and the family recipe learned rules are made from.

A learned rule keeps, for each target it has seen, a weight that decays with its family's
half-life: an outcome counts 1 (a silent closure) or more (a transfer, someone said "not
ours"), and halves every `half_life_days` after it happened, so last week's outcomes
outvote years of older ones once the city reorganises. Weights are stored as of the rule's
last outcome (`last_at`); decay multiplies every weight alike, so shares never change
between outcomes and only the support (the evidence) shrinks with time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from routing.features import Features, norm

Scope = Literal["owner", "unit"]
SCOPES: tuple[Scope, ...] = ("owner", "unit")
MANUAL_PRIORITY = 1000
# A transfer is someone saying "this is not ours, it is theirs": stronger evidence than a
# request closed without comment.
TRANSFER_WEIGHT = 3.0
SECONDS_PER_DAY = 86_400.0


def moment(when: datetime) -> float:
    """Seconds since the epoch; a time without an offset is read as UTC, the same everywhere."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def decay_factor(half_life_days: float, since: float | None, at: float | None) -> float:
    if not half_life_days or since is None or at is None or at <= since:
        return 1.0
    return float(0.5 ** ((at - since) / (half_life_days * SECONDS_PER_DAY)))


@dataclass(frozen=True, slots=True)
class Family:
    """How learned rules of one shape are made: features, scope, thresholds and half-life."""

    name: str
    scope: Scope
    features: tuple[str, ...]
    priority: int
    min_support: float = 1
    min_purity: float = 0.0
    # 0: outcomes never fade.
    half_life_days: float = 0.0
    # Unit families only: the weight of this family's say when the city's units are decided
    # by a vote of every matching family (0: by order, the first that may decide).
    vote_weight: float = 0.0

    def key(self, features: Features, department: str = "") -> tuple[str, ...] | None:
        values = []
        for name in self.features:
            value = norm(department) if name == "department" else features.get(name)
            if not value:
                return None
            values.append(value)
        return tuple(values)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "scope": self.scope,
            "features": list(self.features),
            "priority": self.priority,
            "min_support": self.min_support,
            "min_purity": self.min_purity,
        }
        if self.half_life_days:
            data["half_life_days"] = self.half_life_days
        if self.vote_weight:
            data["vote_weight"] = round(self.vote_weight, 4)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Family:
        return cls(
            name=str(data["name"]),
            scope=data["scope"],
            features=tuple(data["features"]),
            priority=int(data["priority"]),
            min_support=float(data.get("min_support", 1)),
            min_purity=float(data.get("min_purity", 0.0)),
            half_life_days=float(data.get("half_life_days") or 0.0),
            vote_weight=float(data.get("vote_weight") or 0.0),
        )


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
    # Learned rules: target -> weight as of `last_at` (seconds since the epoch).
    outcomes: dict[str, float] = field(default_factory=dict)
    min_support: float = 1
    min_purity: float = 0.0
    half_life_days: float = 0.0
    last_at: float | None = None
    note: str = ""
    # Targets by share, computed on first use and forgotten when an outcome is counted.
    _ranked: list[tuple[str, float]] | None = field(default=None, repr=False, compare=False)
    _total: float = field(default=0.0, repr=False, compare=False)

    def count(self, target: str, *, at: float | None = None, weight: float = 1.0) -> None:
        """Add an outcome at time `at`, fading what came before it."""
        factor = decay_factor(self.half_life_days, self.last_at, at)
        if factor != 1.0:
            for name in self.outcomes:
                self.outcomes[name] *= factor
        self.outcomes[target] = self.outcomes.get(target, 0.0) + weight
        if at is not None and (self.last_at is None or at > self.last_at):
            self.last_at = at
        self._ranked = None

    @property
    def support(self) -> float:
        """The weight of evidence as of the last outcome."""
        return sum(self.outcomes.values())

    def support_at(self, at: float | None) -> float:
        return self.support * decay_factor(self.half_life_days, self.last_at, at)

    def evidence(self, at: float | None) -> float:
        """`support_at`, from the total kept when the targets were last ranked."""
        if self._ranked is None:
            self._ranked = self._rank()
        return self._total * decay_factor(self.half_life_days, self.last_at, at)

    def standing(self, at: float | None) -> tuple[list[tuple[str, float]], float]:
        """`ranked_targets` and `evidence` at once, the decay computed once: a unit vote asks
        both of every matching rule."""
        ranked = self._ranked
        if ranked is None:
            ranked = self._ranked = self._rank()
        support = self._total
        if self.half_life_days:
            support *= decay_factor(self.half_life_days, self.last_at, at)
        if ranked and self.source != "manual" and support < self.min_support:
            return [], support
        return ranked, support

    def weight_at(self, target: str, at: float | None) -> float:
        return self.outcomes.get(target, 0.0) * decay_factor(self.half_life_days, self.last_at, at)

    @property
    def signature(self) -> tuple[str, ...]:
        return tuple(sorted(self.conditions))

    def ranked_targets(self, at: float | None = None) -> list[tuple[str, float]]:
        """Targets (department for owner rules, unit for unit rules) with their share, or
        nothing when the rule lacks the (decayed) support or purity to decide at `at`."""
        if self._ranked is None:
            self._ranked = self._rank()
        ranked = self._ranked
        if not ranked or self.source == "manual":
            return ranked
        if self._total * decay_factor(self.half_life_days, self.last_at, at) < self.min_support:
            return []
        return ranked

    def _rank(self) -> list[tuple[str, float]]:
        if self.source == "manual":
            return [(self.department if self.scope == "owner" else self.unit, 1.0)]
        ranked = list(self.outcomes.items())
        if len(ranked) == 1:
            # Most learned rules have one owner: its weight is the total (as `sum` gives it).
            total = self._total = ranked[0][1]
        else:
            total = self._total = self.support
            ranked.sort(key=_heaviest_first)
        if total <= 0:
            return []
        if ranked[0][1] / total < self.min_purity:
            return []
        if self.department and ranked[0][0] != self.department:
            # A rule adopted for a new owner speaks only for it: once its outcomes say the old
            # owner again, the learned families (ranked by their own evidence) decide.
            return []
        return [(target, weight / total) for target, weight in ranked]

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
            if self.department:
                data["department"] = self.department
            ranked = sorted(self.outcomes.items(), key=_heaviest_first)
            data["outcomes"] = {name: _compact(weight) for name, weight in ranked}
            data["min_support"] = _compact(self.min_support)
            data["min_purity"] = self.min_purity
            if self.half_life_days:
                data["half_life_days"] = self.half_life_days
            if self.last_at is not None:
                data["last_outcome_at"] = datetime.fromtimestamp(self.last_at, UTC).isoformat()
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
        last = data.get("last_outcome_at")
        rule = cls(
            id=str(data["id"]),
            scope=scope,
            conditions=conditions,
            department=str(data.get("department") or ""),
            unit=str(data.get("unit") or ""),
            priority=int(data.get("priority", MANUAL_PRIORITY)),
            source="learned" if source == "learned" else "manual",
            family=str(data.get("family") or ""),
            outcomes={str(k): float(v) for k, v in dict(data.get("outcomes") or {}).items()},
            min_support=float(data.get("min_support", 1)),
            min_purity=float(data.get("min_purity", 0.0)),
            half_life_days=float(data.get("half_life_days") or 0.0),
            last_at=moment(datetime.fromisoformat(str(last))) if last else None,
            note=str(data.get("note") or ""),
        )
        if rule.source == "manual":
            if scope == "owner" and not rule.department:
                raise ValueError(f"rule {rule.id!r}: an owner rule needs a department")
            if scope == "unit" and not (rule.unit and "department" in conditions):
                raise ValueError(f"rule {rule.id!r}: a unit rule needs a unit and a department")
        return rule


def _heaviest_first(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]


def _compact(value: float) -> float | int:
    """Whole weights stay integers in the file; fractions keep four decimals."""
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded
