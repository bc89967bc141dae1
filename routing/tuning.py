"""Choose each family's half-life and back-off thresholds from the city's own history.

Everything here is a time split inside the learning period, never anything after it: the
learning rows are cut at several points; the state of each family at a cut (what a rule
set learned up to then) predicts the rows up to the next cut, the way a rule set learned
today routes the weeks after it. The half-life that predicts those later rows best wins,
per family; then the support and purity each specific owner family needs before it may
decide (else the request backs off to a more general family) are chosen the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from routing.features import Features
from routing.rule import Family, decay_factor

# Days; 0 is "never fade". Earlier entries win ties, so decay has to earn its place.
HALF_LIVES = (0.0, 730.0, 365.0, 180.0, 90.0, 45.0)
SUPPORTS = (1.0, 2.0, 3.0, 5.0, 10.0, 20.0)
PURITIES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
CUTS = (0.5, 0.625, 0.75, 0.875)
# Below this many rows a split says nothing: keep the defaults.
MIN_ROWS = 200


@dataclass(frozen=True, slots=True)
class Outcome:
    at: float
    features: Features
    department: str
    unit: str

    def target(self, family: Family) -> str:
        return self.department if family.scope == "owner" else self.unit


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What one family's rule knew about a later row at a cut."""

    top: str
    support: float
    purity: float


def tune_families(families: Sequence[Family], rows: Sequence[Outcome]) -> list[Family]:
    """The families with half-lives and owner thresholds chosen on time splits of `rows`."""
    if len(rows) < MIN_ROWS:
        return list(families)
    # Units follow the geography of crews, which moves rarely; owners follow reorganisations.
    tuned = [
        replace(f, half_life_days=_best_half_life(f, rows)) if f.scope == "owner" else f
        for f in families
    ]
    return _tune_thresholds(tuned, rows)


def _windows(count: int) -> list[tuple[int, int]]:
    cuts = [int(count * c) for c in CUTS] + [count]
    return list(pairwise(cuts))


def _evidence(
    family: Family, rows: Sequence[Outcome], keys: Sequence[tuple[str, ...] | None]
) -> list[_Evidence | None]:
    """For each row after the first cut: the family's evidence as learned up to its cut."""
    found: list[_Evidence | None] = [None] * len(rows)
    state: dict[tuple[str, ...], tuple[dict[str, float], float]] = {}
    learned_to = 0
    for start, end in _windows(len(rows)):
        for row, key in zip(rows[learned_to:start], keys[learned_to:start], strict=True):
            target = row.target(family)
            if key is None or not target:
                continue
            weights, last = state.get(key, ({}, row.at))
            factor = decay_factor(family.half_life_days, last, row.at)
            if factor != 1.0:
                weights = {name: weight * factor for name, weight in weights.items()}
            weights[target] = weights.get(target, 0.0) + 1.0
            state[key] = (weights, max(last, row.at))
        learned_to = start
        summary = {key: _summarise(weights, last) for key, (weights, last) in state.items()}
        for index in range(start, end):
            key = keys[index]
            if key is None or key not in summary:
                continue
            top, total, purity, last = summary[key]
            support = total * decay_factor(family.half_life_days, last, rows[index].at)
            found[index] = _Evidence(top, support, purity)
    return found


def _summarise(weights: dict[str, float], last: float) -> tuple[str, float, float, float]:
    top = min(weights, key=lambda name: (-weights[name], name))
    total = sum(weights.values())
    return top, total, weights[top] / total, last


def _keys(family: Family, rows: Sequence[Outcome]) -> list[tuple[str, ...] | None]:
    return [family.key(row.features, row.department) for row in rows]


def _best_half_life(family: Family, rows: Sequence[Outcome]) -> float:
    keys = _keys(family, rows)
    scored = []
    for half_life in HALF_LIVES:
        candidate = replace(family, half_life_days=half_life)
        right = sum(
            1
            for row, evidence in zip(rows, _evidence(candidate, rows, keys), strict=True)
            if evidence is not None and evidence.top == row.target(family)
        )
        scored.append((right, half_life))
    right, best = max(scored, key=lambda item: item[0])
    return best if right - scored[0][0] >= _margin(rows) else 0.0


def _margin(rows: Sequence[Outcome]) -> int:
    """A change must win by more than noise: at least 3 rows and 0.2% of those scored."""
    return max(3, int(len(rows) * (1 - CUTS[0]) * 0.002))


def _tune_thresholds(families: list[Family], rows: Sequence[Outcome]) -> list[Family]:
    """Coordinate descent over (support, purity) of each owner family but the last resort."""
    owner = sorted(
        (f for f in families if f.scope == "owner"), key=lambda f: (-f.priority, f.features)
    )
    if len(owner) < 2:
        return families
    # The last resort decides on any evidence at all, however old.
    families = [replace(f, min_support=0.0) if f is owner[-1] else f for f in families]
    owner[-1] = replace(owner[-1], min_support=0.0)
    table = [_evidence(f, rows, _keys(f, rows)) for f in owner]
    truths = [row.department for row in rows]
    thresholds = [(f.min_support, f.min_purity) for f in owner]
    for _ in range(2):
        for position in range(len(owner) - 1):
            current = thresholds[position]
            baseline = _right(table, truths, thresholds)
            scored = []
            for pair in ((s, p) for s in SUPPORTS for p in PURITIES):
                thresholds[position] = pair
                scored.append((_right(table, truths, thresholds), pair))
            right, best = max(scored, key=lambda item: item[0])
            thresholds[position] = best if right - baseline >= _margin(rows) else current
    chosen = {f.name: pair for f, pair in zip(owner, thresholds, strict=True)}
    return [
        replace(f, min_support=chosen[f.name][0], min_purity=chosen[f.name][1])
        if f.name in chosen
        else f
        for f in families
    ]


def _right(
    table: Sequence[Sequence[_Evidence | None]],
    truths: Sequence[str],
    thresholds: Sequence[tuple[float, float]],
) -> int:
    right = 0
    for index, truth in enumerate(truths):
        for column, (support, purity) in zip(table, thresholds, strict=True):
            evidence = column[index]
            if evidence is not None and evidence.support >= support and evidence.purity >= purity:
                right += evidence.top == truth
                break
    return right
