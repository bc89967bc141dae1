"""Written updates are screened before they leave (C4, C5); internal notes are flagged for QA."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from intake.models import Service
from interactions.models import Interaction, InteractionKind
from interactions.services import interactions_record_submissions
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def _notes_url(public_id: str) -> str:
    return f"/api/v1/requests/{public_id}/notes/"


def test_a_flagged_public_note_is_held_until_reworded_or_sent_with_a_reason(
    pothole: Service, streets_staff: User, client_for: Callable[[User], APIClient]
) -> None:
    service_request = make_request(pothole)
    client = client_for(streets_staff)
    text = "You should have reported it sooner. The crew comes Friday."
    held = client.post(_notes_url(service_request.public_id), {"text": text, "public": True})
    assert held.status_code == 400
    body = held.json()
    assert "courtesy_override_reason" in body
    assert any("C4" in m for m in body["text"])
    assert body["courtesy"]["flags"][0]["suggestion"]
    assert not service_request.events.filter(kind="public_note").exists()

    sent = client.post(
        _notes_url(service_request.public_id),
        {"text": text, "public": True, "courtesy_override_reason": "Resident asked for the rule"},
    )
    assert sent.status_code == 201
    interaction = Interaction.objects.get(kind=InteractionKind.PUBLIC_NOTE)
    assert interaction.flagged_c_ids == ["C4"]
    assert interaction.override_reason == "Resident asked for the rule"
    assert interaction.agent == streets_staff
    assert list(interaction.requests.all()) == [service_request]


def test_a_c5_public_note_is_blocked_even_with_a_reason(
    pothole: Service, streets_staff: User, client_for: Callable[[User], APIClient]
) -> None:
    service_request = make_request(pothole)
    response = client_for(streets_staff).post(
        _notes_url(service_request.public_id),
        {
            "text": "Those immigrants always dump trash here.",
            "public": True,
            "courtesy_override_reason": "I insist",
        },
    )
    assert response.status_code == 400
    assert response.json()["text"][0] == "This note cannot be sent."
    assert response.json()["courtesy"]["blocked"] is True
    assert not service_request.events.filter(kind="public_note").exists()
    assert not Interaction.objects.filter(kind=InteractionKind.PUBLIC_NOTE).exists()


def test_a_courteous_public_note_goes_straight_out_and_is_an_interaction(
    pothole: Service, streets_staff: User, client_for: Callable[[User], APIClient]
) -> None:
    service_request = make_request(pothole)
    response = client_for(streets_staff).post(
        _notes_url(service_request.public_id),
        {"text": "The crew will fill it by Friday. Thank you for reporting it.", "public": True},
    )
    assert response.status_code == 201
    interaction = Interaction.objects.get(kind=InteractionKind.PUBLIC_NOTE)
    assert interaction.flagged_c_ids == []
    assert interaction.courtesy_score == 1.0


def test_internal_notes_are_never_blocked_but_flags_reach_qa(
    pothole: Service, streets_staff: User, client_for: Callable[[User], APIClient]
) -> None:
    service_request = make_request(pothole)
    client = client_for(streets_staff)
    flagged = client.post(
        _notes_url(service_request.public_id),
        {"text": "The homeless are filthy, clear them out first.", "public": False},
    )
    assert flagged.status_code == 201
    clean = client.post(
        _notes_url(service_request.public_id), {"text": "Cone placed.", "public": False}
    )
    assert clean.status_code == 201
    (interaction,) = Interaction.objects.filter(kind=InteractionKind.INTERNAL_NOTE)
    assert interaction.flagged_c_ids == ["C5"]
    assert interaction.courtesy_score == 0.0


def test_status_notes_and_bulk_notes_are_screened_too(
    pothole: Service, streets_staff: User, client_for: Callable[[User], APIClient]
) -> None:
    first, second = make_request(pothole), make_request(pothole, address="9 Oak St")
    client = client_for(streets_staff)
    single = client.post(
        f"/api/v1/requests/{first.public_id}/status/",
        {"status": "in_progress", "note": "Calm down, we're on it."},
    )
    assert single.status_code == 400
    assert "note" in single.json()
    bulk = client.post(
        "/api/v1/requests/bulk-status/",
        {
            "requests": [first.public_id, second.public_id],
            "status": "in_progress",
            "note": "That's not my department.",
        },
        format="json",
    )
    assert bulk.status_code == 400
    assert "note" in bulk.json()
    first.refresh_from_db()
    assert first.status == "new"


def test_web_and_app_submissions_are_interactions(pothole: Service) -> None:
    web = make_request(pothole)
    app = make_request(pothole, channel="app", address="2 Elm St")
    phone = make_request(pothole, channel="phone", address="3 Elm St")
    assert interactions_record_submissions() == 2
    assert interactions_record_submissions() == 0  # each is recorded once
    kinds = {i.requests.get().pk: i.kind for i in Interaction.objects.all()}
    assert kinds == {
        web.pk: InteractionKind.WEB_SUBMISSION,
        app.pk: InteractionKind.APP_SUBMISSION,
    }
    assert phone.pk not in kinds  # calls are logged by the agent, with the call's walk


@pytest.mark.parametrize("path", ["notes/", "status/"])
def test_an_override_reason_that_is_not_text_is_refused_and_nothing_is_sent(
    path: str, pothole: Service, streets_staff: User, client_for: Callable[[User], APIClient]
) -> None:
    service_request = make_request(pothole)
    body = {
        "text": "You should have reported it sooner. The crew comes Friday.",
        "note": "You should have reported it sooner. The crew comes Friday.",
        "public": True,
        "status": "in_progress",
        "courtesy_override_reason": 12,
    }
    answer = client_for(streets_staff).post(
        f"/api/v1/requests/{service_request.public_id}/{path}", body, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert "courtesy_override_reason" in answer.json()
    service_request.refresh_from_db()
    assert service_request.status == "new"
    assert not service_request.events.filter(kind="public_note").exists()
