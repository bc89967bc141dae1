"""Garbage sent to the QA, call and commitment endpoints gets a 4xx with field messages."""

from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from interactions.models import Interaction, InteractionKind
from qa import services
from qa.models import Evaluation, Stratum

pytestmark = pytest.mark.django_db


@pytest.fixture
def qa_admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.QA_ADMIN)


@pytest.mark.parametrize(
    ("method", "url", "body", "expected"),
    [
        ("get", "/api/v1/qa/scorecards/?start=yesterday", None, 400),
        ("get", "/api/v1/qa/scorecards/?by=planet", None, 400),
        ("get", "/api/v1/qa/scorecards/?start=2026-12-01&end=2026-01-01", None, 400),
        ("get", "/api/v1/qa/patterns/?end=2026-13-45", None, 400),
        ("get", "/api/v1/qa/sample-size/", None, 400),
        ("get", "/api/v1/qa/sample-size/?margin=abc", None, 400),
        ("get", "/api/v1/qa/sample-size/?margin=0.05&population=-3", None, 400),
        ("post", "/api/v1/qa/calibration/", {"title": "x", "interactions": ["not-a-uuid"]}, 400),
        ("post", "/api/v1/qa/calibration/", {"title": "\x00", "participants": "everyone"}, 400),
        ("post", "/api/v1/qa/calibration/", [], 400),
        ("get", "/api/v1/qa/evaluations/not-a-number/", None, 404),
        ("get", "/api/v1/calls/not-a-uuid/", None, 404),
        ("post", "/api/v1/commitments/999999/resolve/", {"status": "broken"}, 400),
        ("get", "/api/v1/commitments/?status=nonsense", None, 400),
    ],
)
def test_garbage_is_a_client_error(
    qa_admin: User,
    client_for: Callable[[User], APIClient],
    method: str,
    url: str,
    body: object,
    expected: int,
) -> None:
    """The exact code: a refusal of the input (400, with field messages) is not the same
    answer as "not found" (404) or "not allowed" (403)."""
    client = client_for(qa_admin)
    response = (
        getattr(client, method)(url, body, format="json")
        if body is not None
        else (getattr(client, method)(url))
    )
    assert response.status_code == expected, response.content
    if expected == 400:
        assert isinstance(response.json(), dict), response.content
        assert response.json(), response.content


def test_garbage_answers_and_consensus_are_field_errors(
    qa_admin: User, make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    agent, reviewer = make_user(Role.AGENT), make_user(Role.QA_REVIEWER)
    now = timezone.now()
    call = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL, agent=agent, started_at=now, ended_at=now
    )
    evaluation = Evaluation.objects.create(
        interaction=call,
        rubric=services.active_rubric(),
        reviewer=reviewer,
        stratum=Stratum.RANDOM,
    )
    reviewer_client = client_for(reviewer)
    url = f"/api/v1/qa/evaluations/{evaluation.pk}/submit/"
    for answers in ({"greeting": "yes"}, {"greeting": {"value": ["yes"]}}, "all good", None):
        response = reviewer_client.post(url, {"answers": answers}, format="json")
        assert response.status_code == 400
    session = services.calibration_session_create(
        title="s", created_by=qa_admin, interactions=[call], participants=[reviewer, qa_admin]
    )
    Evaluation.objects.filter(session=session).update(status="acknowledged")
    outsider = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL, agent=agent, started_at=now, ended_at=now
    )
    consensus_url = f"/api/v1/qa/calibration/{session.pk}/consensus/"
    admin = client_for(qa_admin)
    for body in (
        {"interaction": str(call.pk), "item": "greeting", "value": "perhaps"},
        {"interaction": str(call.pk), "item": "no-such-item", "value": "yes"},
        {"interaction": str(outsider.pk), "item": "greeting", "value": "yes"},
    ):
        response = admin.post(consensus_url, body, format="json")
        assert response.status_code == 400, body
