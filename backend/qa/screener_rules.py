"""The courtesy screener's rules: `courtesy_rules.toml` read once and compiled.

Rules are data, versioned; this module turns them into compiled patterns (with the quick
skips of `qa.screener_literals`) and keeps the slur list's digest, so the repository never
spells a slur out. `qa.screener` applies them.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from qa.screener_literals import quick_test

RULES_PATH = Path(__file__).with_name("courtesy_rules.toml")

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s"})


@dataclass(frozen=True)
class _Phrase:
    id: str
    c_id: str
    severity: str
    pattern: re.Pattern[str]
    unless: tuple[re.Pattern[str], ...]
    explanation: str
    suggestion: str
    # Strings one of which every match contains (`qa.screener_literals`): a quick skip.
    needs: re.Pattern[str] | None = None
    # Litotes: an impersonal refusal of something bad ("it can't hurt") reassures.
    litotes: bool = False


@dataclass(frozen=True)
class _Presence:
    id: str
    c_id: str
    severity: str
    kinds: frozenset[str]
    any_of: tuple[re.Pattern[str], ...]
    explanation: str
    suggestion: str


@dataclass(frozen=True)
class Rules:
    version: str
    phrases: tuple[_Phrase, ...]
    identity: re.Pattern[str]
    pejorative: re.Pattern[str]
    # (starts with the group, pattern): those that do are tried only where a group is named.
    group_patterns: tuple[tuple[bool, re.Pattern[str]], ...]
    window: int
    reported_speech: re.Pattern[str]
    slur_digests: frozenset[str]
    group_explanation: str
    group_suggestion: str
    slur_explanation: str
    slur_suggestion: str
    presence: tuple[_Presence, ...]
    identity_needs: re.Pattern[str] | None = None


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _alternation_source(terms: Iterable[str]) -> str:
    # Longest first so "old people" wins over "old"; terms are regex fragments.
    ordered = sorted(terms, key=len, reverse=True)
    return r"\b(?:" + "|".join(ordered) + r")\b"


def _alternation(terms: Iterable[str]) -> re.Pattern[str]:
    return _compile(_alternation_source(terms))


def _groups(c5: dict[str, Any]) -> list[str]:
    """Identity terms, identity words with any word for people, and pointing phrases."""
    adjectives = "|".join(sorted(c5.get("identity_adjectives", []), key=len, reverse=True))
    nouns = "|".join(c5.get("people_nouns", []))
    combined = [f"(?:{adjectives})\\s+(?:{nouns})"] if adjectives and nouns else []
    return [*c5["identity_terms"], *combined, *c5.get("group_references", [])]


def _group_patterns(c5: dict[str, Any]) -> tuple[tuple[bool, re.Pattern[str]], ...]:
    ordered = sorted(_groups(c5), key=len, reverse=True)
    parts = {
        "group": r"\b(?:" + "|".join(ordered) + r")\b",
        "dehumanising": "|".join(c5.get("dehumanising", [])) or "(?!)",
        "traits": "|".join(c5.get("traits", [])) or "(?!)",
    }
    compiled = []
    for pattern in c5.get("group_patterns", []):
        expanded = pattern.replace("{dehumanising}", parts["dehumanising"])
        expanded = expanded.replace("{traits}", parts["traits"])
        expanded = expanded.replace("{group}", parts["group"])
        compiled.append((pattern.startswith("{group}"), _compile(expanded)))
    return tuple(compiled)


def load_rules(data: dict[str, Any]) -> Rules:
    c5 = data["c5"]
    return Rules(
        version=str(data["version"]),
        phrases=tuple(
            _Phrase(
                id=p["id"],
                c_id=p["c_id"],
                severity=p["severity"],
                pattern=_compile(p["pattern"]),
                unless=tuple(_compile(u) for u in p.get("unless", [])),
                explanation=p["explanation"],
                suggestion=p["suggestion"],
                needs=quick_test(p["pattern"]),
                litotes=bool(p.get("litotes", False)),
            )
            for p in data["phrase"]
        ),
        identity=_alternation(_groups(c5)),
        pejorative=_alternation(c5["pejorative_terms"]),
        group_patterns=_group_patterns(c5),
        window=int(c5["window_words"]),
        reported_speech=_compile(c5["reported_speech"]),
        slur_digests=frozenset(c5["slur_sha256"]),
        group_explanation=c5["group_explanation"],
        group_suggestion=c5["group_suggestion"],
        slur_explanation=c5["slur_explanation"],
        slur_suggestion=c5["slur_suggestion"],
        presence=tuple(
            _Presence(
                id=p["id"],
                c_id=p["c_id"],
                severity=p["severity"],
                kinds=frozenset(p["kinds"]),
                any_of=tuple(_compile(a) for a in p["any_of"]),
                explanation=p["explanation"],
                suggestion=p["suggestion"],
            )
            for p in data["presence"]
        ),
        identity_needs=quick_test(_alternation_source(_groups(c5))),
    )


@cache
def default_rules() -> Rules:
    with RULES_PATH.open("rb") as f:
        return load_rules(tomllib.load(f))


def slur_digest(term: str) -> str:
    """The digest the rules keep for a slur (add one: put this in `slur_sha256`)."""
    return hashlib.sha256(_normalise_word(term).encode()).hexdigest()


def _normalise_word(word: str) -> str:
    folded = word.lower()
    if not folded.isascii():  # ASCII is its own NFKD form: only other text needs folding
        folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    folded = folded.translate(_LEET).strip("'*")
    if not folded.endswith("s"):
        return folded
    # Plurals and possessives share the singular's digest.
    for ending in ("'s", "s"):
        if folded.endswith(ending) and len(folded) > len(ending) + 2:
            return folded[: -len(ending)]
    return folded
