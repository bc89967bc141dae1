"""Delivery against a real SMTP server and a real webhook receiver on 127.0.0.1.

The server answers with the codes real mail servers send, so the transport's own sorting
runs: a 4xx reply at any stage is worth trying again later, a 5xx one is not. Webhook
deliveries are checked against an HMAC the test computes with the subscriber's secret.
"""

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from pytest_django.fixtures import Settings

from intake.models import Service
from intake.services import Requester
from notifications import services as outbox
from notifications.models import MessageStatus, OutboxMessage, WebhookSubscription
from tests.factories import make_request
from tests.integration.test_delivery_with_real_worker import free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
MARIA = Requester(first_name="Maria", email="maria@example.org", channel="email")


class Replying:
    """An SMTP server that answers one stage (MAIL, RCPT or DATA) with a chosen reply."""

    def __init__(self) -> None:
        self.replies: dict[str, str] = {}
        self.received: list[str] = []

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if "MAIL" in self.replies:
            return self.replies["MAIL"]
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if "RCPT" in self.replies:
            return self.replies["RCPT"]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if "DATA" in self.replies:
            return self.replies["DATA"]
        self.received.append(str(message_from_bytes(envelope.content)["Message-ID"]))
        return "250 Message accepted"


@pytest.fixture
def smtp(settings: Settings) -> Iterator[Replying]:
    handler = Replying()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def _message(pothole: Service) -> OutboxMessage:
    created = make_request(pothole, requester=MARIA)
    return OutboxMessage.objects.get(request=created, channel="email")


@pytest.mark.parametrize(
    ("stage", "reply"),
    [
        ("MAIL", "421 Service not available, closing channel"),
        ("MAIL", "451 Local error in processing"),
        ("RCPT", "450 Mailbox unavailable, try later"),
        ("RCPT", "452 Too many recipients this hour"),
        ("DATA", "451 Greylisted, come back later"),
        ("DATA", "452 Insufficient storage"),
    ],
)
def test_a_4xx_reply_is_retried_later_and_then_delivered(
    smtp: Replying, pothole: Service, stage: str, reply: str
) -> None:
    message = _message(pothole)
    smtp.replies[stage] = reply
    before = timezone.now()
    outcome = outbox.outbox_deliver(message_id=message.pk)
    assert outcome.status == "retry"
    assert outcome.retry_in == 30
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert reply[:3] in message.last_error
    assert message.next_attempt_at >= before + timedelta(seconds=30)
    assert smtp.received == []
    smtp.replies.clear()  # the server is well again
    assert outbox.outbox_deliver(message_id=message.pk).status == "sent"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert smtp.received == [message.provider_reference]


@pytest.mark.parametrize(
    ("stage", "reply"),
    [
        ("MAIL", "550 Sender rejected"),
        ("RCPT", "550 No such user here"),
        ("RCPT", "553 Mailbox name not allowed"),
        ("DATA", "554 Transaction failed: message refused"),
        ("DATA", "552 Message size exceeds fixed maximum"),
    ],
)
def test_a_5xx_reply_fails_the_message_without_retrying(
    smtp: Replying, pothole: Service, stage: str, reply: str
) -> None:
    message = _message(pothole)
    smtp.replies[stage] = reply
    assert outbox.outbox_deliver(message_id=message.pk).status == "failed"
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert reply[:3] in message.last_error
    # Failed is final: another attempt sends nothing.
    smtp.replies.clear()
    assert outbox.outbox_deliver(message_id=message.pk).status == "skipped"
    assert smtp.received == []


def test_a_message_still_refused_after_the_last_attempt_is_failed(
    smtp: Replying, pothole: Service
) -> None:
    message = _message(pothole)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    smtp.replies["RCPT"] = "450 Mailbox unavailable, try later"
    assert outbox.outbox_deliver(message_id=message.pk).status == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, outbox.MAX_ATTEMPTS)


def test_a_server_that_is_not_there_is_retried(
    smtp: Replying, pothole: Service, settings: Settings
) -> None:
    settings.EMAIL_PORT = free_port()  # nothing listens there
    message = _message(pothole)
    assert outbox.outbox_deliver(message_id=message.pk).status == "retry"


class Receiver(BaseHTTPRequestHandler):
    status = 202
    seen: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append((dict(self.headers.items()), body))
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[type[Receiver], str]]:
    handler = type("OneReceiver", (Receiver,), {"seen": [], "status": 202})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_webhooks_are_signed_with_the_subscribers_secret(
    receiver: tuple[type[Receiver], str], pothole: Service
) -> None:
    handler, url = receiver
    secret = "kJ8-the-subscriber's-own-secret"
    WebhookSubscription.objects.create(name="Civic app", url=url, secret=secret)
    WebhookSubscription.objects.create(name="Other app", url=url + "/other", secret="other")
    created = make_request(pothole, requester=MARIA)
    hooks = OutboxMessage.objects.filter(request=created, channel="webhook")
    hook = hooks.get(recipient__endswith="/hook")
    assert outbox.outbox_deliver(message_id=hook.pk).status == "sent"
    ((headers, body),) = handler.seen
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Civic311-Signature"] == f"sha256={expected}"
    assert headers["Idempotency-Key"] == str(hook.key)
    assert json.loads(body)["service_request_id"] == created.public_id
    # Signed with this subscriber's secret, not another's and not an empty one.
    for wrong in ("other", ""):
        forged = hmac.new(wrong.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Civic311-Signature"] != f"sha256={forged}"


@pytest.mark.parametrize(
    ("status", "outcome"), [(500, "retry"), (503, "retry"), (429, "retry"), (410, "failed")]
)
def test_webhook_answers_are_sorted_into_retry_or_give_up(
    receiver: tuple[type[Receiver], str], pothole: Service, status: int, outcome: str
) -> None:
    handler, url = receiver
    handler.status = status
    WebhookSubscription.objects.create(name="Civic app", url=url, secret="s")
    created = make_request(pothole)
    hook = OutboxMessage.objects.get(request=created, channel="webhook")
    assert outbox.outbox_deliver(message_id=hook.pk).status == outcome
    assert len(handler.seen) == 1
