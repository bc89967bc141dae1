"""The words of a subtype or details as routing features, learned with the usual evidence."""

import json
from datetime import timedelta

from routing.engine import Router
from routing.learn import learn
from routing.model import Owner, RoutingInput
from routing.rules import RuleSet
from tests.routing.text_city import AGENCIES, KINDS, START, general_request, history


def test_a_subtype_never_seen_is_routed_by_its_words() -> None:
    learned = learn(history())
    router = Router(learned.rules)
    for n, (agency, department, unit) in enumerate(AGENCIES):
        request = general_request(1000 + n, agency, KINDS[3])  # an unseen subtype
        decision = router.route(request)
        assert decision.owner == Owner(department, unit)
        assert decision.rule_id.startswith("service+text:department:")
        assert "text:department" in decision.explanation
    plain = RoutingInput(received_at=START + timedelta(days=60), service="General Requests")
    assert router.route(plain).department == "DPW"


def test_the_text_model_is_stored_as_numbers_and_decides_the_same_after_loading() -> None:
    learned = learn(history())
    data = json.loads(json.dumps(learned.rules.as_dict()))
    assert set(data["text_model"]) == {"vocabulary", "idf", "department", "unit"}
    restored = Router(RuleSet.from_dict(data))
    request = general_request(2000, "tt_collector", KINDS[3])
    assert restored.route(request).as_dict() == Router(learned.rules).route(request).as_dict()


def test_without_words_there_is_no_text_model() -> None:
    rows = [row for row in history() if not row.request.subtype]
    assert learn(rows).rules.text_model is None
