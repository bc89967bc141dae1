"""The city's own learned rules fade, back off and adopt new owners; accuracy by month."""

import json
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import Service
from routing_adapter.models import RoutingModel, RoutingRule
from routing_adapter.selectors import routing_accuracy_by_month, routing_proposals
from routing_adapter.services import routing_rules_export, routing_rules_import
from tests.factories import make_request

pytestmark = pytest.mark.django_db

SERVICE_FAMILY = {
    "name": "service",
    "scope": "owner",
    "features": ["service"],
    "priority": 100,
    "half_life_days": 30,
}


@pytest.fixture
def staff(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> Callable[..., APIClient]:
    def make(role: str, *departments: Department) -> APIClient:
        return client_for(make_user(role, list(departments)))

    return make


def _import(adopt_after: int) -> None:
    routing_rules_import(
        data={
            "format": "civic311-routing-rules",
            "version": 1,
            "families": [SERVICE_FAMILY],
            "adopt_after": adopt_after,
            "rules": [],
        }
    )


def _transfer(client: APIClient, public_id: str, to: str) -> None:
    answer = client.post(
        f"/api/v1/requests/{public_id}/transfer/",
        {"reason": "Another department owns these now", "suggested_department": to},
    )
    assert answer.status_code == 200, answer.content


def test_a_transfer_to_a_new_owner_opens_a_proposal(
    pothole: Service,
    streets: Department,
    sanitation: Department,
    staff: Callable[..., APIClient],
) -> None:
    _import(adopt_after=2)
    client = staff(Role.DEPARTMENT_STAFF, streets)
    first = make_request(pothole)
    assert first.department == streets
    _transfer(client, first.public_id, "sanitation")
    [proposal] = routing_proposals()
    assert proposal["department"] == "sanitation"
    assert proposal["outcomes"] == 1
    assert proposal["adopted_rules"] == []
    supervisor = staff(Role.SUPERVISOR)
    listed = supervisor.get("/api/v1/routing/proposals/")
    assert listed.status_code == 200
    assert listed.json()[0]["department"] == "sanitation"
    assert staff(Role.AGENT).get("/api/v1/routing/proposals/").status_code == 403
    stored = RoutingRule.objects.get(rule_id="service:pothole")
    assert stored.half_life_days == 30
    assert stored.last_outcome_at is not None


def test_adopt_after_is_a_city_setting_kept_in_exports(db: None) -> None:
    _import(adopt_after=5)
    assert RoutingModel.objects.get(name="active").adopt_after == 5
    exported = routing_rules_export()
    assert exported["adopt_after"] == 5
    assert exported["families"][0]["half_life_days"] == 30


def test_accuracy_by_month_counts_requests_that_kept_their_first_owner(
    pothole: Service,
    streets: Department,
    sanitation: Department,
    staff: Callable[..., APIClient],
) -> None:
    kept = make_request(pothole)
    moved = make_request(pothole)
    _transfer(staff(Role.DEPARTMENT_STAFF, streets), moved.public_id, "sanitation")
    [month] = routing_accuracy_by_month()
    assert month["month"] == kept.created_at.strftime("%Y-%m")
    assert month["requests"] == 2
    assert month["first_owner_kept"] == 1
    assert month["accuracy"] == 0.5
    out = StringIO()
    call_command("routing_accuracy", "--json", stdout=out)
    assert json.loads(out.getvalue())["months"] == [month]


def test_a_learned_text_model_is_stored_routed_with_and_exported(db: None) -> None:
    """The words of subtypes and details reach the city's router, not only the offline engine."""
    from routing.learn import learn
    from routing_adapter.router import build_router
    from tests.routing.text_city import history

    learned = json.loads(json.dumps(learn(history()).rules.as_dict()))
    assert learned["text_model"]
    routing_rules_import(data=learned)
    assert RoutingModel.objects.get(name="active").text_model == learned["text_model"]
    assert build_router().rules.text_model is not None
    assert routing_rules_export()["text_model"] == learned["text_model"]
