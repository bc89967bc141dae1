"""Every decision of a small synthetic city, pinned: making routing faster must not move one.

The history is read from a CSV (with the rows the reader skips), learned on its first 100
rows, and the rest routed by order, by vote and by a vote of decaying rules, offline and
after an online replay. The digests were taken before the bulk path was made faster; the
bulk path (`Router.owner`) must also agree with the one-request path (`Router.route`).
"""

import csv
import gc
import hashlib
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from shapely.geometry import box

from routing.bulk import collector_paused
from routing.engine import Router
from routing.geo import Area, AreaIndex
from routing.history import HistoricalRequest, read_history
from routing.learn import evaluate, learn
from routing.rules import RuleSet

# No offset, as in the cities' own history files (read as UTC).
START = datetime(2024, 1, 1, 7, 0)  # noqa: DTZ001
AREAS = AreaIndex(
    [
        Area("district", "West", box(0.0, 0.0, 1.0, 1.0)),
        Area("district", "East", box(1.0, 0.0, 2.0, 1.0)),
    ]
)
ADDRESSES = [
    (f"{100 + 7 * n} {street}, {zipcode}", 0.05 + 0.13 * n, 0.2 + 0.05 * (n % 5))
    for n, (street, zipcode) in enumerate(
        [("MAIN ST", "60601"), ("OAK AVE", "60601"), ("ELM ST", "60602")] * 5
    )
]
HEADER = ["request_id", "created_at", "service", "subtype", "details", "address"]
HEADER += ["lat", "lon", "channel", "department", "unit"]
LEARNED_ROWS = 100


def _owner(service: str, subtype: str, address: str, west: bool, when: datetime) -> list[str]:
    if service == "Pothole":
        return ["streets", "west-crew" if west else "east-crew"]
    if service == "Graffiti":
        return ["ocb", "north" if address.endswith("60601") else "south"]
    if service == "Noise":
        return ["police" if when.hour >= 17 or when.hour < 8 else "code", ""]
    return ["sanitation", "truck" if subtype == "large" else "crew"]


def _rows(count: int = 160) -> Iterator[list[str]]:
    """Units by district, zip and subtype, after-hours owners, some noise, and potholes in
    the east moved to a contractor from row 111 on (a department never seen before)."""
    rng = random.Random(311)
    for n in range(count):
        address, lon, lat = rng.choice(ADDRESSES)
        service = rng.choice(["Pothole", "Graffiti", "Noise", "Bulky Items"])
        subtype = rng.choice(["", "large", "small"]) if service == "Bulky Items" else ""
        when = START + timedelta(hours=7 * n + rng.randint(0, 5))
        owner = _owner(service, subtype, address, lon < 1.0, when)
        if rng.random() < 0.08:
            owner[1] = rng.choice(["west-crew", "east-crew", "north"])
        if n > 110 and service == "Pothole" and lon >= 1.0:
            owner = ["contractor", "east-contract"]
        channel = rng.choice(["phone", "web"])
        yield [str(n), when.isoformat(), service, subtype, "", address, f"{lat:.4f}"]
        yield [f"{lon:.4f}", channel, *owner]


def write_history(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        parts = _rows()
        for first in parts:
            writer.writerow(first + next(parts))
        # Skipped: no time, a blank department, a short row without a department.
        writer.writerow(["x1", "not a date", "Pothole"])
        writer.writerow(["x2", "2024-02-01T10:00:00", "Pothole", "", "", "", "", "", "", " "])
        writer.writerow(["x3", "2024-02-02T10:00:00", "Pothole"])
    return path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> list[HistoricalRequest]:
    return read_history(write_history(tmp_path_factory.mktemp("city") / "history.csv"))


def _router(history: list[HistoricalRequest], how: str) -> Router:
    learned = learn(history[:LEARNED_ROWS], areas=AREAS, triage_department="311")
    rules = learned.rules
    if how == "order":
        families = [replace(f, vote_weight=0.0) for f in rules.families]
        rules = RuleSet(
            rules.rules, triage_department="311", families=families, cell_sizes=rules.cell_sizes
        )
    elif how == "decaying vote":
        for rule in rules.rules:
            if rule.scope == "unit":
                rule.half_life_days = 10.0
    return Router(rules, areas=AREAS)


def _digest(router: Router, rows: list[HistoricalRequest]) -> str:
    bulk = [str(router.owner(r.request, router.features(r.request)[0])[0]) for r in rows]
    assert bulk == [str(router.route(r.request).owner) for r in rows]
    return hashlib.sha256(",".join(bulk).encode()).hexdigest()[:16]


# Taken with the engine as it was before the bulk path was made faster.
PINNED = {
    "order": ("40fb619102c170fc", "79b9018fc7bb743b", 0.8167, 0.5957, 0.8167, 0.5532),
    "vote": ("8127b3b3061555aa", "b567fecfd82691ac", 0.8167, 0.5957, 0.8667, 0.6596),
    "decaying vote": ("76c7249fed73d51d", "b62061aa3175201d", 0.8167, 0.6383, 0.8667, 0.6596),
}


def decisions(history: list[HistoricalRequest], how: str) -> tuple[object, ...]:
    rows = history[LEARNED_ROWS:]
    router = _router(history, how)
    offline_digest = _digest(router, rows)
    offline = evaluate(router, rows)
    online = evaluate(router, rows, online=True)
    return (
        offline_digest,
        _digest(router, rows),  # after the online replay taught it every outcome
        offline["department_accuracy"],
        offline["unit_accuracy"],
        online["department_accuracy"],
        online["unit_accuracy"],
    )


@pytest.mark.parametrize("how", list(PINNED))
def test_every_decision_stays_where_it_was(history: list[HistoricalRequest], how: str) -> None:
    assert len(history) == 160
    assert decisions(history, how) == PINNED[how]


def test_a_bulk_pass_leaves_the_cycle_collector_as_it_found_it(
    history: list[HistoricalRequest],
) -> None:
    rows = history[LEARNED_ROWS:]
    evaluate(_router(history, "vote"), rows)
    assert gc.isenabled()
    paused: list[bool] = []

    def failing_pass() -> None:
        with collector_paused():
            paused.append(not gc.isenabled())
            raise RuntimeError("a pass that fails")

    with pytest.raises(RuntimeError):
        failing_pass()
    assert paused == [True]
    assert gc.isenabled()
    gc.disable()
    try:
        evaluate(_router(history, "vote"), rows)
        assert not gc.isenabled()  # someone else's choice, kept
    finally:
        gc.enable()
