"""New owners: when transfers send a service to a department that never owned it.

A reorganisation shows up as transfers: requests of a service, or of part of it (a
subtype, an area), keep being passed to a department that history never gave them to. The
first such transfer opens a proposal for (service, department); every later outcome for
the pair narrows its conditions to what all its requests have in common (the subtype, the
area, or only the service when the whole service moved), so the proposal says which part
of the service moved and on what evidence. With the city's `adopt_after` set, the
proposal becomes a rule once that many consistent outcomes back it. An adopted rule is a
learned rule like the others: outcomes for other departments count against it, and it
stops deciding when it is no longer clearly right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from routing.features import Features
from routing.rule import Rule, moment

ADOPTED_FAMILY = "adopted"
# Above every learned family, below every rule a person wrote.
ADOPTED_PRIORITY = 900
ADOPTED_MIN_PURITY = 0.6
# A department with less than this share of a service's past outcomes never owned it.
NEW_OWNER_SHARE = 0.1
AREA_PREFIX = "area:"


@dataclass(slots=True)
class Proposal:
    service: str
    department: str
    conditions: dict[str, str]
    outcomes: int = 0
    # Outcomes for other departments on requests that match `conditions` since it opened:
    # when there are none, the whole of that part moved; else it moved area by area.
    contradictions: int = 0
    # Per area (kind=name): [outcomes for the department, outcomes for others].
    places: dict[str, list[int]] = field(default_factory=dict)
    first_at: float | None = None
    last_at: float | None = None
    adopted: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{ADOPTED_FAMILY}:{self.service}>{self.department}"

    def matches(self, features: Features) -> bool:
        return all(features.get(name) == value for name, value in self.conditions.items())

    def contradict(self, features: Features) -> None:
        if self.matches(features):
            self.contradictions += 1
            for place in _places(features):
                self.places.setdefault(place, [0, 0])[1] += 1

    def ready(self, features: Features, adopt_after: int) -> bool:
        """Enough consistent outcomes to adopt a rule for this request's part and place."""
        if not adopt_after or self.outcomes < adopt_after:
            return False
        if not self.contradictions:
            return True
        tallies = [self.places.get(place, [0, 0]) for place in _places(features)]
        if not tallies or any(others for _, others in tallies):
            return False
        # Only the service in common: a place needs the full count of its own.
        needed = 1 if len(self.conditions) > 1 else adopt_after
        return all(mine >= needed for mine, _ in tallies)

    def observe(self, features: Features, at: float | None) -> None:
        for place in _places(features):
            self.places.setdefault(place, [0, 0])[0] += 1
        self.conditions = {
            name: value
            for name, value in self.conditions.items()
            if features.get(name) == value or name.startswith(AREA_PREFIX)
        }
        here = {n: v for n, v in features.items() if n.startswith(AREA_PREFIX)}
        if any(here.get(n) != v for n, v in self.conditions.items() if n.startswith(AREA_PREFIX)):
            # Outcomes in more than one place: the part that moved is not one area.
            self.conditions = {
                n: v for n, v in self.conditions.items() if not n.startswith(AREA_PREFIX)
            }
        self.outcomes += 1
        if at is not None:
            self.first_at = at if self.first_at is None else min(self.first_at, at)
            self.last_at = at if self.last_at is None else max(self.last_at, at)

    def rule(self, features: Features, weight: float, half_life_days: float) -> Rule:
        """The rule to adopt for the request at hand: the common part when nothing
        contradicted it, else that part in the request's own areas."""
        conditions = dict(self.conditions)
        if self.contradictions:
            conditions |= {n: v for n, v in features.items() if n.startswith(AREA_PREFIX)}
        number = len(self.adopted) + 1
        return Rule(
            id=self.id if number == 1 else f"{self.id}#{number}",
            scope="owner",
            conditions=conditions,
            department=self.department,
            priority=ADOPTED_PRIORITY,
            source="learned",
            family=ADOPTED_FAMILY,
            outcomes={self.department: weight},
            min_support=0.0,
            min_purity=ADOPTED_MIN_PURITY,
            half_life_days=half_life_days,
            last_at=self.last_at,
            note=(
                f"Adopted after {self.outcomes} consistent outcomes sent {self.service!r} "
                f"requests to {self.department}, which never owned them before."
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "service": self.service,
            "department": self.department,
            "when": dict(sorted(self.conditions.items())),
            "outcomes": self.outcomes,
            "contradictions": self.contradictions,
            "places": {place: list(tally) for place, tally in sorted(self.places.items())},
            "first_outcome_at": _iso(self.first_at),
            "last_outcome_at": _iso(self.last_at),
            "adopted_rules": list(self.adopted),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Proposal:
        return cls(
            service=str(data["service"]),
            department=str(data["department"]),
            conditions={str(k): str(v) for k, v in dict(data.get("when") or {}).items()},
            outcomes=int(data.get("outcomes", 0)),
            contradictions=int(data.get("contradictions", 0)),
            places={
                str(k): [int(v[0]), int(v[1])] for k, v in dict(data.get("places") or {}).items()
            },
            first_at=_moment(data.get("first_outcome_at")),
            last_at=_moment(data.get("last_outcome_at")),
            adopted=[str(r) for r in data.get("adopted_rules") or []],
        )


def never_owned(service_rule: Rule | None, department: str) -> bool:
    if service_rule is None or service_rule.support <= 0:
        return True
    return service_rule.outcomes.get(department, 0.0) / service_rule.support < NEW_OWNER_SHARE


def candidate_conditions(features: Features, names: tuple[str, ...]) -> dict[str, str]:
    return {name: features[name] for name in names if features.get(name)}


def _places(features: Features) -> list[str]:
    return [f"{n}={v}" for n, v in sorted(features.items()) if n.startswith(AREA_PREFIX)]


def _iso(at: float | None) -> str | None:
    return datetime.fromtimestamp(at, UTC).isoformat() if at is not None else None


def _moment(text: object) -> float | None:
    return moment(datetime.fromisoformat(str(text))) if text else None
