"""Suggest a service from free text (a phone call, "other"), for a person to confirm.

A TF-IDF + logistic-regression model from scikit-learn, trained on past requests. It is
stored as plain JSON (vocabulary, IDF weights, coefficients), never as a pickle, so a rule
file from anywhere can be loaded without running its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from routing.model import ServiceSuggestion

MIN_EXAMPLES = 20

_VECTORIZER_OPTIONS: dict[str, Any] = {
    "lowercase": True,
    "ngram_range": (1, 2),
    "min_df": 2,
    "sublinear_tf": True,
    "strip_accents": "unicode",
}


class ServiceClassifier:
    def __init__(self, vectorizer: TfidfVectorizer, model: LogisticRegression) -> None:
        self.vectorizer = vectorizer
        self.model = model

    @property
    def services(self) -> list[str]:
        return [str(c) for c in self.model.classes_]

    @classmethod
    def train(cls, texts: Sequence[str], services: Sequence[str]) -> ServiceClassifier | None:
        """None when history has too little text to learn from (fewer than two services)."""
        pairs = [(t, s) for t, s in zip(texts, services, strict=True) if t.strip() and s]
        classes = len({s for _, s in pairs})
        # Fewer than two examples per service on average is not enough to learn from.
        if len(pairs) < max(MIN_EXAMPLES, 2 * classes) or classes < 2:
            return None
        vectorizer = TfidfVectorizer(**_VECTORIZER_OPTIONS)
        try:
            matrix = vectorizer.fit_transform([t for t, _ in pairs])
        except ValueError:  # every word is too rare: no vocabulary
            return None
        model = LogisticRegression(max_iter=1000, C=5.0)
        model.fit(matrix, [s for _, s in pairs])
        return cls(vectorizer, model)

    def suggest(self, text: str, *, top: int = 3) -> list[ServiceSuggestion]:
        """The likeliest services; none when not one word of the text was seen in training
        (the class priors alone would put the commonest service first for "zzqx")."""
        features = self.vectorizer.transform([text])
        if features.nnz == 0:
            return []
        probabilities = self.model.predict_proba(features)[0]
        order = np.argsort(-probabilities)[:top]
        return [
            ServiceSuggestion(
                service=str(self.model.classes_[i]), probability=float(probabilities[i])
            )
            for i in order
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "vocabulary": {term: int(i) for term, i in self.vectorizer.vocabulary_.items()},
            "idf": [float(x) for x in self.vectorizer.idf_],
            "classes": self.services,
            "coef": [[float(x) for x in row] for row in self.model.coef_],
            "intercept": [float(x) for x in self.model.intercept_],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServiceClassifier:
        vectorizer = TfidfVectorizer(**_VECTORIZER_OPTIONS)
        vectorizer.vocabulary_ = {str(k): int(v) for k, v in data["vocabulary"].items()}
        vectorizer.idf_ = np.asarray(data["idf"], dtype=float)
        model = LogisticRegression()
        model.classes_ = np.asarray(data["classes"])
        model.coef_ = np.asarray(data["coef"], dtype=float)
        model.intercept_ = np.asarray(data["intercept"], dtype=float)
        if len(model.classes_) == 2 and model.coef_.shape[0] != 1:
            raise ValueError("a two-service classifier has one row of coefficients")
        return cls(vectorizer, model)
