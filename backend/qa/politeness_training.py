"""Training the politeness model (the paper's protocol): the top and bottom quartiles of the
Stack Exchange requests by normalised score, polite against impolite; scikit-learn's logistic
regression over the strategies and word n-grams of `qa.politeness`; stored as JSON numbers.

Only the Stack Exchange part of the corpus is ever read here; its Wikipedia part is kept for
independent evaluation.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from qa.politeness import PolitenessModel, features

MODEL_VERSION = "2026.11-se-3"
# The regularisation strengths tried, each scored by cross-validation inside the training
# requests only (so the folds that measure the model never choose it), and the smallest number
# of training requests a word n-gram must occur in.
C_GRID = (0.03, 0.1, 0.3, 1.0)
INNER_FOLDS = 5
MIN_COUNT = 3
SEED = 2013
_NGRAM = ("w:", "b:")


@dataclass(frozen=True)
class Labelled:
    text: str
    polite: int


def load_quartiles(path: Path) -> list[Labelled]:
    """Top quartile polite (1), bottom quartile impolite (0), in file order."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [(r["Request"], float(r["Normalized Score"])) for r in csv.DictReader(f)]
    scores = np.array([s for _, s in rows])
    low, high = np.quantile(scores, [0.25, 0.75])
    return [
        Labelled(text, 1 if score >= high else 0)
        for text, score in rows
        if score >= high or score <= low
    ]


def _fitted(matrix: Any, labels: Sequence[int]) -> LogisticRegression:
    """Logistic regression whose C is chosen by stratified k-fold inside the given requests
    (fewer folds for a tiny set; the middle of the grid when there are too few to split)."""
    folds = min(INNER_FOLDS, *Counter(labels).values())
    if folds < 2:
        return LogisticRegression(C=C_GRID[1], max_iter=2000).fit(matrix, labels)
    search = GridSearchCV(
        LogisticRegression(max_iter=2000),
        {"C": list(C_GRID)},
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED),
        scoring="accuracy",
    )
    search.fit(matrix, labels)
    best: LogisticRegression = search.best_estimator_
    return best


def fit(items: Sequence[Labelled], *, version: str = MODEL_VERSION) -> PolitenessModel:
    docs = [features(i.text) for i in items]
    counts = Counter(f for d in docs for f in d)
    # Strategies and the sentence count always stay; rare n-grams would only memorise a request.
    kept = [{f: 1 for f in d if not f.startswith(_NGRAM) or counts[f] >= MIN_COUNT} for d in docs]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(kept)
    classifier = _fitted(matrix, [i.polite for i in items])
    names = vectorizer.get_feature_names_out()
    weights = {str(n): float(w) for n, w in zip(names, classifier.coef_[0], strict=True)}
    return PolitenessModel(
        version=version,
        intercept=float(classifier.intercept_[0]),
        weights=weights,
        regularisation_c=float(classifier.C),
    )


@dataclass(frozen=True)
class CrossValidation:
    folds: int
    requests: int
    accuracy: float
    accuracy_sd: float
    auc: float


def cross_validate(items: Sequence[Labelled], *, folds: int = 10) -> CrossValidation:
    """K-fold: each fold's model is fitted on the other folds only (vocabulary included) and
    scored through the same code that scores texts in production."""
    labels = np.array([i.polite for i in items])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    accuracies: list[float] = []
    probabilities = np.zeros(len(items))
    for train, test in splitter.split(np.zeros(len(items)), labels):
        model = fit([items[k] for k in train])
        predicted = np.array([model.probability(items[k].text) for k in test])
        probabilities[test] = predicted
        accuracies.append(float(accuracy_score(labels[test], predicted >= 0.5)))
    return CrossValidation(
        folds=folds,
        requests=len(items),
        accuracy=float(np.mean(accuracies)),
        accuracy_sd=float(np.std(accuracies)),
        auc=float(roc_auc_score(labels, probabilities)),
    )
