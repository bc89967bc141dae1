"""Units by a vote of every matching family, where no one geography decides.

Which crew serves a request may follow the zip code on one street and the council district
on the next, so the first family that may decide is sometimes the wrong one to trust. In
a vote, every matching learned unit rule gives each of its targets its family's weight
(the log-odds of how often that family was right on history it had not yet seen) times the
target's share and the rule's evidence, and the unit with the most weight wins. `learn`
turns voting on for a city only when it beat the order on the later part of its history.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TypeVar

# A family right no more often than a coin does not vote; none is trusted beyond 99.9%.
_FLOOR, _CEILING = 0.5, 0.999

# One say: the family's weight, the rule's ranked targets and its (decayed) support.
Say = tuple[float, Sequence[tuple[str, float]], float]
Voter = TypeVar("Voter")


def family_weight(accuracy: float) -> float:
    """Log-odds of a family's accuracy: 0 for a coin flip, about 7 for 99.9%."""
    bounded = min(max(accuracy, _FLOOR), _CEILING)
    return math.log(bounded / (1 - bounded))


def tally(says: Iterable[Say]) -> list[tuple[str, float]]:
    """Targets by vote, strongest first (ties by name, so the same input decides the same
    way); a rule seen once counts half as much as one with much evidence."""
    return sorted(_votes(says).items(), key=_strongest_first)


def winner(says: Iterable[Say]) -> str:
    """The first target of `tally`, without ranking the others (scoring history in bulk)."""
    return min(_votes(says).items(), key=_strongest_first)[0]


def _votes(says: Iterable[Say]) -> dict[str, float]:
    votes: dict[str, float] = {}
    for weight, ranked, support in says:
        if weight <= 0:
            continue
        strength = weight * support / (support + 1)
        # A rule's fourth choice never swings a vote worth having: its leaders are enough.
        for target, share in ranked[:3]:
            votes[target] = votes.get(target, 0.0) + strength * share
    return votes


def _strongest_first(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]


def leader(voters: Sequence[Voter], says: Sequence[Say], target: str) -> Voter:
    """The first voter (the most specific) whose own leader is the winner, else the first."""
    return next(
        (voter for voter, say in zip(voters, says, strict=True) if say[1][0][0] == target),
        voters[0],
    )
