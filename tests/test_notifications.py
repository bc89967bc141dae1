"""Every public change reaches the resident: written with the change, sent once, never lost."""

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from pytest_django.fixtures import Settings

from accounts.models import Role, User
from core.models import Department
from intake.models import Follower, Service
from intake.services import (
    Requester,
    service_request_add_note,
    service_request_change_status,
    service_request_link_duplicate,
    service_request_transfer,
)
from intake.statuses import Status
from notifications import services as outbox
from notifications.models import MessageKind, MessageStatus, OutboxMessage, WebhookSubscription
from notifications.transports import PermanentDeliveryError, TransientDeliveryError
from tests.factories import make_request

pytestmark = pytest.mark.django_db

MARIA = Requester(first_name="Maria", email="maria@example.org", channel="email")
# C4: words that inflame, never in anything the city sends.
C4_PHRASES = ["calm down", "can't", "you should have", "not my", "our policy", "nothing i can do"]


@pytest.fixture
def worker(make_user: Callable[..., User], streets: Department) -> User:
    return make_user(Role.DEPARTMENT_STAFF, [streets])


def test_a_new_request_owes_the_resident_an_acknowledgement(pothole: Service) -> None:
    created = make_request(pothole, requester=MARIA)
    (message,) = OutboxMessage.objects.filter(request=created)
    assert message.kind == MessageKind.CREATED
    assert message.channel == "email"
    assert message.recipient == "maria@example.org"
    assert message.status == MessageStatus.PENDING
    assert created.public_id in message.subject
    assert "Hello Maria" in message.body
    assert "Streets and Roads will handle it" in message.body
    assert "We aim to finish by" in message.body


def test_spanish_speakers_are_written_to_in_spanish(pothole: Service) -> None:
    requester = Requester(email="ana@example.org", channel="email", language="es")
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=requester))
    assert message.body.startswith("Hola")
    assert "Su número de referencia es" in message.body
    assert message.subject.startswith("Recibimos su solicitud")


def test_no_contact_means_no_message(pothole: Service) -> None:
    make_request(pothole)
    assert not OutboxMessage.objects.exists()


def test_public_changes_write_messages_internal_ones_do_not(
    pothole: Service, worker: User, sanitation: Department
) -> None:
    created = make_request(pothole, requester=MARIA)
    service_request_change_status(
        service_request=created, to_status=Status.IN_PROGRESS, actor=worker, note="Crew is out."
    )
    service_request_add_note(
        service_request=created, text="Internal only", public=False, actor=worker
    )
    service_request_add_note(
        service_request=created, text="We need one more day.", public=True, actor=worker
    )
    service_request_transfer(
        service_request=created,
        actor=worker,
        reason="Sanitation handles this spot",
        suggested_department=sanitation,
    )
    kinds = list(
        OutboxMessage.objects.filter(request=created).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["created", "status_changed", "public_note", "transferred"]
    status_message = OutboxMessage.objects.get(kind="status_changed")
    assert "work has started" in status_message.body
    assert "Crew is out." in status_message.body
    assert "Internal only" not in "".join(OutboxMessage.objects.values_list("body", flat=True))


def test_followers_get_updates_and_merged_reporters_hear_once(
    pothole: Service, worker: User
) -> None:
    parent = make_request(pothole, requester=MARIA)
    Follower.objects.create(request=parent, phone="+16085550100", language="es")
    child = make_request(
        pothole, requester=Requester(email="neighbour@example.org", channel="email")
    )
    service_request_link_duplicate(service_request=child, duplicate_of=parent, actor=worker)
    OutboxMessage.objects.all().delete()
    service_request_change_status(
        service_request=parent, to_status=Status.RESOLVED, actor=worker, note="Patched."
    )
    recipients = sorted(
        OutboxMessage.objects.filter(kind="status_changed").values_list(
            "channel", "recipient", "language"
        )
    )
    assert recipients == [
        ("email", "maria@example.org", "en"),
        ("email", "neighbour@example.org", "en"),
        ("sms", "+16085550100", "es"),
    ]


def test_delivery_sends_once(pothole: Service) -> None:
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=MARIA))
    assert outbox.outbox_deliver(message_id=message.pk).status == "sent"
    assert outbox.outbox_deliver(message_id=message.pk).status == "skipped"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.org"]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<{message.key}@")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.sent_at is not None


def test_transient_failures_back_off_then_fail_visibly(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=MARIA))

    def busy(self: Any, message: OutboxMessage) -> str:
        raise TransientDeliveryError("421 try later")

    monkeypatch.setattr("notifications.transports.EmailTransport.send", busy)
    first = outbox.outbox_deliver(message_id=message.pk)
    assert first.status == "retry"
    assert first.retry_in == 30
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
    assert message.last_error == "421 try later"
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        outbox.outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == outbox.MAX_ATTEMPTS


def test_permanent_failures_are_not_retried(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=MARIA))

    def refused(self: Any, message: OutboxMessage) -> str:
        raise PermanentDeliveryError("550 no such user")

    monkeypatch.setattr("notifications.transports.EmailTransport.send", refused)
    assert outbox.outbox_deliver(message_id=message.pk).status == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)


def test_console_sms_transport_writes_the_text(
    pothole: Service, settings: Settings, tmp_path: Path
) -> None:
    settings.CIVIC311_SMS_FILE = str(tmp_path / "sms.log")
    requester = Requester(phone="+16085550123", channel="sms")
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=requester))
    assert outbox.outbox_deliver(message_id=message.pk).status == "sent"
    (line,) = (tmp_path / "sms.log").read_text().splitlines()
    assert json.loads(line)["to"] == "+16085550123"


def test_webhooks_are_signed_and_carry_no_private_data(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    WebhookSubscription.objects.create(
        name="Civic app", url="https://app.example.org/hook", secret="s3cret"
    )
    created = make_request(pothole, requester=MARIA)
    hook = OutboxMessage.objects.get(request=created, channel="webhook")
    body = json.loads(hook.body)
    assert body["service_request_id"] == created.public_id
    assert "maria" not in hook.body.lower()
    sent: dict[str, Any] = {}

    class Answer:
        status_code = 202
        text = ""

    def post(url: str, **kwargs: Any) -> Answer:
        sent.update(url=url, **kwargs)
        return Answer()

    monkeypatch.setattr("notifications.transports.requests.post", post)
    assert outbox.outbox_deliver(message_id=hook.pk).status == "sent"
    assert sent["url"] == "https://app.example.org/hook"
    assert sent["headers"]["Idempotency-Key"] == str(hook.key)
    expected = hmac.new(b"s3cret", sent["data"], hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Civic311-Signature"] == f"sha256={expected}"


def test_broker_down_the_change_commits_and_the_sweep_sends_later(
    pothole: Service,
    worker: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    settings: Settings,
) -> None:
    from kombu.exceptions import OperationalError

    from notifications.tasks import deliver_outbox_message, dispatch_outbox

    created = make_request(pothole, requester=MARIA)

    attempts: list[str] = []

    def broker_down() -> None:
        attempts.append("dispatch")
        raise OperationalError("Error 111 connecting to redis: Connection refused.")

    monkeypatch.setattr(dispatch_outbox, "delay", broker_down)
    for to_status in (Status.IN_PROGRESS, Status.ON_HOLD):
        with django_capture_on_commit_callbacks(execute=True):
            service_request_change_status(
                service_request=created, to_status=to_status, actor=worker, note="Parts due."
            )
    # It really tried to queue, after each commit (a failed try does not silence the next),
    # and the failures did not undo the changes.
    assert attempts == ["dispatch", "dispatch"]
    created.refresh_from_db()
    assert created.status == Status.ON_HOLD  # the changes stand
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.PENDING}
    queued: list[int] = []
    monkeypatch.setattr(deliver_outbox_message, "delay", queued.append)  # the broker is back
    settings.CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS = 0
    assert outbox.outbox_sweep() == 3
    for message_id in queued:
        outbox.outbox_deliver(message_id=message_id)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_template_is_plain_and_courteous(
    pothole: Service, worker: User, sanitation: Department, language: str
) -> None:
    created = make_request(
        pothole, requester=Requester(email="r@example.org", channel="email", language=language)
    )
    service_request_change_status(
        service_request=created, to_status=Status.ON_HOLD, actor=worker, note="Waiting for parts."
    )
    service_request_transfer(
        service_request=created, actor=worker, reason="x", suggested_department=sanitation
    )
    for message in OutboxMessage.objects.all():
        text = (message.subject + " " + message.body).lower()
        assert not any(phrase in text for phrase in C4_PHRASES), text
        assert created.public_id.lower() in text  # C11: the reference, every time
        assert "{{" not in text
        assert "department_staff" not in text
        assert "routing" not in text


def test_commits_wake_one_dispatch_which_queues_each_new_message_once(
    pothole: Service,
    worker: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from notifications.tasks import deliver_outbox_message, dispatch_outbox

    woken: list[str] = []
    queued: list[int] = []
    monkeypatch.setattr(dispatch_outbox, "delay", lambda: woken.append("dispatch"))
    monkeypatch.setattr(deliver_outbox_message, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        created = make_request(pothole, requester=MARIA)
    assert woken == ["dispatch"]
    assert queued == []  # deliveries are queued by the dispatch, not by the writer
    with django_capture_on_commit_callbacks(execute=True):
        service_request_change_status(
            service_request=created, to_status=Status.IN_PROGRESS, actor=worker
        )
    assert woken == ["dispatch"]  # one dispatch is already on its way: it takes both
    assert outbox.outbox_dispatch() == 2
    assert sorted(queued) == sorted(OutboxMessage.objects.values_list("pk", flat=True))
    assert outbox.outbox_dispatch() == 0  # each message is handed over once
    with django_capture_on_commit_callbacks(execute=True):
        service_request_change_status(
            service_request=created, to_status=Status.ON_HOLD, actor=worker, note="Parts due."
        )
    assert woken == ["dispatch", "dispatch"]  # the dispatch has run: the next commit wakes one
    assert outbox.outbox_dispatch() == 1
    assert len(queued) == len(set(queued)) == OutboxMessage.objects.count() == 3
