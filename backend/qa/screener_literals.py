"""Words a pattern cannot match without: a cheap test that lets the screener skip a rule.

For a case-insensitive pattern, `required_literals` reads its syntax tree and returns a set of
lower-case strings such that every match contains at least one of them (or None when no such
set is known). Looking for a few substrings in the lower-cased sentence costs far less than
running a pattern with dozens of alternatives at every word, and most sentences contain none
of them. The test is only used on ASCII text, where lower-casing is exactly what the pattern's
IGNORECASE does; other text always runs the pattern, so results never change.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any

# The standard library's own regular-expression parser (re._parser; sre_parse before 3.11).
_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")

Literals = frozenset[str]


def _safe(text: str) -> bool:
    """ASCII text lower-cased can only contain a pattern's literal that is ASCII or uncased."""
    return all(c.isascii() or c.lower() == c.upper() for c in text)


def _best(candidates: Iterable[Literals]) -> Literals | None:
    """The most selective candidate: the longest shortest string, then the fewest strings."""
    usable = [c for c in candidates if c and all(_safe(s) for s in c)]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(len(s) for s in c), -len(c)))


def _required(pattern: Any) -> Literals | None:
    c = _constants
    candidates: list[Literals] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in pattern:
        if op is c.LITERAL:
            run.append(chr(av).lower())
            continue
        close_run()
        found: Literals | None = None
        if op is c.SUBPATTERN:
            found = _required(av[-1])
        elif op is c.BRANCH:
            branches = [_required(b) for b in av[1]]
            if all(b is not None for b in branches):
                found = frozenset().union(*(b for b in branches if b is not None))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _required(av[2])
        if found:
            candidates.append(found)
    close_run()
    return _best(candidates)


def required_literals(pattern: str) -> Literals | None:
    """Lower-case strings one of which every case-insensitive match of `pattern` contains."""
    return _required(_parser.parse(pattern, _constants.SRE_FLAG_IGNORECASE))


def quick_test(pattern: str) -> re.Pattern[str] | None:
    """A case-sensitive search for the pattern's required strings, for lower-cased text: plain
    literals let the regular-expression engine skip ahead, which one `in` per string cannot."""
    literals = required_literals(pattern)
    if literals is None:
        return None
    return re.compile("|".join(re.escape(s) for s in sorted(literals, key=len, reverse=True)))


def may_match(test: re.Pattern[str] | None, lowered: str | None) -> bool:
    """False only when `lowered` (an ASCII text, lower-cased) holds none of the strings."""
    return test is None or lowered is None or test.search(lowered) is not None
