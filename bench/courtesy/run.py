"""Courtesy benchmark: the screener's rules, the politeness model, and their speed.

Rules: precision and recall per C-id on two sets kept apart:
- `tests/qa/courtesy_fixtures.txt`, the development set the rules were written from;
- `bench/courtesy/holdout.txt` and `bench/courtesy/holdout_c5.txt`, held out (never used to
  tune the rules). Targets are judged on the held-out sets only: C5 recall >= 0.8 with false
  alarms <= 3% on neutral posts that name a group; C4 precision >= 0.9 and recall >= 0.85.

Politeness: 10-fold cross-validated accuracy and ROC AUC of the model's recipe on the top and
bottom quartiles of the Stack Exchange politeness corpus (each fold's model fitted on the
other nine folds, vocabulary included, its C chosen by 5-fold cross-validation inside those
nine folds only), beside the paper's in-domain figure; and sentences scored per second on one
core by the stored model and by the whole screener, with the machine's load average (the
figures are only comparable at similar load).

Usage: python bench/courtesy/run.py [--corpus PATH] [--folds 10] [--folds 0: speed and rules only]
(default corpus: ../shared/data/courtesy/stack-exchange.annotated.csv from the repository
root, or $CIVIC311_POLITENESS_CORPUS). Prints a table on stderr and one JSON object on the
last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "backend"))

from qa.politeness import default_model, politeness  # noqa: E402
from qa.politeness_training import C_GRID, cross_validate, load_quartiles  # noqa: E402
from qa.screener import screen  # noqa: E402
from qa.screener_quality import Labelled, evaluate, load_labelled  # noqa: E402
from qa.screener_rules import default_rules  # noqa: E402

HERE = Path(__file__).resolve().parent
DEVELOPMENT = ROOT / "tests" / "qa" / "courtesy_fixtures.txt"
HELD_OUT = [HERE / "holdout.txt", HERE / "holdout_c5.txt"]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "courtesy" / "stack-exchange.annotated.csv"
C_IDS = ("C4", "C5", "C6")
PAPER_IN_DOMAIN_ACCURACY = 0.782


def rule_figures(items: list[Labelled]) -> dict[str, Any]:
    figures: dict[str, Any] = {"sentences": len(items)}
    for q in evaluate(items, c_ids=C_IDS):
        figures[q.c_id] = {
            "precision": round(q.precision, 3),
            "recall": round(q.recall, 3),
            "support": q.support,
            "flagged": q.flagged,
        }
    neutral = [i for i in items if not i.labels]
    alarms = sum("C5" in screen(i.text).c_ids for i in neutral)
    figures["C5"]["false_alarm_rate"] = round(alarms / len(neutral), 3) if neutral else None
    return figures


def per_second(texts: list[str], score: Any, seconds: float = 2.0) -> float:
    """Texts scored per second of this process's CPU time: one core's throughput, which other
    work on a shared machine changes far less than it changes wall-clock time."""
    done, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for text in texts:
            score(text)
        done += len(texts)
    return done / (time.process_time() - started)


def politeness_figures(corpus: Path, folds: int) -> dict[str, Any]:
    if folds < 2:
        return {"corpus": None, "note": "cross-validation skipped (--folds below 2)"}
    if not corpus.is_file():
        return {"corpus": None, "note": f"{corpus.name} not found: cross-validation skipped"}
    cv = cross_validate(load_quartiles(corpus), folds=folds)
    return {
        "corpus": corpus.name,
        "requests": cv.requests,
        "folds": cv.folds,
        "accuracy": round(cv.accuracy, 4),
        "accuracy_sd": round(cv.accuracy_sd, 4),
        "auc": round(cv.auc, 4),
        "regularisation_c_grid": list(C_GRID),
        "paper_accuracy": PAPER_IN_DOMAIN_ACCURACY,
        "beats_paper": cv.accuracy > PAPER_IN_DOMAIN_ACCURACY,
    }


def add_corpus_argument(parser: argparse.ArgumentParser) -> None:
    """--corpus: the Stack Exchange politeness file (CIVIC311_POLITENESS_CORPUS, or beside the
    project)."""
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("CIVIC311_POLITENESS_CORPUS", DEFAULT_CORPUS)),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    add_corpus_argument(parser)
    parser.add_argument("--folds", type=int, default=10)
    args = parser.parse_args()
    development = load_labelled(DEVELOPMENT)
    held_out = [item for path in HELD_OUT for item in load_labelled(path)]
    result: dict[str, Any] = {
        "benchmark": "courtesy",
        "rules_version": default_rules().version,
        "politeness_model_version": default_model().version,
        "development": rule_figures(development),
        "held_out": rule_figures(held_out),
    }
    for name in ("development", "held_out"):
        for c_id in C_IDS:
            q = result[name][c_id]
            print(
                f"{name:11} {c_id}: precision {q['precision']:.3f} recall {q['recall']:.3f} "
                f"(support {q['support']})",
                file=sys.stderr,
            )
    c5, c4 = result["held_out"]["C5"], result["held_out"]["C4"]
    result["targets_met_on_held_out"] = {
        "C5": c5["recall"] >= 0.8 and c5["false_alarm_rate"] <= 0.03,
        "C4": c4["precision"] >= 0.9 and c4["recall"] >= 0.85,
    }
    result["politeness"] = politeness_figures(args.corpus, args.folds)
    print(f"politeness: {result['politeness']}", file=sys.stderr)
    texts = [i.text for i in development + held_out]
    result["politeness_sentences_per_second"] = round(per_second(texts, politeness))
    result["screen_sentences_per_second"] = round(per_second(texts, screen))
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
