"""QA email through the outbox: reviewers when assigned, agents when a review of theirs is
submitted or their dispute decided; never about calibration or second scores."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.template.loader import get_template
from django.utils import timezone

from accounts.models import Role, User
from core.models import Department
from interactions.models import Interaction, InteractionKind
from notifications.models import Channel, MessageKind, OutboxMessage
from qa import services
from qa.models import Evaluation, Rubric, Stratum

pytestmark = pytest.mark.django_db

QA_KINDS = (MessageKind.QA_ASSIGNED, MessageKind.QA_SUBMITTED, MessageKind.QA_DISPUTE_DECIDED)


def _answers(rubric: Rubric) -> dict[str, dict[str, str]]:
    return {i.code: {"value": "yes" if i.scale == "yes_no" else "met"} for i in rubric.items.all()}


def _to(user: User, kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=user.email, kind=kind))


@pytest.fixture
def people(make_user: Callable[..., User], triage: Department) -> dict[str, User]:
    team = {
        "agent": make_user(Role.AGENT, [triage]),
        "reviewer": make_user(Role.QA_REVIEWER),
        "second": make_user(Role.QA_REVIEWER),
        "supervisor": make_user(Role.SUPERVISOR, [triage]),
        "qa_admin": make_user(Role.QA_ADMIN),
    }
    for name, user in team.items():
        user.email = f"{name}@riverton.example"
        user.save(update_fields=["email"])
    return team


def test_reviewers_are_told_once_per_draw(people: dict[str, User]) -> None:
    zone = timezone.get_current_timezone()
    for day in range(8, 15):
        Interaction.objects.create(
            kind=InteractionKind.PHONE_CALL,
            agent=people["agent"],
            started_at=datetime(2026, 10, day, 10, tzinfo=zone),
        )
    period = services.sampling_period_open(day=date(2026, 10, 8))
    services.sampling_period_draw(period=period, now=datetime(2026, 10, 15, 1, tzinfo=zone))
    told = OutboxMessage.objects.filter(kind=MessageKind.QA_ASSIGNED)
    reviewers = set(Evaluation.objects.values_list("reviewer__email", flat=True))
    assert sorted(m.recipient for m in told) == sorted(reviewers)
    message = told[0]
    assert message.channel == Channel.EMAIL
    assert message.request is None
    assert "/qa/evaluations/" in message.body
    assert "due" in message.subject


def test_the_agent_is_told_of_a_submission_and_of_the_decision(people: dict[str, User]) -> None:
    call = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL,
        agent=people["agent"],
        started_at=timezone.now() - timedelta(hours=1),
    )
    evaluation = Evaluation.objects.create(
        interaction=call,
        rubric=services.active_rubric(),
        reviewer=people["reviewer"],
        stratum=Stratum.RANDOM,
    )
    services.evaluation_submit(
        evaluation=evaluation, reviewer=people["reviewer"], answers=_answers(evaluation.rubric)
    )
    (submitted,) = _to(people["agent"], MessageKind.QA_SUBMITTED)
    assert "100 out of 100, pass" in submitted.body
    assert f"/qa/evaluations/{evaluation.pk}/" in submitted.body
    services.evaluation_dispute(evaluation=evaluation, agent=people["agent"], reason="Why?")
    services.evaluation_arbitrate(
        evaluation=evaluation, arbiter=people["supervisor"], note="The scores stand: well done."
    )
    (decided,) = _to(people["agent"], MessageKind.QA_DISPUTE_DECIDED)
    assert "the scores stand" in decided.body
    assert "well done" in decided.body


def test_calibration_tells_the_reviewers_but_not_the_agent(people: dict[str, User]) -> None:
    call = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL,
        agent=people["agent"],
        started_at=timezone.now() - timedelta(hours=1),
    )
    session = services.calibration_session_create(
        title="October",
        created_by=people["qa_admin"],
        interactions=[call],
        participants=[people["reviewer"], people["second"]],
    )
    assert len(_to(people["reviewer"], MessageKind.QA_ASSIGNED)) == 1
    assert len(_to(people["second"], MessageKind.QA_ASSIGNED)) == 1
    for evaluation in session.evaluations.all():
        services.evaluation_submit(
            evaluation=evaluation, reviewer=evaluation.reviewer, answers=_answers(session.rubric)
        )
    assert _to(people["agent"], MessageKind.QA_SUBMITTED) == []


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", QA_KINDS)
def test_every_qa_message_is_worded_in_english_and_spanish(language: str, kind: str) -> None:
    text = get_template(f"notifications/{language}/{kind}.txt").render(
        {"name": "Sam", "link": "https://311.example.org/qa/evaluations/1/", "score": "90"}
    )
    assert "Sam" in text
    assert "https://311.example.org/qa/evaluations/1/" in text
