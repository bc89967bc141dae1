"""Agents log calls step by step (C1-C3, C7, C11); promises are tracked until kept or broken."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import Service
from interactions import services
from interactions.models import Commitment, CommitmentStatus, Interaction

pytestmark = pytest.mark.django_db

CALLS = "/api/v1/calls/"


@pytest.fixture
def agent(make_user: Callable[..., User], triage: Department) -> User:
    user = make_user(Role.AGENT, [triage])
    user.email = "agent@riverton.example"
    user.save()
    return user


def test_a_call_walked_from_greeting_to_recap(
    agent: User, pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(agent)
    started = client.post(
        CALLS, {"greeting": "Thank you for calling Riverton 3-1-1, this is Sam. How can I help?"}
    )
    assert started.status_code == 201
    url = f"{CALLS}{started.json()['id']}/"
    assert (
        client.post(
            url + "caller/", {"caller_name": "Ana Ruiz", "caller_phone": "608-555-0142"}
        ).status_code
        == 200
    )
    problem = client.post(
        url + "problem/",
        {
            "caller_words": "There's a huge hole on Main and my tyre burst",
            "paraphrase": "A deep pothole on Main Street that damaged your tyre",
            "paraphrase_confirmed": True,
        },
    )
    assert problem.status_code == 200
    assert "suggestions" in problem.json()
    location = {"lat": 43.07, "long": -89.40}
    duplicates = client.post(
        url + "duplicate-check/", {"service": "pothole", "location": location}, format="json"
    )
    assert duplicates.status_code == 200
    assert duplicates.json() == []
    created = client.post(
        url + "request/",
        {"service": "pothole", "description": "Deep pothole", "location": location},
        format="json",
    )
    assert created.status_code == 201
    reference = created.json()["id"]
    assert created.json()["promised_at"]  # C7: the date comes from the service's target
    ended = client.post(
        url + "end/",
        {
            "outcome": "request_created",
            "recap": f"Recap: reference number {reference}, crew by Friday. Thank you.",
        },
    )
    assert ended.status_code == 200
    call = ended.json()
    assert call["requests"] == [reference]
    assert call["flagged_c_ids"] == []
    assert call["courtesy_score"] == 1.0
    # The caller is the requester, and nobody else sees this agent's calls.
    assert Interaction.objects.get(pk=call["id"]).requests.get().requester_first_name == "Ana Ruiz"


def test_the_request_waits_for_a_confirmed_paraphrase_and_a_recap_is_checked(
    agent: User, pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(agent)
    url = f"{CALLS}{client.post(CALLS, {}).json()['id']}/"
    client.post(
        url + "problem/",
        {"caller_words": "pothole", "paraphrase": "a pothole", "paraphrase_confirmed": False},
    )
    refused = client.post(url + "request/", {"service": "pothole"}, format="json")
    assert refused.status_code == 400
    assert "paraphrase_confirmed" in refused.json()
    ended = client.post(url + "end/", {"outcome": "information_given", "notes": "Told them."})
    assert set(ended.json()["flagged_c_ids"]) == {"C1", "C11"}
    again = client.post(url + "caller/", {"caller_name": "X"})
    assert again.status_code == 400  # an ended call is not changed afterwards


def test_messages_need_every_c2_field_and_a_callback_is_a_promise(
    agent: User,
    make_user: Callable[..., User],
    streets: Department,
    client_for: Callable[[User], APIClient],
) -> None:
    inspector = make_user(Role.DEPARTMENT_STAFF, [streets])
    client = client_for(agent)
    url = f"{CALLS}{client.post(CALLS, {}).json()['id']}/"
    incomplete = client.post(
        url + "message/",
        {
            "kind": "callback",
            "caller_name": "Ana Ruiz",
            "name_spelling_confirmed": False,
            "callback_number": "555-0142",
            "message": "",
            "callback_preference": "after 5 pm",
        },
    )
    assert incomplete.status_code == 400
    assert {"name_spelling_confirmed", "callback_number", "message"} <= set(incomplete.json())
    due = timezone.now() + timedelta(hours=3)
    taken = client.post(
        url + "message/",
        {
            "kind": "callback",
            "for_user": inspector.username,
            "caller_name": "Ana Ruiz",
            "name_spelling_confirmed": True,
            "callback_number": "(608) 555-0142",
            "message": "Wants to know when the sidewalk will be repaired",
            "callback_preference": "after 5 pm",
            "callback_by": due.isoformat(),
        },
    )
    assert taken.status_code == 201
    assert taken.json()["message"]["taken_by"] == agent.username
    promise = Commitment.objects.get()
    assert promise.owner == inspector
    assert promise.made_by == agent
    assert promise.status == CommitmentStatus.OPEN
    assert client.post(url + "end/", {"outcome": "callback_promised"}).status_code == 200
    # The inspector sees the promise and keeps it.
    inspector_client = client_for(inspector)
    listed = inspector_client.get("/api/v1/commitments/?status=open").json()["results"]
    assert [c["id"] for c in listed] == [promise.pk]
    kept = inspector_client.post(
        f"/api/v1/commitments/{promise.pk}/resolve/", {"status": "kept", "note": "Called back."}
    )
    assert kept.json()["status"] == "kept"


def test_only_the_agent_on_the_call_logs_it(
    agent: User, make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    call_id = client_for(agent).post(CALLS, {}).json()["id"]
    other = make_user(Role.AGENT)
    response = client_for(other).post(f"{CALLS}{call_id}/caller/", {"caller_name": "X"})
    assert response.status_code == 404
    assert client_for(make_user(Role.QA_REVIEWER)).post(CALLS, {}).status_code == 403


@pytest.mark.parametrize(
    ("step", "body", "field"),
    [
        ("caller/", {"language": "klingon"}, "language"),
        ("problem/", {"caller_words": "x"}, "paraphrase"),
        ("end/", {"outcome": "vanished"}, "outcome"),
        ("end/", {"outcome": "request_created"}, "outcome"),
        ("message/", {"kind": "callback", "caller_name": "\x00"}, "caller_name"),
        ("duplicate-check/", {"service": "nope", "location": "here"}, "service"),
    ],
)
def test_bad_call_input_is_a_field_error(
    agent: User,
    pothole: Service,
    client_for: Callable[[User], APIClient],
    step: str,
    body: dict[str, object],
    field: str,
) -> None:
    client = client_for(agent)
    url = f"{CALLS}{client.post(CALLS, {}).json()['id']}/"
    response = client.post(url + step, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_promises_get_a_reminder_then_are_broken_when_missed(agent: User) -> None:
    promise = services.commitment_make(
        kind="update",
        owner=agent,
        made_by=agent,
        due_at=timezone.now() + timedelta(minutes=20),
        description="Tell Mrs Ruiz the inspection result",
    )
    assert services.commitments_remind_due(within=timedelta(minutes=30)) == [promise.pk]
    assert services.commitments_remind_due(within=timedelta(minutes=30)) == []  # once only
    assert services.commitment_send_reminder(commitment_id=promise.pk)
    assert "Tell Mrs Ruiz" in mail.outbox[0].body
    assert services.commitments_mark_broken(now=timezone.now() + timedelta(hours=1)) == 1
    promise.refresh_from_db()
    assert promise.status == CommitmentStatus.BROKEN


def test_a_promise_kept_late_counts_as_broken(agent: User) -> None:
    promise = services.commitment_make(
        kind="call_back",
        owner=agent,
        made_by=agent,
        due_at=timezone.now() + timedelta(minutes=1),
        description="Call back",
    )
    Commitment.objects.filter(pk=promise.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    resolved = services.commitment_resolve(commitment=promise, actor=agent, status="kept")
    assert resolved.status == CommitmentStatus.BROKEN
