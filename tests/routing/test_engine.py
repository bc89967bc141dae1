"""The routing engine on its own: rules, geography, learning, fallbacks. No database."""

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from shapely.geometry import box

from routing.calendar import TargetUnit, WorkingCalendar
from routing.classifier import ServiceClassifier
from routing.engine import Router, ServiceTarget
from routing.features import BusinessHours, street_of, zipcode_of
from routing.geo import Area, AreaIndex, areas_from_geojson
from routing.history import HistoricalRequest
from routing.learn import evaluate, learn, validate
from routing.model import Owner, RoutingInput
from routing.rules import Rule, RuleSet

CHICAGO = ZoneInfo("America/Chicago")
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=CHICAGO)

# Two districts side by side, and a state highway strip across both.
WEST = Area("district", "West", box(0.0, 0.0, 1.0, 1.0))
EAST = Area("district", "East", box(1.0, 0.0, 2.0, 1.0))
HIGHWAY = Area("corridor", "SH-12", box(0.0, 0.45, 2.0, 0.55), agency="State DOT")


def request(**kwargs: object) -> RoutingInput:
    return RoutingInput(received_at=kwargs.pop("received_at", MONDAY_NOON), **kwargs)  # type: ignore[arg-type]


def manual(rule_id: str, owner: str, unit: str = "", **when: str) -> Rule:
    scope = "unit" if "department" in when else "owner"
    return Rule.from_dict(
        {"id": rule_id, "scope": scope, "when": when, "department": owner, "unit": unit}
    )


@pytest.fixture
def areas() -> AreaIndex:
    return AreaIndex([WEST, EAST, HIGHWAY], tolerance_m=500)


@pytest.fixture
def router(areas: AreaIndex) -> Router:
    rules = RuleSet(
        [
            manual("pothole", "streets", service="pothole"),
            manual(
                "pothole-on-highway",
                "state-dot",
                **{"service": "pothole", "area:corridor": "sh-12"},
            ),
            manual("graffiti", "public-works", service="graffiti"),
            manual("graffiti-after-hours", "police", service="graffiti", after_hours="yes"),
            manual(
                "streets-west",
                "streets",
                "west-yard",
                **{"department": "streets", "area:district": "west"},
            ),
            manual(
                "streets-east",
                "streets",
                "east-yard",
                **{"department": "streets", "area:district": "east"},
            ),
        ],
        triage_department="contact-centre",
    )
    return Router(rules, areas=areas, hours=BusinessHours(timezone=CHICAGO))


def test_service_and_area_pick_department_and_unit(router: Router) -> None:
    decision = router.route(request(service="pothole", lat=0.2, lon=1.5))
    assert decision.owner == Owner("streets", "east-yard")
    assert decision.rule_id == "pothole"
    assert decision.unit_rule_id == "streets-east"
    assert not decision.fallback
    assert "district East" in decision.explanation


def test_the_more_specific_rule_wins_for_an_outside_agency_overlay(router: Router) -> None:
    decision = router.route(request(service="pothole", lat=0.5, lon=0.3))
    assert decision.department == "state-dot"
    assert "owned by State DOT" in decision.explanation
    assert decision.alternatives[0].owner.department == "streets"


def test_time_windows_route_after_hours_requests(router: Router) -> None:
    evening = datetime(2026, 11, 23, 22, 0, tzinfo=CHICAGO)
    assert router.route(request(service="graffiti", received_at=evening)).department == "police"
    assert router.route(request(service="graffiti")).department == "public-works"


def test_unknown_or_missing_service_goes_to_triage_never_unrouted(router: Router) -> None:
    for service in ("", "other", "unicorn sighting"):
        decision = router.route(request(service=service, lat=0.2, lon=0.2))
        assert decision.department == "contact-centre"
        assert decision.fallback
        assert decision.rule_id == "fallback:triage"
        assert "triage" in decision.explanation


def test_declined_departments_are_excluded(router: Router) -> None:
    decision = router.route(request(service="pothole", lat=0.5, lon=0.3), exclude=["state-dot"])
    assert decision.department == "streets"
    decision = router.route(
        request(service="pothole", lat=0.5, lon=0.3), exclude=["state-dot", "streets"]
    )
    assert decision.fallback
    assert "state-dot" in decision.explanation


def test_points_just_outside_a_boundary_are_matched_within_tolerance(areas: AreaIndex) -> None:
    # 0.001 degrees (~111 m) west of the West district, 500 m tolerance.
    hits = areas.locate(-0.001, 0.2)
    assert [(h.kind, h.name) for h in hits] == [("district", "West")]
    assert 50 < hits[0].distance_m < 200
    assert areas.locate(-0.1, 0.2) == ()  # ~11 km away: not matched


def test_rules_on_attributes(areas: AreaIndex) -> None:
    rules = RuleSet(
        [
            manual("tree", "parks", service="tree-down"),
            manual("tree-blocking", "streets", service="tree-down", **{"attr:blocking": "yes"}),
        ]
    )
    router = Router(rules, areas=areas)
    blocking = request(service="tree-down", attributes={"blocking": "Yes"})
    assert router.route(blocking).department == "streets"
    assert router.route(request(service="tree-down")).department == "parks"


def test_matching_is_deterministic_when_rules_conflict() -> None:
    first = manual("a", "streets", service="pothole")
    second = manual("b", "parks", service="pothole")
    rules = RuleSet([first, second])
    assert Router(rules).route(request(service="pothole")).rule_id == "a"
    assert validate(rules)["overlaps"]


def test_validate_reports_unreachable_rules_and_unowned_services() -> None:
    rules = RuleSet(
        [
            manual("general", "streets", service="pothole"),
            # Same priority and a superset of conditions, but lower priority: never decides.
            Rule.from_dict(
                {
                    "id": "narrow",
                    "when": {"service": "pothole", "channel": "phone"},
                    "department": "parks",
                    "priority": 10,
                }
            ),
        ]
    )
    report = validate(rules, services=["pothole", "graffiti"])
    assert any("narrow never decides" in p for p in report["unreachable"])
    assert any(p.startswith("graffiti") for p in report["unowned_services"])


def test_rule_set_round_trips_through_json() -> None:
    rules = RuleSet([manual("pothole", "streets", service="Pothole")], triage_department="desk")
    again = RuleSet.from_dict(rules.as_dict())
    assert again.triage_department == "desk"
    assert Router(again).route(request(service="POTHOLE")).department == "streets"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rules": []}, "format marker"),
        ({"format": "civic311-routing-rules", "version": 99}, "newer"),
        (
            {"format": "civic311-routing-rules", "rules": [{"id": "x", "scope": "owner"}]},
            "needs a department",
        ),
        (
            {"format": "civic311-routing-rules", "rules": [{"id": "x", "scope": "sideways"}]},
            "scope",
        ),
    ],
)
def test_malformed_rule_sets_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RuleSet.from_dict(data)


def _history(areas: AreaIndex) -> list[HistoricalRequest]:
    rows = []
    for i in range(40):
        lon = 0.1 + (i % 10) * 0.18  # spread over both districts
        district_unit = "west-yard" if lon < 1 else "east-yard"
        rows.append(
            HistoricalRequest(
                request_id=str(i),
                request=request(
                    service="Bulky Items", lat=0.2, lon=lon, address="1 Main St, 60601"
                ),
                owner=Owner("sanitation", district_unit),
            )
        )
    return rows


def test_learned_rules_route_units_by_geography(areas: AreaIndex) -> None:
    history = _history(areas)
    learned = learn(history, areas=areas, triage_department="contact-centre")
    router = Router(learned.rules, areas=areas)
    decision = router.route(request(service="bulky items", lat=0.3, lon=1.7))
    assert decision.owner == Owner("sanitation", "east-yard")
    assert "past requests" in decision.explanation
    assert 0 < decision.confidence <= 1
    result = evaluate(router, history)
    assert result["department_accuracy"] == 1.0
    assert result["unit_accuracy"] == 1.0
    assert result["coverage"] == 1.0


def test_online_learning_fixes_a_misroute_after_a_transfer(areas: AreaIndex) -> None:
    learned = learn(_history(areas), areas=areas)
    router = Router(learned.rules, areas=areas)
    new_service = request(service="Dead Animal", lat=0.2, lon=0.3)
    assert router.route(new_service).fallback
    router.record_outcome(new_service, department="animal-services", unit="")
    decision = router.route(new_service)
    assert decision.department == "animal-services"
    assert not decision.fallback


def test_promised_date_uses_the_owners_calendar(router: Router) -> None:
    calendar = WorkingCalendar(timezone=CHICAGO)
    router.targets = {"pothole": ServiceTarget(2, TargetUnit.WORKING_DAYS)}
    router.calendar_for = lambda department: calendar if department == "streets" else None
    decision = router.route(request(service="pothole", lat=0.2, lon=0.2))
    assert decision.promised_at == datetime(2026, 11, 25, 17, 0, tzinfo=CHICAGO)


def test_address_parsing() -> None:
    assert zipcode_of(zipcode="", address="748 1/2 E 24TH ST, 90011") == "90011"
    assert zipcode_of(zipcode="60601-1234", address="") == "60601"
    assert street_of("748 1/2 E 24TH ST, 90011") == "e 24th st"
    assert street_of("MAIN ST AND 1ST AVE") == "main st and 1st ave"


def test_areas_from_geojson_requires_names_and_kinds() -> None:
    feature = {
        "type": "Feature",
        "properties": {"name": "A"},
        "geometry": box(0, 0, 1, 1).__geo_interface__,
    }
    with pytest.raises(ValueError, match="kind"):
        areas_from_geojson({"type": "FeatureCollection", "features": [feature]})
    areas = areas_from_geojson({"type": "FeatureCollection", "features": [feature]}, kind="ward")
    assert areas[0].kind == "ward"


def test_classifier_suggests_services_from_text() -> None:
    texts = ["big hole in the road", "pothole on my street", "deep hole near the curb"] * 5
    texts += ["graffiti on the wall", "spray paint tags on fence", "someone painted graffiti"] * 5
    services = ["pothole"] * 15 + ["graffiti"] * 15
    history = [
        HistoricalRequest(str(i), request(service=s, details=t), Owner("streets"))
        for i, (t, s) in enumerate(zip(texts, services, strict=True))
    ]
    learned = learn(history)
    assert learned.classifier is not None
    router = Router(learned.rules, classifier=learned.classifier)
    decision = router.route(
        request(service="other", description="there is graffiti paint on my wall")
    )
    assert decision.suggestions[0].service == "graffiti"
    assert len(decision.suggestions) == 2
    assert Counter(s.service for s in decision.suggestions) == Counter(
        {"graffiti": 1, "pothole": 1}
    )


def test_classifier_suggests_nothing_for_words_it_never_saw() -> None:
    texts = ["big hole in the road", "pothole on my street", "deep hole near the curb"] * 5
    texts += ["graffiti on the wall", "spray paint tags on fence", "someone painted graffiti"] * 5
    classifier = ServiceClassifier.train(texts, ["pothole"] * 15 + ["graffiti"] * 15)
    assert classifier is not None
    assert classifier.suggest("zzqx qqq") == []
    assert classifier.suggest("a hole")[0].service == "pothole"
