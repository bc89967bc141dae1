"""The numbers QA reports stand on, from well-kept libraries: intervals, agreement, shrinkage.

Scores come with their uncertainty (Wilson intervals), agents with few reviews are pulled
towards the team (empirical Bayes), reviewers' agreement is measured the standard ways
(Cohen's and Fleiss' kappa, Krippendorff's alpha with missing ratings), and sample sizes
account for small populations (finite-population correction).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, interval_distance
from scipy.stats import norm
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
from statsmodels.stats.proportion import proportion_confint


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


def wilson_interval(successes: int, trials: int, *, confidence: float = 0.95) -> Interval | None:
    """A pass rate with its Wilson score interval; None when there is nothing to rate."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and trials")
    low, high = proportion_confint(successes, trials, alpha=1 - confidence, method="wilson")
    return Interval(successes / trials, float(low), float(high))


def sample_size(
    *, margin: float, population: int | None = None, confidence: float = 0.95, p: float = 0.5
) -> int:
    """Interactions to review for a proportion within ±margin, with finite-population
    correction when the population (an agent's interactions in the period) is known."""
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1")
    if not 0 < p < 1:
        raise ValueError("p must be between 0 and 1")
    z = float(norm.ppf(1 - (1 - confidence) / 2))
    infinite = z * z * p * (1 - p) / (margin * margin)
    if population is None:
        return math.ceil(infinite)
    if population <= 0:
        return 0
    return min(population, math.ceil(infinite / (1 + (infinite - 1) / population)))


def cohens_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Agreement of two reviewers on the same items, beyond chance."""
    if len(first) != len(second) or not first:
        raise ValueError("two equally long, non-empty rating lists are needed")
    if len(set(first) | set(second)) == 1:
        return 1.0  # both always gave the same single rating: perfect, kappa is undefined
    return float(cohen_kappa_score(list(first), list(second)))


def fleiss(ratings: Sequence[Sequence[Hashable]]) -> float:
    """Agreement of several reviewers; one row per item, one rating per reviewer."""
    table, _ = aggregate_raters(np.asarray(ratings, dtype=object))
    return float(fleiss_kappa(table, method="fleiss"))


def krippendorff_alpha(
    ratings: Mapping[tuple[str, str], Hashable | None], *, level: str = "nominal"
) -> float:
    """Krippendorff's alpha from {(reviewer, item): rating}; missing ratings are allowed
    (None or absent). `level` is "nominal" or "interval"."""
    distance = binary_distance if level == "nominal" else interval_distance
    data = [(coder, item, value) for (coder, item), value in ratings.items() if value is not None]
    items = {item for _, item, _ in data}
    rated_twice = [i for i in items if sum(1 for _, it, _ in data if it == i) >= 2]
    if not rated_twice:
        raise ValueError("alpha needs at least one item rated by two reviewers")
    task = AnnotationTask(data=[d for d in data if d[1] in rated_twice], distance=distance)
    return float(task.alpha())


def raw_agreement(ratings: Sequence[Sequence[Hashable]]) -> float:
    """Share of items on which every reviewer gave the same rating."""
    if not ratings:
        raise ValueError("no items")
    return sum(1 for row in ratings if len(set(row)) == 1) / len(ratings)


@dataclass(frozen=True)
class Shrunk:
    raw: float | None
    shrunk: float
    reviews: int


def shrink_rates(counts: Mapping[str, tuple[int, int]]) -> dict[str, Shrunk]:
    """Empirical-Bayes pass rates: each agent's (passes, reviews) pulled towards the group by
    a beta prior fitted to the group (method of moments), so two reviews cannot top a
    ranking. Agents with many reviews keep close to their own rate."""
    rates = [(p / n, n) for p, n in counts.values() if n > 0]
    if not rates:
        return {k: Shrunk(None, 0.0, 0) for k in counts}
    total_pass = sum(p for p, _ in counts.values())
    total = sum(n for _, n in counts.values())
    mean = total_pass / total
    weights = np.array([n for _, n in rates], dtype=float)
    values = np.array([r for r, _ in rates])
    variance = float(np.average((values - mean) ** 2, weights=weights))
    average_n = float(weights.mean())
    binomial = mean * (1 - mean) / average_n
    between = max(variance - binomial, 1e-9)
    strength = max(mean * (1 - mean) / between - 1, 0.0)  # prior "pseudo-reviews"
    alpha, beta = mean * strength, (1 - mean) * strength
    return {
        key: Shrunk(
            raw=(passes / n) if n else None,
            shrunk=(passes + alpha) / (n + alpha + beta) if (n + alpha + beta) > 0 else mean,
            reviews=n,
        )
        for key, (passes, n) in counts.items()
    }


@dataclass(frozen=True)
class ControlLimits:
    centre: float
    lower: float
    upper: float


def p_chart_limits(passes: int, reviews: int, subgroup_size: int) -> ControlLimits:
    """Three-sigma p-chart limits for a period's pass rate given the long-run rate."""
    if reviews <= 0 or subgroup_size <= 0:
        raise ValueError("reviews and subgroup size must be positive")
    centre = passes / reviews
    sigma = math.sqrt(centre * (1 - centre) / subgroup_size)
    return ControlLimits(centre, max(0.0, centre - 3 * sigma), min(1.0, centre + 3 * sigma))
