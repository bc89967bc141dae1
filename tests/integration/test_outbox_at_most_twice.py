"""The outbox row lock, against the real database and a real SMTP server.

Two workers handed the same message at the same moment: the one that holds the row lock
sends, the other skips it. A worker that dies after the mail server accepted a message, but
before it marked it sent, leaves it pending: the next worker sends it again, and the repeat
carries the same Message-ID (derived from the message's key), so a receiving server can drop
it. A message therefore reaches the server at most twice, never under two identities.
"""

import asyncio
import signal
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from pytest_django.fixtures import Settings

from intake.models import Service
from intake.services import Requester
from notifications import services as outbox
from notifications.models import MessageStatus, OutboxMessage
from tests.factories import make_request
from tests.integration.test_delivery_with_real_worker import (
    _env,
    _manage,
    _stop,
    _wait,
    _worker,
    free_port,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
MARIA = Requester(email="maria@example.org", channel="email")
HOLD_AT_MOST = 20.0  # seconds: no stalled handler outlives a broken test for long


class Sink:
    """Keeps what it accepts; can hold the first client at RCPT (before any message text) or
    at QUIT (after the message was accepted)."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.hold_rcpt = threading.Event()
        self.hold_quit = threading.Event()
        self.holding = threading.Event()
        self.rcpts = 0

    async def _hold(self, flag: threading.Event) -> None:
        self.holding.set()
        deadline = time.monotonic() + HOLD_AT_MOST
        while flag.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.rcpts += 1
        if self.rcpts == 1 and self.hold_rcpt.is_set():
            await self._hold(self.hold_rcpt)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(str(message_from_bytes(envelope.content)["Message-ID"]))
        return "250 Message accepted"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hold_quit.is_set() and len(self.received) == 1:
            await self._hold(self.hold_quit)
        return "221 Bye"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler = Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.hold_rcpt.clear()
    handler.hold_quit.clear()
    controller.stop()


def _deliver_in_thread(message_id: int, outcomes: list[str]) -> threading.Thread:
    def run() -> None:
        try:
            outcomes.append(outbox.outbox_deliver(message_id=message_id).status)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_two_workers_delivering_the_same_message_at_once_send_it_once(
    sink: tuple[Sink, int], pothole: Service, settings: Settings
) -> None:
    handler, port = sink
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=MARIA))
    handler.hold_rcpt.set()
    outcomes: list[str] = []
    first = _deliver_in_thread(message.pk, outcomes)
    assert handler.holding.wait(10), "the first worker never reached the mail server"
    # The first worker is mid-send, holding the row. A second one is handed the same message.
    second = _deliver_in_thread(message.pk, outcomes)
    second.join(3)  # with the lock it gives up at once; without it, it sends a copy
    handler.hold_rcpt.clear()
    first.join(15)
    second.join(15)
    assert not first.is_alive()
    assert not second.is_alive()
    assert sorted(outcomes) == ["sent", "skipped"]
    assert handler.received == [f"<{message.key}@riverton.example.gov>"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)


def test_a_worker_that_dies_after_the_server_accepted_sends_at_most_twice_under_one_id(
    sink: tuple[Sink, int], pothole: Any
) -> None:
    handler, port = sink
    env = _env(port)
    handler.hold_quit.set()
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=MARIA))
    _manage(env, "from notifications.services import outbox_sweep; outbox_sweep()")
    first = _worker(env)
    try:
        _wait(handler.holding.is_set, 60, "the first worker to have its message accepted")
        assert len(handler.received) == 1  # accepted by the server...
        _stop(first, signal.SIGKILL)  # ...and the worker dies before it could mark it sent
    finally:
        _stop(first, signal.SIGKILL)
    handler.hold_quit.clear()
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    second = _worker(env)
    try:
        _manage(env, "from notifications.services import outbox_sweep; outbox_sweep()")
        _wait(lambda: len(handler.received) >= 2, 60, "the second worker to send it again")
        _manage(env, "from notifications.services import outbox_sweep; outbox_sweep()")
        time.sleep(1.5)  # room for a third copy to show up, if there were one
    finally:
        _stop(second)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    stable_id = f"<{message.key}@riverton.example.gov>"
    assert handler.received == [stable_id, stable_id]
    assert message.provider_reference == stable_id
