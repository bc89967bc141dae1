"""What the Stack Exchange politeness file itself allows: reference points for the model's
accuracy, computed on the same top and bottom quartiles `bench/courtesy/run.py` uses.

- The paper's own bag-of-words baseline, rebuilt as the paper describes it: binary unigrams
  and a linear SVM, in-domain, with 50-fold cross-validation standing in for leave-one-out
  (each test fold is 2% of the requests). The paper reports 74.47% for it on Stack Exchange;
  its best model, 78.19%.
- How often one annotator agrees with the others. Each request has five ratings, z-scored
  per annotator (as `Normalized Score` is). Held out one annotator at a time:
  `others_quartile` asks whether the held-out rating falls on the same side of that
  annotator's median as the request's quartile by the other four annotators (quartiles over
  every request): what a single new reader would score against the label. `others_sign`
  keeps the requests whose five-annotator score is in a quartile (the label includes the
  held-out rating, which makes it easier) and compares signs. `pairwise` is two annotators'
  agreement on the side of their medians, over the labelled requests.

Usage: python bench/courtesy/reference_points.py [--corpus PATH] [--folds 50]
Prints a table on stderr and one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT))

from bench.courtesy.run import add_corpus_argument  # noqa: E402
from qa.politeness_training import SEED, load_quartiles  # noqa: E402

PAPER = {"bag_of_words": 0.7447, "best_model": 0.7819, "human": 0.8089}
ANNOTATORS = range(1, 6)


def bag_of_words(corpus: Path, folds: int) -> dict[str, float]:
    items = load_quartiles(corpus)
    texts, labels = [i.text for i in items], np.array([i.polite for i in items])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    found = {}
    for c in (0.02, 0.1, 1.0):
        pipeline = make_pipeline(CountVectorizer(binary=True), LinearSVC(C=c))
        accuracy = cross_val_score(pipeline, texts, labels, cv=splitter).mean()
        found[f"C={c}"] = round(float(accuracy), 4)
    return found


def _z_scores(rows: list[dict[str, str]]) -> np.ndarray:
    ratings: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        for k in ANNOTATORS:
            ratings[row[f"TurkId{k}"]].append(float(row[f"Score{k}"]))
    moments = {a: (float(np.mean(r)), float(np.std(r)) or 1.0) for a, r in ratings.items()}

    def z(row: dict[str, str], k: int) -> float:
        mean, sd = moments[row[f"TurkId{k}"]]
        return (float(row[f"Score{k}"]) - mean) / sd

    return np.array([[z(row, k) for k in ANNOTATORS] for row in rows])


def annotator_agreement(corpus: Path) -> dict[str, float]:
    with corpus.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    z = _z_scores(rows)
    mean = z.mean(axis=1)
    low, high = np.quantile(mean, [0.25, 0.75])
    labelled = (mean <= low) | (mean >= high)
    polite = mean[labelled] >= high
    others_quartile, others_sign = [], []
    for k in range(z.shape[1]):
        others = np.delete(z, k, axis=1).mean(axis=1)
        o_low, o_high = np.quantile(others, [0.25, 0.75])
        kept = (others <= o_low) | (others >= o_high)
        own = z[:, k] > np.median(z[:, k])
        others_quartile.append(np.mean(own[kept] == (others[kept] >= o_high)))
        others_sign.append(np.mean((z[labelled, k] > 0) == polite))
    pairwise = [
        np.mean((z[labelled, a] > 0) == (z[labelled, b] > 0)) for a, b in combinations(range(5), 2)
    ]
    return {
        "others_quartile": round(float(np.mean(others_quartile)), 4),
        "others_sign": round(float(np.mean(others_sign)), 4),
        "pairwise": round(float(np.mean(pairwise)), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    add_corpus_argument(parser)
    parser.add_argument("--folds", type=int, default=50)
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(json.dumps({"benchmark": "courtesy_reference_points", "corpus": None}))
        return
    result: dict[str, Any] = {
        "benchmark": "courtesy_reference_points",
        "corpus": args.corpus.name,
        "paper": PAPER,
        "bag_of_words_svm": bag_of_words(args.corpus, args.folds),
        "annotator_agreement": annotator_agreement(args.corpus),
    }
    for key in ("bag_of_words_svm", "annotator_agreement"):
        print(f"{key}: {result[key]}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
