"""A small QA world for the workspace's tests: a team, a call with a courtesy slip linked to
a request with its timeline and a note sent, an evaluation assigned to a reviewer, and
earlier reviews of the same agent so the scorecard has an interval."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from core.models import Department
from intake.models import Service
from interactions.models import Interaction, InteractionKind
from interactions.recording import screening_fields
from qa import services
from qa.models import Evaluation, Rubric, Stratum
from qa.screener import screen
from tests.factories import UserFactory, make_request

SLIP = "Calm down, that's not my department. I'll put it in."


@dataclass
class QaWorld:
    agent: User
    supervisor: User
    reviewer: User
    reviewers: list[User]
    qa_admin: User
    call: Interaction
    evaluation: Evaluation
    earlier: list[Evaluation]


def answers(rubric: Rubric, **overrides: str) -> dict[str, dict[str, str]]:
    values = {i.code: ("yes" if i.scale == "yes_no" else "met") for i in rubric.items.all()}
    values.update(overrides)
    return {code: {"value": v, "comment": ""} for code, v in values.items()}


def person(role: str, first: str, last: str, departments: list[Department] | None = None) -> User:
    if departments is None:
        departments = []
    return UserFactory.create(
        role=role, first_name=first, last_name=last, departments=list(departments)
    )


def a_call(agent: User, service: Service, *, days_ago: int, text: str = SLIP) -> Interaction:
    at = timezone.now() - timedelta(days=days_ago)
    request = make_request(service, channel="phone")
    notes = "\n".join(["Riverton 3-1-1, this is Ana, how can I help?", text, "Recap."])
    call = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL,
        agent=agent,
        service=service,
        started_at=at,
        ended_at=at + timedelta(minutes=4),
        caller_name="Pat Doe",
        reason="Pothole on Main St",
        outcome="request_created",
        greeting="Riverton 3-1-1, this is Ana, how can I help?",
        caller_words="There's a hole in front of my house and nobody fixes it!",
        paraphrase="A pothole at 100 Main St that has been there for weeks.",
        paraphrase_confirmed=True,
        text=text,
        recap=f"Reference {request.public_id}; the crew fixes it within five days. Thank you.",
        **screening_fields(screen(notes, kind="call_notes")),
    )
    call.requests.add(request)
    sent = Interaction.objects.create(
        kind=InteractionKind.EMAIL_SENT,
        started_at=at + timedelta(minutes=5),
        text=f"We received your report {request.public_id}. A crew will look at it.",
    )
    sent.requests.add(request)
    return call


def build(triage: Department, pothole: Service) -> QaWorld:
    agent = person(Role.AGENT, "Ana", "Lopez", [triage])
    supervisor = person(Role.SUPERVISOR, "Sam", "Okafor", [triage])
    reviewers = [
        person(Role.QA_REVIEWER, "Jordan", "Reyes"),
        person(Role.QA_REVIEWER, "Kim", "Park"),
        person(Role.QA_REVIEWER, "Lee", "Chen"),
    ]
    qa_admin = person(Role.QA_ADMIN, "Morgan", "Ellis")
    rubric = services.active_rubric()
    earlier = []
    for days_ago, value in ((20, "met"), (15, "not_met")):
        done = Evaluation.objects.create(
            interaction=a_call(agent, pothole, days_ago=days_ago, text="Happy to help."),
            rubric=rubric,
            reviewer=reviewers[1],
            stratum=Stratum.RANDOM,
        )
        earlier.append(
            services.evaluation_submit(
                evaluation=done,
                reviewer=reviewers[1],
                answers=answers(rubric, **{"what-can-be-done": value, "listen-verify": value}),
            )
        )
    call = a_call(agent, pothole, days_ago=3)
    evaluation = Evaluation.objects.create(
        interaction=call, rubric=rubric, reviewer=reviewers[0], stratum=Stratum.RANDOM
    )
    return QaWorld(agent, supervisor, reviewers[0], reviewers, qa_admin, call, evaluation, earlier)
