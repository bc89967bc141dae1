"""What each transport hands over, and how it sorts a refusal, seen from the other side.

Refusals come from a real SMTP server on 127.0.0.1, webhooks go to a real HTTP receiver;
Twilio is outside the city, so its HTTP API is replaced at the boundary (`requests.post`).
Everything is driven through `outbox_deliver`, as the worker does.
"""

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core import mail
from pytest_django.fixtures import Settings

from intake.models import Service, ServiceRequest
from intake.services import Requester
from notifications import services as outbox
from notifications.models import Channel, MessageStatus, OutboxMessage, WebhookSubscription
from tests.factories import make_request
from tests.integration.test_delivery_errors import Receiver, Replying, receiver, smtp

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
__all__ = ["receiver", "smtp"]  # the SMTP server and webhook receiver of test_delivery_errors
MARIA = Requester(first_name="Maria", email="maria@example.org", channel="email")
ANA = Requester(first_name="Ana", phone="+16085550123", channel="sms", language="es")


def _deliver(message: OutboxMessage) -> tuple[str, OutboxMessage]:
    outcome = outbox.outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    return outcome.status, message


def test_an_email_carries_its_own_message_id_and_the_request_it_is_about(
    pothole: Service, settings: Settings
) -> None:
    created = make_request(pothole, requester=MARIA)
    status, message = _deliver(OutboxMessage.objects.get(request=created, channel=Channel.EMAIL))
    assert status == "sent"
    (email,) = mail.outbox
    assert message.provider_reference == f"<{message.key}@{settings.CIVIC311_EMAIL_DOMAIN}>"
    assert email.message()["Message-ID"] == message.provider_reference
    assert email.message()["X-Civic311-Request"] == created.public_id
    assert (email.from_email, email.to) == (settings.DEFAULT_FROM_EMAIL, ["maria@example.org"])
    assert (email.subject, email.body) == (message.subject, message.body)


@pytest.mark.parametrize(
    ("stage", "code", "outcome", "staff_sees"),
    [
        ("RCPT", 400, "retry", "address deferred"),
        ("RCPT", 500, "failed", "address refused"),
        ("MAIL", 400, "retry", "SMTP 400"),
        ("DATA", 500, "failed", "SMTP 500"),
    ],
)
def test_smtp_replies_at_the_edges_of_4xx_and_5xx_are_sorted_and_explained(
    smtp: Replying,
    pothole: Service,
    stage: str,
    code: int,
    outcome: str,
    staff_sees: str,
) -> None:
    smtp.replies[stage] = f"{code} Odd but well-formed reply"
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=MARIA))
    status, message = _deliver(message)
    assert status == outcome
    # The staff dashboard says whether the address itself or the server said no, and why.
    assert message.last_error.startswith(staff_sees)
    assert "Odd but well-formed reply" in message.last_error


def test_a_console_text_is_appended_as_one_json_line_in_the_residents_language(
    pothole: Service, settings: Settings, tmp_path: Path
) -> None:
    settings.CIVIC311_SMS_FILE = str(tmp_path / "sms.log")
    first = OutboxMessage.objects.get(request=make_request(pothole, requester=ANA))
    second = OutboxMessage.objects.get(request=make_request(pothole, requester=ANA))
    assert [_deliver(m)[0] for m in (first, second)] == ["sent", "sent"]
    lines = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["key"] for line in lines] == [str(first.key), str(second.key)]
    written = json.loads(lines[0])
    assert written["to"] == "+16085550123"
    assert written["body"] == first.body
    assert written["at"][:4].isdigit()
    assert "ú" in lines[0] or "ó" in lines[0] or "á" in lines[0]  # Spanish, written as such
    assert OutboxMessage.objects.get(pk=first.pk).provider_reference == f"console:{first.key}"


def test_without_a_file_a_console_text_is_still_sent(pothole: Service, settings: Settings) -> None:
    settings.CIVIC311_SMS_FILE = ""
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=ANA))
    assert _deliver(message)[0] == "sent"


class Twilio:
    """Twilio's Messages API as the transport sees it: one answer, every call kept."""

    def __init__(self, status: int, body: str) -> None:
        self.status, self.body = status, body
        self.calls: list[dict[str, Any]] = []

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        self.calls.append({"url": url, **kwargs})
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body.encode()
        return response


@pytest.fixture
def twilio_settings(settings: Settings) -> Settings:
    settings.CIVIC311_SMS_TRANSPORT = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "token-456"
    settings.TWILIO_FROM_NUMBER = "+16085550000"
    return settings


def test_a_text_through_twilio_is_sent_from_the_citys_number_and_keeps_twilios_id(
    pothole: Service, twilio_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio = Twilio(201, json.dumps({"sid": "SM789", "status": "queued"}))
    monkeypatch.setattr("notifications.transports.requests.post", twilio.post)
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=ANA))
    status, message = _deliver(message)
    assert (status, message.provider_reference) == ("sent", "SM789")
    (call,) = twilio.calls
    assert call["url"] == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    assert call["data"] == {"To": "+16085550123", "From": "+16085550000", "Body": message.body}
    assert call["auth"] == ("AC123", "token-456")
    assert 0 < call["timeout"] <= 30


@pytest.mark.parametrize(
    ("status", "body", "outcome", "reference"),
    [
        (200, "not json", "sent", ""),
        (200, json.dumps({"status": "queued"}), "sent", ""),
        (400, json.dumps({"message": "not a mobile number"}), "failed", None),
        (429, "", "retry", None),
        (500, "", "retry", None),
    ],
)
def test_twilios_answers_are_sorted_into_sent_retry_or_give_up(
    pothole: Service,
    twilio_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    body: str,
    outcome: str,
    reference: str | None,
) -> None:
    monkeypatch.setattr("notifications.transports.requests.post", Twilio(status, body).post)
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=ANA))
    delivered, message = _deliver(message)
    assert delivered == outcome
    if reference is not None:
        assert message.provider_reference == reference
    else:
        assert message.last_error.startswith(f"HTTP {status}")
    if status == 400:
        assert "not a mobile number" in message.last_error


def test_twilio_out_of_reach_is_retried(
    pothole: Service, twilio_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(url: str, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr("notifications.transports.requests.post", unreachable)
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=ANA))
    status, message = _deliver(message)
    assert status == "retry"
    assert message.last_error == "ConnectionError: no route to host"


def test_a_webhook_is_posted_as_json_and_its_answer_kept(
    receiver: tuple[type[Receiver], str], pothole: Service
) -> None:
    handler, url = receiver
    WebhookSubscription.objects.create(name="Civic app", url=url, secret="s")
    created = make_request(pothole)
    status, hook = _deliver(OutboxMessage.objects.get(request=created, channel="webhook"))
    assert (status, hook.provider_reference) == ("sent", "HTTP 202")
    ((headers, body),) = handler.seen
    assert headers["Content-Type"] == "application/json"
    assert body == hook.body.encode()


@pytest.mark.parametrize(("status", "outcome"), [(400, "failed"), (499, "failed"), (399, "sent")])
def test_webhook_answers_at_the_edge_of_4xx(
    receiver: tuple[type[Receiver], str], pothole: Service, status: int, outcome: str
) -> None:
    handler, url = receiver
    handler.status = status
    WebhookSubscription.objects.create(name="Civic app", url=url, secret="s")
    hook = OutboxMessage.objects.get(request=make_request(pothole), channel="webhook")
    assert _deliver(hook)[0] == outcome


def test_a_message_on_a_channel_nobody_can_carry_fails_visibly(pothole: Service) -> None:
    created: ServiceRequest = make_request(pothole, requester=MARIA)
    message = OutboxMessage.objects.get(request=created)
    OutboxMessage.objects.filter(pk=message.pk).update(channel="pigeon")
    status, message = _deliver(message)
    assert (status, message.status) == ("failed", MessageStatus.FAILED)
    assert message.last_error == "no transport for channel 'pigeon'"
