"""Units inside a department: by subtype and details, and by a vote of the families."""

from datetime import UTC, datetime

import pytest

from routing.engine import Router
from routing.history import HistoricalRequest
from routing.learn import learn
from routing.model import Owner, RoutingInput
from routing.rules import Family, Rule, RuleSet
from routing.voting import family_weight, tally

WHEN = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)


def unit_rule(family: str, conditions: dict[str, str], **outcomes: float) -> Rule:
    return Rule(
        id=f"{family}:{'|'.join(conditions.values())}",
        scope="unit",
        conditions={"department": "ocb", **conditions},
        priority={"zip": 300, "area": 200, "street": 100}[family],
        source="learned",
        family=family,
        outcomes=dict(outcomes),
    )


def vote_rules(*, vote: bool) -> RuleSet:
    families = [
        Family(name, "unit", ("department", feature), priority, vote_weight=weight if vote else 0)
        for name, feature, priority, weight in (
            ("zip", "zip", 300, family_weight(0.90)),
            ("area", "area:council", 200, family_weight(0.95)),
            ("street", "street", 100, family_weight(0.95)),
        )
    ]
    rules = [
        Rule(id="graffiti", scope="owner", conditions={"service": "graffiti"}, department="ocb"),
        # The zip code is split between two crews; the area and the street agree.
        unit_rule("zip", {"zip": "90065"}, hbt=10, negb=6),
        unit_rule("area", {"area:council": "1"}, negb=20, gap=1),
        unit_rule("street", {"street": "n eagle rock blvd"}, negb=3),
    ]
    return RuleSet(rules, families=families)


def graffiti() -> RoutingInput:
    return RoutingInput(
        received_at=WHEN,
        service="graffiti",
        address="3017 N EAGLE ROCK BLVD, 90065",
        attributes={},
    )


def test_the_order_trusts_the_first_family_and_the_vote_weighs_them_all() -> None:
    features = {"service": "graffiti", "zip": "90065", "area:council": "1"}
    features["street"] = "n eagle rock blvd"
    ordered = vote_rules(vote=False).first("unit", features, department="ocb")[0]
    assert ordered is not None
    assert ordered.target == "hbt"
    voted = vote_rules(vote=True).first("unit", features, department="ocb")[0]
    assert voted is not None
    assert voted.target == "negb"
    assert voted.agreeing == 2
    # Same input, same decision; the bulk path agrees with the explained one.
    assert vote_rules(vote=True).first_target("unit", features, department="ocb") == (
        voted.rule,
        "negb",
    )


def test_a_vote_is_explained_and_a_written_unit_rule_still_decides_alone() -> None:
    rules = vote_rules(vote=True)
    router = Router(rules)
    decision = router.route(graffiti())
    assert decision.owner == Owner("ocb", "negb")
    assert "decided by a vote" in decision.explanation
    assert "1 of them lead with it" in decision.explanation
    rules.add(
        Rule.from_dict(
            {
                "id": "eagle-rock-crew",
                "scope": "unit",
                "when": {"department": "ocb", "zip": "90065"},
                "department": "ocb",
                "unit": "eagle-rock",
            }
        )
    )
    assert router.route(graffiti()).owner == Owner("ocb", "eagle-rock")


def test_families_at_or_below_a_coin_flip_do_not_vote() -> None:
    assert family_weight(0.5) == 0
    assert family_weight(0.3) == 0
    assert family_weight(0.9) == pytest.approx(2.1972, abs=1e-4)
    assert tally([(0.0, [("a", 1.0)], 10.0), (1.0, [("b", 0.6), ("a", 0.4)], 1.0)])[0][0] == "b"


def test_a_subtype_picks_the_queue_inside_the_department() -> None:
    rows = [
        HistoricalRequest(
            request_id=str(n),
            request=RoutingInput(
                received_at=datetime(2024, 1, 1 + n % 28, 9, tzinfo=UTC),
                service="street and sidewalk cleaning",
                subtype=subtype,
            ),
            owner=Owner("DPW", queue),
        )
        for n in range(40)
        for subtype, queue in (("Illegal_Dumping", "ops"), ("Sidewalk_Cleaning", "bsm"))
    ]
    learned = learn(rows, tune=False)
    router = Router(learned.rules)
    for subtype, queue in (("illegal_dumping", "ops"), ("sidewalk_cleaning", "bsm")):
        request = RoutingInput(
            received_at=WHEN, service="Street and Sidewalk Cleaning", subtype=subtype
        )
        assert router.route(request).owner == Owner("DPW", queue)
