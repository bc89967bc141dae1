"""The screener's quick skips (`qa.screener_literals`) only save time: with or without them,
every text gets the same flags."""

import dataclasses
from pathlib import Path

import pytest

from qa.screener import TextKind, screen
from qa.screener_literals import may_match, quick_test, required_literals
from qa.screener_quality import load_labelled
from qa.screener_rules import Rules, default_rules

ROOT = Path(__file__).resolve().parents[2]
LABELLED = [
    ROOT / "tests" / "qa" / "courtesy_fixtures.txt",
    ROOT / "bench" / "courtesy" / "holdout.txt",
    ROOT / "bench" / "courtesy" / "holdout_c5.txt",
]


def _without_quick_skips(rules: Rules) -> Rules:
    return dataclasses.replace(
        rules,
        phrases=tuple(dataclasses.replace(p, needs=None) for p in rules.phrases),
        identity_needs=None,
    )


def _texts() -> list[str]:
    texts = [item.text for path in LABELLED for item in load_labelled(path)]
    variants = [
        *(t.upper() for t in texts),
        *(t.replace("'", "\u2019").replace("e", "\u00e9") for t in texts),
        *(t.replace(". ", ".\n") for t in texts),
    ]
    return texts + variants


@pytest.mark.parametrize("kind", ["public_note", "call_notes"])
def test_quick_skips_never_change_a_screening(kind: TextKind) -> None:
    fast = default_rules()
    slow = _without_quick_skips(fast)
    assert any(p.needs is not None for p in fast.phrases)
    assert fast.identity_needs is not None
    for text in _texts():
        assert screen(text, kind=kind, rules=fast) == screen(text, kind=kind, rules=slow), text


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(?:calm|settle) (?:yourself )?down\b", {"down"}),
        (r"\bno way (?:that|we)\b", {"no way "}),
        (r"\b(?:gay|deaf)\s+(?:people|women)\b", {"people", "women"}),
        (r"\bhow many times\b|\bforget (?:about )?it\b", {"how many times", "forget "}),
        (r"\b\w+\b", None),  # nothing literal: always run the pattern
        (r"(?:it[\x27\u2019]?s)? fine", {" fine"}),
    ],
)
def test_required_literals_are_strings_every_match_contains(
    pattern: str, expected: set[str] | None
) -> None:
    assert required_literals(pattern) == (None if expected is None else frozenset(expected))


def test_a_pattern_is_skipped_only_for_ascii_text_without_its_strings() -> None:
    test = quick_test(r"\bcalm down\b")
    assert not may_match(test, "the street is quiet")
    assert may_match(test, "please calm down")
    assert may_match(test, None)  # text that is not ASCII always runs the pattern
    assert may_match(None, "anything")
