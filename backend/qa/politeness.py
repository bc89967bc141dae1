"""Politeness: the probability that a reader finds a text polite.

The features are the politeness strategies of Danescu-Niculescu-Mizil, Sudhof, Jurafsky,
Leskovec and Potts, "A computational approach to politeness with application to social
factors" (ACL 2013, Table 3), plus word unigrams and bigrams. Each strategy is found sentence
by sentence, where the paper places it: at the sentence's start (please-start, greeting,
deference, direct start, first and second person start, "by the way"), in its first two
words (direct questions), anywhere but the start (please, first and second person), or
anywhere. A request is usually a sentence of context followed by the question itself, so a
strategy is also marked when it occurs in the first sentence (`@first`) or, for requests
of two sentences or more, the last (`@last`): "please" in the question reads differently
from "please" in the preamble.

A logistic regression trained on the Stack Exchange part of their corpus
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
from importlib.resources import files
from itertools import pairwise
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("politeness_model.json")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Words (with an apostrophe's tail), "?" and "!", and "@name" (addressing someone by handle,
# kept as one token whatever the name).
_TOKEN = re.compile(r"@\w+|[a-z0-9]+(?:['\u2019][a-z]+)?|[?!]")
ADDRESSEE = "@user"
_NOT_WORDS = frozenset({ADDRESSEE, "?", "!"})

_LISTS = tomllib.loads(
    Path(__file__).with_name("politeness_lexicon.toml").read_text(encoding="utf-8")
)
HEDGES = frozenset(_LISTS["hedges"].split())
HEDGE_PHRASES = tuple(_LISTS["hedge_phrases"])
FACTUALITY = frozenset(_LISTS["factuality"].split())
FACTUALITY_PHRASES = tuple(_LISTS["factuality_phrases"])


def _valence_lexicon() -> dict[str, float]:
    """VADER's word valences (-4..4, the mean of ten raters), shipped in the vadersentiment
    package under the MIT licence: word, mean, deviation and ratings, tab-separated."""
    text = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines())
    return {row[0]: float(row[1]) for row in rows if len(row) > 1 and row[0].isalpha()}


# A word is positive or negative when its mean valence is at least half a point from neutral
# (VADER rates "accuse" -0.8, "nice" 1.8).
_VALENCE = _valence_lexicon()
POSITIVE = frozenset(w for w, v in _VALENCE.items() if v >= 0.5)
NEGATIVE = frozenset(w for w, v in _VALENCE.items() if v <= -0.5)
del _VALENCE

# "thank you", "thanks", "I (really) appreciate", "much appreciated", "grateful".
GRATITUDE_STEMS = ("thank", "appreciat", "grateful")
APOLOGY = frozenset({"sorry", "oops", "woops", "apologies"})
APOLOGY_PHRASES = ("excuse me", "i apologize", "i apologise", "forgive me")
DEFERENCE_START = frozenset(
    {"great", "good", "nice", "interesting", "cool", "excellent", "awesome"}
)
GREETINGS = frozenset({"hi", "hello", "hey"})
DIRECT_START = frozenset({"so", "then", "and", "but", "or"})
# The paper's direct questions: what, why, who or how among a sentence's first two words.
WH_WORDS = frozenset({"what", "why", "who", "how"})
FIRST_SINGULAR = frozenset({"i", "my", "mine", "myself"})
FIRST_PLURAL = frozenset({"we", "our", "us", "ourselves"})
SECOND = frozenset({"you", "your", "yours", "yourself"})
# The paper's modals: counterfactual "could/would you", indicative "can/will you".
COUNTERFACTUAL = ("could you", "would you")
INDICATIVE = ("can you", "will you")

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


def tokens(text: str) -> list[str]:
    found = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    return [ADDRESSEE if t[0] == "@" else t for t in found]


def _sentences(text: str) -> list[list[str]]:
    # Tokens never span the whitespace sentences are split at, so the sentences' tokens
    # together are exactly the text's tokens.
    found = [tokens(s) for s in _SENTENCE_END.split(text)]
    return [s for s in found if s]


def _has_phrase(joined: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {p} " in joined for p in phrases)


def _sentence_strategies(sentence: list[str]) -> list[str]:
    """The strategies in one sentence. Its start is its first word after any "@name" and
    "?"/"!" (what a reader sees first); a clitic is cut off ("you've" is "you", "what's" is
    "what"), as the paper's tokeniser split it."""
    words = [t.split("'")[0] for t in sentence if t not in _NOT_WORDS]
    first = words[0] if words else ""
    vocabulary, inner = set(words), set(words[1:])
    joined = " " + " ".join(words) + " "
    found = {
        "gratitude": any(w.startswith(GRATITUDE_STEMS) for w in words),
        "deference": first in DEFERENCE_START,
        "greeting": first in GREETINGS,
        "positive_lexicon": bool(vocabulary & POSITIVE),
        "negative_lexicon": bool(vocabulary & NEGATIVE),
        "apologizing": bool(vocabulary & APOLOGY) or _has_phrase(joined, APOLOGY_PHRASES),
        "please": "please" in inner,
        "please_start": first == "please",
        "indirect_btw": joined.startswith(" by the way ") or first == "btw",
        "direct_question": bool(WH_WORDS.intersection(words[:2])),
        "direct_start": first in DIRECT_START,
        "counterfactual_modal": _has_phrase(joined, COUNTERFACTUAL),
        "indicative_modal": _has_phrase(joined, INDICATIVE),
        "first_person_start": first in FIRST_SINGULAR,
        "first_person_plural": bool(vocabulary & FIRST_PLURAL),
        "first_person": bool(inner & FIRST_SINGULAR),
        "second_person": bool(inner & SECOND),
        "second_person_start": first in SECOND,
        "hedges": bool(vocabulary & HEDGES) or _has_phrase(joined, HEDGE_PHRASES),
        "factuality": bool(vocabulary & FACTUALITY) or _has_phrase(joined, FACTUALITY_PHRASES),
    }
    return [name for name, present in found.items() if present]


def strategies(text: str) -> frozenset[str]:
    """The paper's strategies present in a text (each counted once)."""
    return frozenset(name for s in _sentences(text) for name in _sentence_strategies(s))


def features(text: str) -> set[str]:
    """Binary features: `s:<strategy>`, with `s:<strategy>@first` and `s:<strategy>@last`
    for where it occurs; `n:<sentences>` (1, 2 or 3 for three or more); `w:<word>` and
    `b:<word> <word>`, where a bigram may start at `<s>` or end at `</s>` (a sentence's first
    and last word). The text is split and tokenised once for all of them."""
    sentences = _sentences(text)
    last = len(sentences) - 1
    found = {f"n:{min(len(sentences), 3)}"}
    for k, sentence in enumerate(sentences):
        for name in _sentence_strategies(sentence):
            found.add(f"s:{name}")
            if k == 0:
                found.add(f"s:{name}@first")
            if k == last and k > 0:
                found.add(f"s:{name}@last")
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
