"""Politeness: the probability that a reader finds a text polite.

The features are the politeness strategies of Danescu-Niculescu-Mizil, Sudhof, Jurafsky,
Leskovec and Potts, "A computational approach to politeness with application to social
factors" (ACL 2013), computed here from words and sentence starts, plus word unigrams and
bigrams. A logistic regression trained on the Stack Exchange part of their corpus
(`qa.politeness_training`, `manage.py train_politeness`) is stored as JSON numbers beside the
courtesy rules (`politeness_model.json`) and scored here as a sparse dot product: plain Python,
no Django and no scikit-learn at inference.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("politeness_model.json")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_TOKEN = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?|[?!]")

# Small lexicons written for this project, kept as data.
_LEXICON = {
    name: frozenset(words.split())
    for name, words in tomllib.loads(
        Path(__file__).with_name("politeness_lexicon.toml").read_text(encoding="utf-8")
    ).items()
}
POSITIVE = _LEXICON["positive"]
NEGATIVE = _LEXICON["negative"]
HEDGES = _LEXICON["hedges"]
GRATITUDE = frozenset({"thank", "thanks", "thankful", "appreciate", "appreciated", "grateful"})
APOLOGY = frozenset({"sorry", "apologize", "apologise", "apologies", "oops", "woops", "pardon"})
DEFERENCE_START = frozenset(
    {"great", "good", "nice", "interesting", "cool", "excellent", "awesome", "wonderful"}
)
GREETINGS = frozenset({"hi", "hello", "hey", "greetings", "dear"})
DIRECT_START = frozenset({"so", "then", "and", "but", "or"})
# The paper's direct questions open with what, why, who or how.
WH_WORDS = frozenset({"what", "why", "who", "how"})
FIRST_SINGULAR = frozenset({"i", "my", "me", "mine", "myself", "i'm", "i've", "i'll", "i'd"})
FIRST_PLURAL = frozenset({"we", "our", "us", "ours", "ourselves", "we're", "we've", "we'll"})
SECOND = frozenset(
    {"you", "your", "yours", "yourself", "you're", "you've", "you'll", "you'd", "u", "ur"}
)
# The paper's modals: counterfactual "could/would you", indicative "can/will you".
COUNTERFACTUAL = frozenset({"could you", "would you"})
INDICATIVE = frozenset({"can you", "will you"})
APOLOGY_PAIRS = frozenset({"excuse me", "forgive me", "my bad", "my apologies"})
FACTUALITY = ("in fact", "actually", "the point", "the reality", "the truth", "really", "of course")

STRATEGIES = (
    "gratitude",
    "deference",
    "greeting",
    "positive_lexicon",
    "negative_lexicon",
    "apologizing",
    "please",
    "please_start",
    "indirect_btw",
    "direct_question",
    "direct_start",
    "counterfactual_modal",
    "indicative_modal",
    "first_person_start",
    "first_person_plural",
    "first_person",
    "second_person",
    "second_person_start",
    "hedges",
    "factuality",
)
_PUNCTUATION = frozenset({"?", "!"})


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def _sentences(text: str) -> list[list[str]]:
    # Tokens never span the whitespace sentences are split at, so the sentences' tokens
    # together are exactly the text's tokens.
    found = [tokens(s) for s in _SENTENCE_END.split(text)]
    return [s for s in found if s]


def _first_word(sentence: list[str]) -> str:
    for t in sentence:
        if t not in _PUNCTUATION:
            return t
    return ""


def _strategies(sentences: list[list[str]]) -> frozenset[str]:
    words = [t for s in sentences for t in s]
    vocabulary = set(words)
    pairs = {f"{a} {b}" for a, b in pairwise(words)}
    joined = " " + " ".join(words) + " "
    first_words = {_first_word(s) for s in sentences}
    # Words after the first of each sentence: "please" or "I" inside, not as the opener.
    inner = {t for s in sentences for t in s[1:]}
    found = {
        "gratitude": bool(vocabulary & GRATITUDE),
        "deference": bool(first_words & DEFERENCE_START),
        "greeting": bool(first_words & GREETINGS) or "good morning" in pairs,
        "positive_lexicon": bool(vocabulary & POSITIVE),
        "negative_lexicon": bool(vocabulary & NEGATIVE),
        "apologizing": bool(vocabulary & APOLOGY) or bool(pairs & APOLOGY_PAIRS),
        "please": "please" in inner,
        "please_start": "please" in first_words,
        "indirect_btw": "by the way" in joined or "btw" in vocabulary,
        "direct_question": any(_first_word(s) in WH_WORDS and s[-1] == "?" for s in sentences),
        "direct_start": bool(first_words & DIRECT_START),
        "counterfactual_modal": bool(pairs & COUNTERFACTUAL),
        "indicative_modal": bool(pairs & INDICATIVE),
        "first_person_start": bool(first_words & FIRST_SINGULAR),
        "first_person_plural": bool(vocabulary & FIRST_PLURAL),
        "first_person": bool(inner & FIRST_SINGULAR),
        "second_person": bool(inner & SECOND),
        "second_person_start": bool(first_words & SECOND),
        "hedges": bool(vocabulary & HEDGES),
        "factuality": any(f" {f} " in joined for f in FACTUALITY),
    }
    return frozenset(name for name, present in found.items() if present)


def strategies(text: str) -> frozenset[str]:
    """The paper's strategies present in a text (each counted once)."""
    return _strategies(_sentences(text))


def features(text: str) -> set[str]:
    """Binary features: `s:<strategy>`, `w:<word>` and `b:<word> <word>`, where a bigram may
    start at `<s>` or end at `</s>` (a sentence's first and last word). The text is split and
    tokenised once for all of them."""
    sentences = _sentences(text)
    found = {f"s:{name}" for name in _strategies(sentences)}
    for sentence in sentences:
        found.update(["w:" + w for w in sentence])
        padded = ["<s>", *sentence, "</s>"]
        found.update([f"b:{a} {b}" for a, b in pairwise(padded)])
    return found


@dataclass(frozen=True)
class PolitenessModel:
    version: str
    intercept: float
    weights: Mapping[str, float]
    # The regularisation chosen when it was trained (kept for the record, not for scoring).
    regularisation_c: float | None = None

    def probability(self, text: str) -> float:
        """P(polite): the logistic of the intercept plus the weights of the features present."""
        weights = self.weights
        z = self.intercept + sum([weights.get(f, 0.0) for f in features(text)])
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def as_json(self, **about: object) -> dict[str, object]:
        vocabulary = sorted(self.weights)
        return {
            "version": self.version,
            **about,
            "intercept": round(self.intercept, 6),
            "vocabulary": vocabulary,
            "coefficients": [round(self.weights[f], 6) for f in vocabulary],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> PolitenessModel:
        vocabulary = data["vocabulary"]
        coefficients = data["coefficients"]
        intercept = data["intercept"]
        if not (
            isinstance(vocabulary, list)
            and isinstance(coefficients, list)
            and len(vocabulary) == len(coefficients)
            and isinstance(intercept, int | float)
        ):
            raise ValueError("A model is a vocabulary, as many coefficients and an intercept.")
        return cls(
            version=str(data["version"]),
            intercept=float(intercept),
            weights={str(f): float(c) for f, c in zip(vocabulary, coefficients, strict=True)},
        )


@cache
def default_model() -> PolitenessModel:
    return PolitenessModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def politeness(text: str, *, model: PolitenessModel | None = None) -> float:
    """0-1: how likely a reader finds the text polite (0.5 when there is nothing to read)."""
    if not text.strip():
        return 0.5
    return round((model or default_model()).probability(text), 3)
