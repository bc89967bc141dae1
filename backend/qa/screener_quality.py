"""How well the screener does on a labelled set: precision and recall per C-id.

The labelled set is a text file, one sentence per line: `C4,C6 | sentence` (or `- | sentence`
for a courteous one). Lines starting with `#` are comments; a sentence prefixed `rot13:` is
stored encoded (so slurs are not spelled out in the repository) and decoded here.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

from qa.screener import screen
from qa.screener_rules import Rules


@dataclass(frozen=True)
class Labelled:
    text: str
    labels: frozenset[str]


@dataclass(frozen=True)
class Quality:
    c_id: str
    precision: float
    recall: float
    support: int
    flagged: int


def load_labelled(path: Path) -> list[Labelled]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        labels, sep, text = line.partition(" | ")
        if not sep or not text.strip():
            raise ValueError(f"{path.name}:{number}: expected 'LABELS | sentence'")
        text = text.strip()
        if text.startswith("rot13:"):
            text = codecs.decode(text.removeprefix("rot13:"), "rot13")
        ids = frozenset() if labels.strip() == "-" else frozenset(labels.strip().split(","))
        items.append(Labelled(text, ids))
    return items


def evaluate(
    items: Sequence[Labelled], *, c_ids: Iterable[str] | None = None, rules: Rules | None = None
) -> list[Quality]:
    predicted = [frozenset(screen(i.text, rules=rules).c_ids) for i in items]
    classes = sorted(c_ids or set().union(*(i.labels for i in items)))
    binarizer = MultiLabelBinarizer(classes=classes)
    truth = binarizer.fit_transform([i.labels & set(classes) for i in items])
    guess = binarizer.transform([p & set(classes) for p in predicted])
    precision, recall, _, support = precision_recall_fscore_support(
        truth, guess, labels=list(range(len(classes))), zero_division=0
    )
    return [
        Quality(c, float(precision[k]), float(recall[k]), int(support[k]), int(guess[:, k].sum()))
        for k, c in enumerate(classes)
    ]


def misses(items: Sequence[Labelled], *, rules: Rules | None = None) -> list[tuple[str, str, str]]:
    """(expected, found, text) for every sentence the screener got wrong: for tuning rules."""
    wrong = []
    for item in items:
        found = frozenset(screen(item.text, rules=rules).c_ids) & {"C4", "C5", "C6"}
        if found != item.labels:
            wrong.append(
                (",".join(sorted(item.labels)) or "-", ",".join(sorted(found)) or "-", item.text)
            )
    return wrong
