"""What the words of a request say about its owner: a text model as two routing features.

Semi-free subtypes and details ("county_clerk - county_clerk - complaint", "Light_Burnt_Out
on Wood pole", an NYC descriptor) name their owner in words that exact-match rules cannot
generalise: a subtype never seen before still says "county_clerk". A TF-IDF and naive Bayes
model (scikit-learn) reads the request's words and predicts a department (`text:department`)
and a unit (`text:unit`). The predictions are only features: learned rules keyed on them
(service + predicted department, department + predicted unit) count what really happened,
so history decides, with the same evidence and back-off as every other family, how far the
words can be trusted for each service. The model is stored as JSON numbers, never a pickle.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB

from routing.model import RoutingInput

DEPARTMENT, UNIT = "text:department", "text:unit"
# Contiguous slices of the learning rows: each is predicted by a model of the others, so
# the rules learn how often an unseen request's words are right, not how well the model
# remembers the rows it was trained on.
FOLDS = 5
# Predictions remembered per distinct text: requests repeat their words.
_CACHE_LIMIT = 50_000
_OPTIONS: dict[str, Any] = {
    "lowercase": True,
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "strip_accents": "unicode",
}


def text_of(request: RoutingInput) -> str:
    """The words that say what a request is about; the service's name among them."""
    return " ".join(
        part
        for part in (request.service, request.subtype, request.details, request.description)
        if part
    )


def has_text(request: RoutingInput) -> bool:
    return bool(request.subtype or request.details or request.description)


class _Linear:
    """One target's naive Bayes parameters: a score per class is words x coef + intercept."""

    def __init__(self, classes: Sequence[str], coef: np.ndarray, intercept: np.ndarray) -> None:
        self.classes = [str(c) for c in classes]
        self.coef = coef
        self.intercept = intercept

    @classmethod
    def fit(cls, matrix: Any, labels: Sequence[str]) -> _Linear:
        model = MultinomialNB(alpha=0.1).fit(matrix, labels)
        return cls(model.classes_, model.feature_log_prob_, model.class_log_prior_)

    def predict(self, matrix: Any) -> list[str]:
        if len(self.classes) == 1:
            return [self.classes[0]] * matrix.shape[0]
        scores = matrix @ self.coef.T + self.intercept
        return [self.classes[int(i)] for i in np.asarray(scores).argmax(axis=1)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "coef": [[round(float(x), 5) for x in row] for row in self.coef],
            "intercept": [round(float(x), 5) for x in self.intercept],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _Linear:
        return cls(
            data["classes"],
            np.asarray(data["coef"], dtype=float),
            np.asarray(data["intercept"], dtype=float),
        )


class TextModel:
    def __init__(
        self, vectorizer: TfidfVectorizer, department: _Linear, unit: _Linear | None
    ) -> None:
        self.vectorizer = vectorizer
        self.department = department
        self.unit = unit
        self._cache: dict[str, tuple[str, str]] = {}

    @classmethod
    def train(
        cls, texts: Sequence[str], departments: Sequence[str], units: Sequence[str]
    ) -> TextModel | None:
        """None when the words cannot be learned (no vocabulary, a single owner)."""
        if len(set(departments)) < 2:
            return None
        vectorizer = TfidfVectorizer(**_OPTIONS)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # no word at all
            return None
        with_unit = [i for i, unit in enumerate(units) if unit]
        unit = _Linear.fit(matrix[with_unit], [units[i] for i in with_unit]) if with_unit else None
        return cls(vectorizer, _Linear.fit(matrix, departments), unit)

    def predict(self, texts: Sequence[str]) -> list[tuple[str, str]]:
        """(department, unit) for each text, remembered for the next request with the same."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > _CACHE_LIMIT:
                self._cache.clear()
            matrix = self.vectorizer.transform(missing)
            departments = self.department.predict(matrix)
            units = self.unit.predict(matrix) if self.unit else [""] * len(missing)
            self._cache.update(zip(missing, zip(departments, units, strict=True), strict=True))
        return [self._cache[t] for t in texts]

    def features(self, text: str) -> dict[str, str]:
        cached = self._cache.get(text)
        department, unit = cached if cached is not None else self.predict([text])[0]
        found = {DEPARTMENT: department.casefold()}
        if unit:
            found[UNIT] = unit.casefold()
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "vocabulary": {term: int(i) for term, i in self.vectorizer.vocabulary_.items()},
            "idf": [round(float(x), 6) for x in self.vectorizer.idf_],
            "department": self.department.as_dict(),
            "unit": self.unit.as_dict() if self.unit else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextModel:
        vectorizer = TfidfVectorizer(**_OPTIONS)
        vectorizer.vocabulary_ = {str(k): int(v) for k, v in data["vocabulary"].items()}
        vectorizer.idf_ = np.asarray(data["idf"], dtype=float)
        unit = data.get("unit")
        return cls(
            vectorizer,
            _Linear.from_dict(data["department"]),
            _Linear.from_dict(unit) if unit else None,
        )


def cross_predictions(
    texts: Sequence[str], departments: Sequence[str], units: Sequence[str]
) -> list[tuple[str, str]] | None:
    """Each row's prediction by a model that never saw its slice of the rows."""
    count = len(texts)
    edges = [count * k // FOLDS for k in range(FOLDS + 1)]
    found: list[tuple[str, str]] = []
    for start, end in itertools.pairwise(edges):
        rest = [i for i in range(count) if not start <= i < end]
        model = TextModel.train(
            [texts[i] for i in rest], [departments[i] for i in rest], [units[i] for i in rest]
        )
        if model is None:
            return None
        found.extend(model.predict(texts[start:end]))
    return found


def prime(model: TextModel | None, requests: Iterable[RoutingInput]) -> None:
    """Predict every distinct text at once (one matrix), before routing them one by one."""
    if model is not None:
        model.predict([text_of(r) for r in requests])
