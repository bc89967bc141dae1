"""Defects of issue 16: QA lists that answered 500, an interaction nobody but its agent could
read, and a rubric whose wording could not be read."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from interactions.models import Interaction, InteractionKind
from qa import services
from qa.models import Evaluation, Stratum

pytestmark = pytest.mark.django_db


def _collection_paths() -> list[str]:
    """Every staff-API path without a path parameter that answers GET, from the schema the
    URL resolver produces (so a new list is covered without editing this test)."""
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/") and "{" not in path and "get" in operations
    )


def test_the_schema_lists_the_qa_collections() -> None:
    paths = _collection_paths()
    assert {"/api/v1/qa/evaluations/", "/api/v1/qa/periods/", "/api/v1/qa/rubric/"} <= set(paths)
    assert len(paths) > 10


@pytest.mark.parametrize("role", [*Role.values, "none"])
def test_no_collection_answers_5xx_for_any_role(
    role: str,
    make_user: Callable[..., User],
    client_for: Callable[[User], APIClient],
    triage: Department,
) -> None:
    user = make_user(role if role != "none" else "", [triage])
    agent = make_user(Role.AGENT, [triage])
    call = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL, agent=agent, started_at=timezone.now()
    )
    services.sampling_period_open(day=timezone.localdate())
    Evaluation.objects.create(
        interaction=call,
        rubric=services.active_rubric(),
        reviewer=make_user(Role.QA_REVIEWER),
        stratum=Stratum.RANDOM,
    )
    client = client_for(user)
    failures = {}
    for path in _collection_paths():
        response = client.get(path)
        if response.status_code >= 500:
            failures[path] = response.status_code
    assert failures == {}


@pytest.fixture
def call_under_review(
    make_user: Callable[..., User], triage: Department
) -> tuple[Interaction, dict[str, User]]:
    people = {
        "agent": make_user(Role.AGENT, [triage]),
        "reviewer": make_user(Role.QA_REVIEWER),
        "other_reviewer": make_user(Role.QA_REVIEWER),
        "supervisor": make_user(Role.SUPERVISOR, [triage]),
        "other_supervisor": make_user(Role.SUPERVISOR),
        "qa_admin": make_user(Role.QA_ADMIN),
        "other_agent": make_user(Role.AGENT, [triage]),
        "staff": make_user(Role.DEPARTMENT_STAFF, [triage]),
    }
    call = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL,
        agent=people["agent"],
        started_at=timezone.now() - timedelta(hours=1),
        greeting="Riverton 3-1-1, this is Sam. How can I help?",
    )
    Evaluation.objects.create(
        interaction=call,
        rubric=services.active_rubric(),
        reviewer=people["reviewer"],
        stratum=Stratum.RANDOM,
    )
    return call, people


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("agent", True),
        ("reviewer", True),
        ("supervisor", True),
        ("qa_admin", True),
        ("other_reviewer", False),
        ("other_supervisor", False),
        ("other_agent", False),
        ("staff", False),
    ],
)
def test_an_interaction_is_read_by_those_assigned_or_responsible_only(
    call_under_review: tuple[Interaction, dict[str, User]],
    client_for: Callable[[User], APIClient],
    who: str,
    sees: bool,
) -> None:
    call, people = call_under_review
    response = client_for(people[who]).get(f"/api/v1/calls/{call.pk}/")
    assert response.status_code == (200 if sees else 404)
    listed = client_for(people[who]).get("/api/v1/calls/").json()["results"]
    assert (str(call.pk) in {c["id"] for c in listed}) is sees


def test_readers_of_a_call_cannot_log_it(
    call_under_review: tuple[Interaction, dict[str, User]],
    client_for: Callable[[User], APIClient],
) -> None:
    call, people = call_under_review
    response = client_for(people["reviewer"]).post(
        f"/api/v1/calls/{call.pk}/end/", {"outcome": "information_given"}, format="json"
    )
    assert response.status_code == 403


def test_the_rubric_is_readable_with_its_wording(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    rubric = services.active_rubric()
    body = client_for(make_user(Role.AGENT)).get("/api/v1/qa/rubric/").json()
    assert body["version"] == rubric.version
    assert body["pass_mark"] == rubric.pass_mark
    items = {i["code"]: i for i in body["items"]}
    assert len(items) == rubric.items.count()
    critical = items["no-derogatory-remark"]
    assert critical["c_id"] == "C5"
    assert critical["critical"] is True
    assert critical["values"] == ["yes", "no"]
    greeting = items["greeting"]
    assert greeting["title"].startswith("Answered with the service's name")
    assert {"scale", "weight", "guidance", "allows_na"} <= set(greeting)
    old = client_for(make_user(Role.AGENT)).get(f"/api/v1/qa/rubric/?version={rubric.version}")
    assert old.status_code == 200
    missing = client_for(make_user(Role.AGENT)).get("/api/v1/qa/rubric/?version=nope")
    assert missing.status_code == 404


def test_only_collection_lists_are_described_as_paginated() -> None:
    """An action that answers a plain list (a call's duplicate check, a calibration's scores)
    must not be described as a page of results: clients and the fuzzer read the schema."""
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    described_as_pages = sorted(
        f"{method} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "Paginated" in str(operation.get("responses", {}).get("200", ""))
        and (method != "get" or _is_action_on_one_object(path))
    )
    assert described_as_pages == []


def _is_action_on_one_object(path: str) -> bool:
    return "{" in path and not path.rstrip("/").endswith("}")
