"""Rule matching and learning in the rule set itself: order, alternatives, what an outcome teaches.

Plain Python, no database: the rule set as the router and the backend use it.
"""

import dataclasses
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from routing.engine import Router
from routing.model import RoutingInput
from routing.proposals import ADOPTED_FAMILY
from routing.rules import FORMAT_VERSION, TRANSFER_WEIGHT, Family, Rule, RuleSet

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
SERVICE = Family("service", "owner", ("service",), 100)
SERVICE_AND_DISTRICT = Family("service+district", "owner", ("service", "area:district"), 200)
YARD = Family("yard", "unit", ("department", "area:district"), 100)


def manual(rule_id: str, owner: str, priority: int = 1000, **when: str) -> Rule:
    return Rule.from_dict(
        {"id": rule_id, "scope": "owner", "when": when, "department": owner, "priority": priority}
    )


def test_a_rule_set_without_a_triage_department_sends_the_unknown_to_triage() -> None:
    router = Router(RuleSet([manual("pothole", "streets", service="pothole")]))
    decision = router.route(RoutingInput(received_at=MONDAY_NOON, service="mystery"))
    assert decision.department == "triage"


def test_a_rule_set_from_a_newer_engine_is_refused_and_this_engines_is_read() -> None:
    data = RuleSet([manual("pothole", "streets", service="pothole")]).as_dict()
    assert data["version"] == FORMAT_VERSION == 1
    assert len(RuleSet.from_dict(data)) == 1
    with pytest.raises(ValueError, match="version 2 is newer than this engine"):
        RuleSet.from_dict({**data, "version": 2})


def test_the_deciding_match_names_the_runners_up_with_their_shares() -> None:
    rules = RuleSet(families=[SERVICE])
    for owner in ["streets", "streets", "streets", "parks"]:
        rules.record_outcome({"service": "tree"}, department=owner, unit="")
    winner, later = rules.first("owner", {"service": "tree"})
    assert winner is not None
    assert (winner.target, winner.share, winner.others) == ("streets", 0.75, (("parks", 0.25),))
    assert later == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        winner.target = "parks"  # type: ignore[misc]


def test_at_most_three_later_matches_are_kept_for_explanations() -> None:
    rules = RuleSet(
        [
            manual(f"pothole-{n}", f"dept-{n}", priority=1000 - n, service="pothole")
            for n in range(6)
        ]
    )
    winner, later = rules.first("owner", {"service": "pothole"})
    assert winner is not None
    assert winner.target == "dept-0"
    assert [m.target for m in later] == ["dept-1", "dept-2", "dept-3"]


def test_outcomes_for_the_same_conditions_build_one_rule_named_by_its_values() -> None:
    rules = RuleSet(families=[SERVICE_AND_DISTRICT])
    features = {"service": "pothole", "area:district": "west"}
    for _ in range(2):
        rules.record_outcome(features, department="streets", unit="")
    (rule,) = rules.rules
    assert rule.id == "service+district:pothole|west"
    assert rule.conditions == features
    assert rule.outcomes == {"streets": 2.0}
    assert rules.shadowed == []


def test_an_outcome_without_a_unit_still_teaches_the_owner_families() -> None:
    rules = RuleSet(families=[YARD, SERVICE])
    rules.record_outcome(
        {"service": "pothole", "area:district": "west"}, department="streets", unit=""
    )
    assert [rule.family for rule in rules.rules] == ["service"]
    rules.record_outcome(
        {"service": "pothole", "area:district": "west"}, department="streets", unit="west-yard"
    )
    assert sorted(rule.family for rule in rules.rules) == ["service", "yard"]


def test_a_closure_counts_once_and_alone_never_proposes_a_new_owner() -> None:
    rules = RuleSet(families=[SERVICE], adopt_after=1)
    rules.record_outcome({"service": "tree"}, department="streets", unit="")
    rules.record_outcome({"service": "tree"}, department="parks", unit="")
    (rule,) = rules.rules
    assert rule.outcomes == {"streets": 1.0, "parks": 1.0}
    assert rules.proposals == {}


TREE = {"service": "tree"}


def _city(adopt_after: int) -> RuleSet:
    """Streets has always taken tree requests; the service family forgets in 30 days."""
    rules = RuleSet(
        families=[Family("service", "owner", ("service",), 100, half_life_days=30.0)],
        adopt_after=adopt_after,
    )
    for _ in range(5):
        rules.record_outcome(TREE, department="streets", unit="")
    return rules


def _transfer_to_parks(rules: RuleSet, times: int) -> None:
    for _ in range(times):
        rules.record_outcome(TREE, department="parks", unit="", weight=TRANSFER_WEIGHT)


def _adopted(rules: RuleSet) -> list[Rule]:
    return [rule for rule in rules.rules if rule.family == ADOPTED_FAMILY]


def test_transfers_to_a_new_owner_adopt_one_rule_that_learns_like_its_family() -> None:
    rules = _city(adopt_after=2)
    _transfer_to_parks(rules, 4)
    (adopted,) = _adopted(rules)
    assert rules.proposals[("tree", "parks")].adopted == [adopted.id]
    assert adopted.half_life_days == 30.0
    assert rules.first_target("owner", TREE) == (adopted, "parks")


def test_by_default_a_proposal_waits_for_a_person() -> None:
    rules = RuleSet(families=[Family("service", "owner", ("service",), 100)])
    for _ in range(5):
        rules.record_outcome(TREE, department="streets", unit="")
    _transfer_to_parks(rules, 5)
    assert rules.proposals[("tree", "parks")].outcomes == 5
    assert _adopted(rules) == []


def test_an_outcome_without_a_department_teaches_nothing() -> None:
    rules = _city(adopt_after=2)
    _transfer_to_parks(rules, 2)
    (adopted,) = _adopted(rules)
    learned = dict(adopted.outcomes)
    rules.record_outcome(TREE, department="", unit="")
    assert adopted.outcomes == learned
    assert rules.proposals[("tree", "parks")].contradictions == 0


def test_the_old_owner_closing_one_in_between_holds_the_proposal_back() -> None:
    rules = _city(adopt_after=3)
    rules.record_outcome({"service": "graffiti"}, department="police", unit="")
    _transfer_to_parks(rules, 1)
    rules.record_outcome(TREE, department="streets", unit="")
    rules.record_outcome({"service": "graffiti"}, department="police", unit="")
    _transfer_to_parks(rules, 2)
    proposal = rules.proposals[("tree", "parks")]
    assert (proposal.outcomes, proposal.contradictions) == (3, 1)
    # No area to narrow the move to: a person decides.
    assert _adopted(rules) == []


def test_a_transfer_to_a_department_that_already_owns_a_share_proposes_nothing() -> None:
    rules = _city(adopt_after=1)
    for _ in range(5):
        rules.record_outcome(TREE, department="parks", unit="")
    _transfer_to_parks(rules, 3)
    assert rules.proposals == {}
    assert _adopted(rules) == []


def test_a_saved_rule_set_is_read_back_whole_from_a_utf8_file(tmp_path: Path) -> None:
    rules = _city(adopt_after=4)
    _transfer_to_parks(rules, 1)
    rules.add(manual("tráfico", "tráfico-y-calles", service="señal caída"))
    rules.cell_sizes = (0.005, 0.02)
    rules.metadata = {"learned_from": "Riverton, 2024-2026"}
    path = tmp_path / "rules.json"
    rules.save(path)
    text = path.read_bytes().decode("utf-8")
    assert "tráfico-y-calles" in text  # people read and edit these files
    assert text.endswith("}\n")
    again = RuleSet.load(path)
    assert again.as_dict() == rules.as_dict()
    assert (again.adopt_after, again.cell_sizes) == (4, (0.005, 0.02))
    assert again.metadata == {"learned_from": "Riverton, 2024-2026"}
    assert [f.name for f in again.families] == ["service"]


def test_a_minimal_rule_set_file_gets_the_defaults() -> None:
    minimal = RuleSet.from_dict({"format": "civic311-routing-rules"})
    assert (minimal.triage_department, minimal.adopt_after, minimal.metadata) == ("triage", 0, {})
    assert (minimal.cell_sizes, minimal.families, len(minimal)) == ((), (), 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rules": []}, r"^not a civic311 routing rule set \(missing format marker\)$"),
        (
            {"format": "civic311-routing-rules", "version": 2},
            r"^rule set version 2 is newer than this engine$",
        ),
    ],
)
def test_a_file_this_engine_cannot_read_is_refused_in_plain_words(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        RuleSet.from_dict(data)


def test_without_a_service_family_an_adopted_rule_never_fades() -> None:
    rules = RuleSet(families=[SERVICE_AND_DISTRICT], adopt_after=2)
    in_the_west = {"service": "tree", "area:district": "west"}
    for _ in range(2):
        rules.record_outcome(in_the_west, department="parks", unit="", weight=TRANSFER_WEIGHT)
    (adopted,) = _adopted(rules)
    assert adopted.half_life_days == 0.0


def test_who_owned_a_service_before_is_read_from_the_service_family_alone() -> None:
    rules = RuleSet(families=[SERVICE_AND_DISTRICT, SERVICE], adopt_after=1)
    west, east = ({"service": "tree", "area:district": district} for district in ("west", "east"))
    for owner in ["streets", "parks"] * 3:
        rules.record_outcome(west, department=owner, unit="")
    # Parks has owned trees (in the west): a transfer to it in the east proposes nothing.
    rules.record_outcome(east, department="parks", unit="", weight=TRANSFER_WEIGHT)
    assert rules.proposals == {}
