"""The courtesy screener: what a written text says that the courtesy standard asks us not to say.

Plain Python (no Django), so the CLI, the benchmark and the services share one implementation.
Rules are data (`courtesy_rules.toml`), versioned: every screening records the version it
used, so a flag can be traced to the rule and the standard (C-id) that produced it.

- C4/C6 phrase patterns: inflaming or bouncing phrases, each with an explanation and a
  suggested rewording; `unless` patterns keep friendly idioms ("no problem at all",
  "I can't wait to get this fixed") out.
- C5: an identity term near a pejorative in the same sentence, and a slur list kept as
  SHA-256 digests (the repository does not spell the slurs out).
- Presence checks for call notes: a greeting (C1) and a recap with the reference (C11).
- Politeness (`qa.politeness`): how likely a reader finds the text polite. It lowers the score
  of a curt text and gives the writer a hint; it never blocks and is never a flag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from qa.politeness import NEGATIVE
from qa.politeness import politeness as politeness_of
from qa.screener_literals import may_match
from qa.screener_rules import Rules, default_rules, slur_digest

Severity = Literal["critical", "high", "medium", "low"]
# How much one flag of each severity costs the 0-1 courtesy score.
SEVERITY_COST: dict[str, float] = {"critical": 1.0, "high": 0.35, "medium": 0.2, "low": 0.1}
TextKind = Literal["public_note", "internal_note", "call_notes", "message"]
# Below this politeness a text "reads as curt"; at or above NEUTRAL_POLITENESS it costs nothing.
CURT_BELOW = 0.4
NEUTRAL_POLITENESS = 0.5
CURT_HINT = "This reads as curt: consider thanking them and saying what happens next."

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[\w'$@*]+", re.UNICODE)


@dataclass(frozen=True)
class Flag:
    c_id: str
    rule: str
    start: int
    end: int
    text: str
    severity: str
    explanation: str
    suggestion: str

    @property
    def blocks_sending(self) -> bool:
        return self.severity == "critical"


@dataclass(frozen=True)
class Screening:
    rules_version: str
    flags: list[Flag] = field(default_factory=list)
    politeness: float = NEUTRAL_POLITENESS

    @property
    def score(self) -> float:
        """The rules' score (1.0 with nothing flagged, 0.0 for anything critical, C5) times a
        politeness factor: 1 for a text that reads as polite or neutral, down to 0.6 for one
        that reads as plainly impolite."""
        factor = min(1.0, 0.6 + 0.8 * self.politeness)
        return round(self.rules_score * factor, 3)

    @property
    def rules_score(self) -> float:
        """The flags alone: 1.0 with nothing flagged, 0.0 for anything critical."""
        cost = sum(SEVERITY_COST[f.severity] for f in self.flags)
        return round(max(0.0, 1.0 - cost), 3)

    @property
    def hint(self) -> str | None:
        """Advice for the writer when the text reads as curt (never a reason to refuse it)."""
        return CURT_HINT if self.politeness < CURT_BELOW else None

    @property
    def blocked(self) -> bool:
        return any(f.blocks_sending for f in self.flags)

    @property
    def c_ids(self) -> list[str]:
        return sorted({f.c_id for f in self.flags})

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "score": self.score,
            "rules_score": self.rules_score,
            "politeness": self.politeness,
            "hint": self.hint,
            "blocked": self.blocked,
            "flags": [asdict(f) for f in self.flags],
        }


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield start, text[start : m.start()]
        start = m.end()
    yield start, text[start:]


def _phrase_flags(
    rules: Rules, offset: int, sentence: str, lowered: str | None = None
) -> Iterable[Flag]:
    for rule in rules.phrases:
        if not may_match(rule.needs, lowered):
            continue
        for m in rule.pattern.finditer(sentence):
            if any(u.search(sentence) for u in rule.unless):
                continue
            if rule.litotes and _litotes(m.group(0), sentence[m.end() :]):
                continue
            yield Flag(
                rule.c_id,
                rule.id,
                offset + m.start(),
                offset + m.end(),
                m.group(0),
                rule.severity,
                rule.explanation,
                rule.suggestion,
            )


_IMPERSONAL = frozenset({"it", "that", "this"})


def _litotes(match: str, after: str) -> bool:
    """A refusal whose subject is nobody ("it", "that") of something with a negative valence
    within two words ("it can't hurt to ask", "that can't go wrong") refuses nothing to
    anyone: it says something bad will not happen."""
    subject = match.split(maxsplit=1)[0].lower()
    return subject in _IMPERSONAL and any(w in NEGATIVE for w in _WORD.findall(after.lower())[:2])


def _word_index(sentence: str, position: int) -> int:
    return len(_WORD.findall(sentence[:position]))


def _inside_quotes(sentence: str, position: int) -> bool:
    before = sentence[:position]
    straight = before.count('"') % 2 == 1
    curly = before.count("\u201c") > before.count("\u201d")
    return straight or curly


def _group_flag(rules: Rules, offset: int, sentence: str, start: int, end: int) -> Flag:
    return Flag(
        "C5",
        "c5-group-pejorative",
        offset + start,
        offset + end,
        sentence[start:end],
        "critical",
        rules.group_explanation,
        rules.group_suggestion,
    )


def _group_flags(
    rules: Rules, offset: int, sentence: str, lowered: str | None = None
) -> Iterable[Flag]:
    if not may_match(rules.identity_needs, lowered):
        return
    identities = list(rules.identity.finditer(sentence))
    if not identities:
        return
    reported = rules.reported_speech.search(sentence) is not None
    # Sentence shapes first (exclusion, dehumanising, generic statements about a group).
    for at_group, pattern in rules.group_patterns:
        found = (
            [pattern.match(sentence, who.start()) for who in identities]
            if at_group
            else [pattern.search(sentence)]
        )
        for m in found:
            if m and not (reported and _inside_quotes(sentence, m.start())):
                yield _group_flag(rules, offset, sentence, m.start(), m.end())
                return
    pejoratives = list(rules.pejorative.finditer(sentence))
    for who in identities:
        for bad in pejoratives:
            distance = abs(_word_index(sentence, who.start()) - _word_index(sentence, bad.start()))
            if distance > rules.window:
                continue
            # Staff describing hateful graffiti or a sign they are removing, in quotes,
            # are reporting it, not saying it.
            if _inside_quotes(sentence, who.start()) and rules.reported_speech.search(sentence):
                continue
            start, end = min(who.start(), bad.start()), max(who.end(), bad.end())
            yield _group_flag(rules, offset, sentence, start, end)
            return


def _slur_flags(rules: Rules, offset: int, sentence: str) -> Iterable[Flag]:
    # Each distinct word is hashed once; only a sentence with a slur is walked for positions.
    digests = rules.slur_digests
    slurs = {w for w in set(_WORD.findall(sentence)) if slur_digest(w) in digests}
    if not slurs:
        return
    for m in _WORD.finditer(sentence):
        if m.group(0) in slurs:
            yield Flag(
                "C5",
                "c5-slur",
                offset + m.start(),
                offset + m.end(),
                m.group(0),
                "critical",
                rules.slur_explanation,
                rules.slur_suggestion,
            )


def _presence_flags(rules: Rules, text: str, kind: str) -> Iterable[Flag]:
    for check in rules.presence:
        if kind in check.kinds and not any(p.search(text) for p in check.any_of):
            yield Flag(
                check.c_id, check.id, 0, 0, "", check.severity, check.explanation, check.suggestion
            )


def screen(text: str, *, kind: TextKind = "public_note", rules: Rules | None = None) -> Screening:
    """Flags (C-id, span, severity, explanation, suggestion) and a 0-1 courtesy score."""
    rules = rules or default_rules()
    flags: list[Flag] = []
    # The quick skips read ASCII text lower-cased; other text runs every pattern.
    lowered = text.lower() if text.isascii() else None
    for offset, sentence in _sentences(text):
        low = lowered[offset : offset + len(sentence)] if lowered is not None else None
        flags.extend(_phrase_flags(rules, offset, sentence, low))
        flags.extend(_group_flags(rules, offset, sentence, low))
        flags.extend(_slur_flags(rules, offset, sentence))
    flags.extend(_presence_flags(rules, text, kind))
    return Screening(rules.version, _without_overlaps(flags), politeness_of(text))


def _without_overlaps(flags: Sequence[Flag]) -> list[Flag]:
    """One flag per span: where two rules of the same standard match the same words, the
    more severe one stays."""
    rank = {s: i for i, s in enumerate(SEVERITY_COST)}
    kept: list[Flag] = []
    for flag in sorted(flags, key=lambda f: (rank[f.severity], f.start)):
        if any(
            k.c_id == flag.c_id and k.end > flag.start and flag.end > k.start and k.end > k.start
            for k in kept
        ):
            continue
        kept.append(flag)
    return sorted(kept, key=lambda f: (f.start, f.c_id))
