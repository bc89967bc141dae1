"""Courtesy screener benchmark: precision and recall per C-id on the labelled sentences.

Two sets: `tests/qa/courtesy_fixtures.txt` (the rules were tuned on it) and
`tests/qa/courtesy_holdout.txt` (written afterwards, never used for tuning), plus the
screening speed. Targets on the fixture set: C5 recall >= 0.95 with precision >= 0.9;
C4 precision >= 0.9 and recall >= 0.85.

Usage: python bench/courtesy/run.py
Prints a table on stderr and one JSON object on the last line of stdout.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "backend"))

from qa.screener import default_rules, screen  # noqa: E402
from qa.screener_quality import Labelled, evaluate, load_labelled  # noqa: E402

SETS = {
    "fixtures": ROOT / "tests" / "qa" / "courtesy_fixtures.txt",
    "holdout": ROOT / "tests" / "qa" / "courtesy_holdout.txt",
}
C_IDS = ("C4", "C5", "C6")


def quality(items: list[Labelled]) -> dict[str, Any]:
    return {
        q.c_id: {
            "precision": round(q.precision, 3),
            "recall": round(q.recall, 3),
            "support": q.support,
            "flagged": q.flagged,
        }
        for q in evaluate(items, c_ids=C_IDS)
    }


def speed(items: list[Labelled], rounds: int = 20) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for item in items:
            screen(item.text)
    return len(items) * rounds / (time.perf_counter() - started)


def main() -> None:
    result: dict[str, Any] = {"benchmark": "courtesy", "rules_version": default_rules().version}
    for name, path in SETS.items():
        items = load_labelled(path)
        result[name] = {"sentences": len(items), **quality(items)}
        for c_id in C_IDS:
            q = result[name][c_id]
            print(
                f"{name:9} {c_id}: precision {q['precision']:.3f} recall {q['recall']:.3f} "
                f"(support {q['support']})",
                file=sys.stderr,
            )
    fixtures = result["fixtures"]
    result["targets_met"] = {
        "C5": fixtures["C5"]["recall"] >= 0.95 and fixtures["C5"]["precision"] >= 0.9,
        "C4": fixtures["C4"]["precision"] >= 0.9 and fixtures["C4"]["recall"] >= 0.85,
    }
    result["sentences_per_second"] = round(speed(load_labelled(SETS["fixtures"])))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
