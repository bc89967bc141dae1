"""Delivery with a real Celery worker, a real Redis broker and a real SMTP server.

A worker killed in the middle of sending leaves the message pending (its transaction dies
with it); the next worker sends it, exactly once. A broker that is down when a status
changes does not stop the change; the message goes out once the broker is back.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from intake.services import Requester
from notifications.models import MessageStatus, OutboxMessage
from tests.factories import make_request

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """An SMTP server that keeps what it receives and can hang a client before DATA."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.stall = threading.Event()
        self.stalled = threading.Event()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.stall.is_set():
            self.stalled.set()
            while self.stall.is_set():  # hold the worker here, before any message text
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content)
        self.received.append(str(parsed["Message-ID"]))
        return "250 Message accepted"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler = Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.stall.clear()
    controller.stop()


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgis://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _env(smtp_port: int, broker_url: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "CIVIC311_ENV": "test",
        "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",
        "DATABASE_URL": _database_url(),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "DJANGO_EMAIL_USE_TLS": "0",
        "CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS": "0",
    }
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    return env


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "civic311", "worker", "--pool", "solo", "-l", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _manage(env: dict[str, str], code: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=240,  # a loaded shared machine can take a minute to start Django
    )


def _wait(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=30)


def test_a_worker_killed_mid_delivery_is_followed_by_exactly_one_delivery(
    sink: tuple[Sink, int], pothole: Any
) -> None:
    handler, port = sink
    env = _env(port)
    handler.stall.set()
    created = make_request(pothole, requester=Requester(email="maria@example.org", channel="email"))
    message = OutboxMessage.objects.get(request=created)
    _manage(env, "from notifications.services import outbox_sweep; outbox_sweep()")
    first = _worker(env)
    try:
        _wait(handler.stalled.is_set, 60, "the first worker to start sending")
        _stop(first, signal.SIGKILL)  # dies mid-send: no QUIT, no commit
    finally:
        _stop(first, signal.SIGKILL)
    handler.stall.clear()
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert handler.received == []
    second = _worker(env)
    try:
        _manage(env, "from notifications.services import outbox_sweep; outbox_sweep()")
        _wait(lambda: handler.received, 60, "the second worker to deliver")
        time.sleep(1.5)  # room for a duplicate to show up, if there were one
    finally:
        _stop(second)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert handler.received == [f"<{message.key}@riverton.example.gov>"]


def test_broker_down_during_a_status_change_then_the_message_goes_out(
    sink: tuple[Sink, int], pothole: Any, tmp_path: Path
) -> None:
    handler, port = sink
    broker_port = free_port()
    broker_url = f"redis://127.0.0.1:{broker_port}/0"
    env = _env(port, broker_url)
    created = make_request(pothole, requester=Requester(email="maria@example.org", channel="email"))
    OutboxMessage.objects.all().delete()  # only the status change's message matters here
    # The broker is not running: the change must still commit.
    _manage(
        env,
        "from accounts.models import User; from intake.models import ServiceRequest; "
        "from intake.services import service_request_change_status; "
        f"r = ServiceRequest.objects.get(public_id='{created.public_id}'); "
        "u = User.objects.create(username='crew', role='admin'); "
        "service_request_change_status(service_request=r, to_status='in_progress', actor=u, "
        "note='Crew on site.')",
    )
    created.refresh_from_db()
    assert created.status == "in_progress"
    message = OutboxMessage.objects.get(kind="status_changed")
    assert message.status == MessageStatus.PENDING
    broker = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(broker_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    worker = None
    try:
        time.sleep(0.5)
        worker = _worker(env)
        _manage(env, "from notifications.services import outbox_sweep; outbox_sweep()")
        _wait(lambda: handler.received, 60, "delivery once the broker is back")
        time.sleep(1.5)
    finally:
        if worker is not None:
            _stop(worker)
        broker.terminate()
        broker.wait(timeout=10)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert handler.received == [f"<{message.key}@riverton.example.gov>"]
