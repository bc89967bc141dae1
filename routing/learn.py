"""Learn a rule set from history, evaluate it, and check a rule set for mistakes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from routing.classifier import ServiceClassifier
from routing.evaluation import evaluate
from routing.features import BusinessHours, FeatureExtractor, norm
from routing.geo import AreaIndex
from routing.history import HistoricalRequest
from routing.rules import Family, Rule, RuleSet, moment
from routing.text import DEPARTMENT, UNIT, TextModel, cross_predictions, has_text, text_of
from routing.tuning import Outcome, tune_families
from routing.voting import family_weight, tally

__all__ = ["Learned", "evaluate", "learn", "load_bundle", "save_bundle", "validate"]

# About 400 m and 900 m at mid latitudes: fine enough to follow district lines that cut
# through neighbourhoods, coarse enough to have history in most squares.
DEFAULT_CELL_SIZES = (0.004, 0.008)
# A new owner named by this many consistent outcomes (transfers first) gets its rule.
DEFAULT_ADOPT_AFTER = 3


def default_families(
    area_kinds: Sequence[str],
    cell_sizes: Sequence[float] = DEFAULT_CELL_SIZES,
    *,
    text: bool = False,
) -> list[Family]:
    """The recipes, most specific first.

    Owner: the service (refined by subtype and details) picks the department; an area
    overrides it only where history shows another body clearly owns that service there
    (a state highway, a county park). Unit: inside the department, the finest geography
    with history decides (grid squares, then the city's areas, then street and zip code).
    """
    families = [
        Family("service+subtype+details", "owner", ("service", "subtype", "details"), 400, 3),
        Family("service+subtype", "owner", ("service", "subtype"), 300, 3),
    ]
    if text:
        # What the words say, for subtypes and details never seen exactly before.
        families.append(Family("service+text:department", "owner", ("service", DEPARTMENT), 250, 3))
    families += [
        Family(f"service+area:{kind}", "owner", ("service", f"area:{kind}"), 200 - i, 10, 0.9)
        for i, kind in enumerate(area_kinds)
    ]
    families.append(Family("service", "owner", ("service",), 100))
    # The same address was handled before: the same crew serves it.
    families.append(Family("department+address+zip", "unit", ("department", "address", "zip"), 600))
    for i, size in enumerate(sorted(cell_sizes)):
        name = f"cell:{size:g}"
        families.append(
            Family(f"department+{name}", "unit", ("department", name), 500 - i, 2 if i == 0 else 1)
        )
    families += [
        Family(f"department+area:{kind}", "unit", ("department", f"area:{kind}"), 300 - i)
        for i, kind in enumerate(area_kinds)
    ]
    # Semi-free subtypes and details (a cleaning subtype, a pole's owner) pick the queue
    # inside a department as often as the place does; history ranks them with the rest.
    families += [
        Family(
            "department+service+subtype+details",
            "unit",
            ("department", "service", "subtype", "details"),
            140,
        ),
        Family("department+service+subtype", "unit", ("department", "service", "subtype"), 130),
    ]
    if text:
        families.append(Family("department+text:unit", "unit", ("department", UNIT), 135))
    families += [
        Family("department+street+zip", "unit", ("department", "street", "zip"), 200),
        Family("department+zip", "unit", ("department", "zip"), 150),
        Family("department+service", "unit", ("department", "service"), 120),
        Family("department", "unit", ("department",), 100),
    ]
    return families


@dataclass
class Learned:
    rules: RuleSet
    classifier: ServiceClassifier | None


def learn(
    history: Sequence[HistoricalRequest],
    *,
    areas: AreaIndex | None = None,
    triage_department: str = "311",
    cell_sizes: Sequence[float] = DEFAULT_CELL_SIZES,
    hours: BusinessHours | None = None,
    manual_rules: Iterable[Rule] = (),
    catalogue_texts: Iterable[tuple[str, str]] = (),
    tune: bool = True,
    adopt_after: int = DEFAULT_ADOPT_AFTER,
) -> Learned:
    """`catalogue_texts` are (text, service) pairs from the service catalogue (names,
    keywords, descriptions): labelled words that teach the classifier, not the rules."""
    kinds = areas.kinds if areas is not None else ()
    extractor = FeatureExtractor(
        areas=areas, cell_sizes=tuple(cell_sizes), hours=hours or BusinessHours()
    )
    outcomes = [
        Outcome(
            at=moment(row.request.received_at),
            features=extractor.extract(row.request)[0],
            department=row.owner.department,
            unit=row.owner.unit,
        )
        for row in history
    ]
    text_model = _learn_text(history, outcomes)
    families = default_families(kinds, cell_sizes, text=text_model is not None)
    if tune:
        families = tune_families(families, outcomes)
    rules = RuleSet(
        manual_rules,
        triage_department=triage_department,
        families=families,
        cell_sizes=cell_sizes,
        adopt_after=adopt_after,
        text_model=text_model,
    )
    said: list[_UnitSays] = []
    for outcome in outcomes:
        _score_unit_families(rules, outcome, said)
        rules.record_outcome(
            outcome.features, department=outcome.department, unit=outcome.unit, at=outcome.at
        )
    rules = _rank_unit_families(rules, said)
    texts = [
        " ".join(p for p in (r.request.description, r.request.subtype, r.request.details) if p)
        for r in history
    ]
    labels = [r.request.service for r in history]
    for text, service in catalogue_texts:
        texts.append(text)
        labels.append(service)
    classifier = ServiceClassifier.train(texts, labels)
    rules.metadata |= {
        "learned_from": len(history),
        "area_kinds": list(kinds),
        "first": history[0].request.received_at.isoformat() if history else None,
        "last": history[-1].request.received_at.isoformat() if history else None,
    }
    return Learned(rules=rules, classifier=classifier)


# A row's unit, and what each unit family said before learning it: (family, targets, support).
_UnitSays = tuple[str, list[tuple[str, Sequence[tuple[str, float]], float]]]


def _learn_text(
    history: Sequence[HistoricalRequest], outcomes: Sequence[Outcome]
) -> TextModel | None:
    """The text model, when the history has words beyond the service; each learning row
    gets the prediction of a model that never saw it, so rules keyed on predictions learn
    how far to trust them on requests the model has not seen."""
    worded = [i for i, row in enumerate(history) if has_text(row.request)]
    if not worded:
        return None
    texts = [text_of(history[i].request) for i in worded]
    departments = [history[i].owner.department for i in worded]
    units = [history[i].owner.unit for i in worded]
    predictions = cross_predictions(texts, departments, units)
    model = TextModel.train(texts, departments, units)
    if predictions is None or model is None:
        return None
    for i, (department, unit) in zip(worded, predictions, strict=True):
        outcomes[i].features[DEPARTMENT] = department.casefold()
        if unit:
            outcomes[i].features[UNIT] = unit.casefold()
    return model


def _score_unit_families(rules: RuleSet, row: Outcome, said: list[_UnitSays]) -> None:
    """Before learning a row, ask each unit family what it would have said (prequential)."""
    if not row.unit:
        return
    says: list[tuple[str, Sequence[tuple[str, float]], float]] = []
    for family in rules.families:
        if family.scope != "unit":
            continue
        rule = rules.family_rule(family, row.features, department=row.department)
        ranked = rule.ranked_targets(row.at) if rule is not None else []
        if ranked:
            says.append((family.name, ranked, rule.support_at(row.at) if rule else 0.0))
    said.append((row.unit, says))


def _accuracies(said: Sequence[_UnitSays]) -> dict[str, float]:
    """Each family's accuracy when it spoke, smoothed so a family that spoke twice does not
    outrank one that spoke a thousand times."""
    tallies: dict[str, list[int]] = {}
    for unit, says in said:
        for name, ranked, _ in says:
            tally = tallies.setdefault(name, [0, 0])
            tally[0] += ranked[0][0] == unit
            tally[1] += 1
    return {name: (right + 1) / (spoke + 2) for name, (right, spoke) in tallies.items()}


def _by_order(
    says: Sequence[tuple[str, Sequence[tuple[str, float]], float]], rank: dict[str, int]
) -> str:
    first = min(says, key=lambda say: rank.get(say[0], len(rank)))
    return first[1][0][0]


def _votes_win(said: Sequence[_UnitSays]) -> bool:
    """Learn the order and the weights on the first half of the rows, then let order and
    vote predict the second half: voting is kept only when it wins by more than noise."""
    half = len(said) // 2
    accuracy = _accuracies(said[:half])
    rank = {name: i for i, name in enumerate(sorted(accuracy, key=lambda n: -accuracy[n]))}
    order_right = vote_right = 0
    for unit, says in said[half:]:
        if not says:
            continue
        order_right += _by_order(says, rank) == unit
        votes = tally((family_weight(accuracy.get(n, 0.5)), r, s) for n, r, s in says)
        vote_right += bool(votes) and votes[0][0] == unit
    return vote_right - order_right >= max(3, int((len(said) - half) * 0.002))


def _rank_unit_families(rules: RuleSet, said: Sequence[_UnitSays]) -> RuleSet:
    """Order unit families by how often they were right when they spoke, and give them
    votes where a vote of them all predicted better than the order.

    Which geography decides a unit is a fact about the city (sanitation districts may follow
    zip codes, graffiti contracts council districts), so history picks the order: each
    family's accuracy on rows it had not yet seen.
    """
    accuracies = _accuracies(said)

    def accuracy(family: Family) -> float:
        return accuracies.get(family.name, 0.5)

    vote = _votes_win(said)
    unit_families = sorted(
        (f for f in rules.families if f.scope == "unit"),
        key=lambda f: (-accuracy(f), -f.priority),
    )
    priorities = {f.name: 500 - rank for rank, f in enumerate(unit_families)}
    families = [
        replace(
            f,
            priority=priorities[f.name],
            vote_weight=family_weight(accuracy(f)) if vote else 0.0,
        )
        if f.scope == "unit"
        else f
        for f in rules.families
    ]
    for rule in rules.rules:
        if rule.source == "learned" and rule.family in priorities:
            rule.priority = priorities[rule.family]
    ranked = RuleSet(
        rules.rules,
        triage_department=rules.triage_department,
        families=families,
        cell_sizes=rules.cell_sizes,
        adopt_after=rules.adopt_after,
        proposals=rules.proposals.values(),
        text_model=rules.text_model,
    )
    ranked.metadata["unit_family_accuracy"] = {f.name: round(accuracy(f), 4) for f in unit_families}
    ranked.metadata["unit_decided_by"] = "vote" if vote else "order"
    return ranked


def save_bundle(path: Path, learned: Learned) -> None:
    data = learned.rules.as_dict()
    if learned.classifier is not None:
        data["classifier"] = learned.classifier.as_dict()
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")


def load_bundle(path: Path) -> Learned:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    classifier = data.get("classifier")
    return Learned(
        rules=RuleSet.from_dict(data),
        classifier=ServiceClassifier.from_dict(classifier) if classifier else None,
    )


def validate(rules: RuleSet, *, services: Iterable[str] = ()) -> dict[str, list[str]]:
    """Overlapping rules, rules that can never decide, services nobody owns."""
    problems: dict[str, list[str]] = {"overlaps": [], "unreachable": [], "unowned_services": []}
    for kept, dropped in rules.shadowed:
        problems["overlaps"].append(
            f"{dropped.id} has the same conditions and priority as {kept.id}; {kept.id} wins"
        )
    by_conditions: dict[tuple[str, frozenset[tuple[str, str]]], list[Rule]] = {}
    for rule in rules.rules:
        by_conditions.setdefault((rule.scope, frozenset(rule.conditions.items())), []).append(rule)
    for rule in rules.rules:
        if rule.source != "manual":
            continue
        items = sorted(rule.conditions.items())
        for blocker in _manual_subsets(by_conditions, rule.scope, items):
            if blocker is not rule and _decides_before(blocker, rule):
                problems["unreachable"].append(
                    f"{rule.id} never decides: {blocker.id} matches whenever it does "
                    "and comes first"
                )
                break
    owned = {r.conditions.get("service") for r in rules.rules if r.scope == "owner"}
    if any(r.scope == "owner" and "service" not in r.conditions for r in rules.rules):
        return problems  # a rule without a service condition can own anything
    for service in sorted(set(services)):
        if norm(service) not in owned:
            problems["unowned_services"].append(
                f"{service} has no owner rule: it will go to triage ({rules.triage_department})"
            )
    return problems


def _manual_subsets(
    index: dict[tuple[str, frozenset[tuple[str, str]]], list[Rule]],
    scope: str,
    items: list[tuple[str, str]],
) -> Iterable[Rule]:
    count = len(items)
    for mask in range(1 << count):
        subset = frozenset(items[i] for i in range(count) if mask & (1 << i))
        for candidate in index.get((scope, subset), []):
            if candidate.source == "manual":
                yield candidate


def _decides_before(first: Rule, second: Rule) -> bool:
    return (-first.priority, -len(first.conditions)) < (-second.priority, -len(second.conditions))
