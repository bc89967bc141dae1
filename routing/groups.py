"""Rules grouped by their condition names, so matching is one dictionary lookup per group.

Rules with the same scope, priority and condition names share a group, keyed by their
condition values in the order of the sorted names; a request's key in a group is read off
its features.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter

from routing.rule import Rule

# No feature has this value: a missing feature never matches a rule.
ABSENT = "\x00"


class Lookup(dict[str, str]):
    """A request's features to look rules up by: an absent feature reads as `ABSENT`."""

    __slots__ = ()

    def __missing__(self, name: str) -> str:
        return ABSENT


class RuleGroup:
    __slots__ = ("by_key", "key_of", "priority", "signature", "votes")

    def __init__(self, priority: int, signature: tuple[str, ...]) -> None:
        self.priority = priority
        self.signature = signature
        self.by_key: dict[tuple[str, ...], Rule] = {}
        # Whether a unit vote need look here: a rule written by a person, or a learned rule
        # of a family with a vote.
        self.votes = False
        # A request's key in `by_key`, read in C (`itemgetter`) where it can be.
        self.key_of: Callable[[Lookup], tuple[str, ...]]
        if len(signature) > 1:
            self.key_of = itemgetter(*signature)
        elif signature:
            name = signature[0]
            self.key_of = lambda lookup: (lookup[name],)
        else:
            self.key_of = lambda _lookup: ()
