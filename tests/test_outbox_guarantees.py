"""The outbox's promises, pinned to their exact numbers and words.

Who hears about a change (by the channel they chose, followers too, subscribers by service),
what a supervisor reads in an alert, how many times a message is tried before it is given up,
and how the dispatcher claims and hands over messages when the broker is up or down.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Role, User
from core.models import Department
from intake.models import Follower, RequestEvent, Service, ServiceRequest
from intake.services import Requester, service_request_change_status
from intake.statuses import Status
from interactions.models import Interaction
from notifications import services as outbox
from notifications.models import (
    MessageKind,
    MessageStatus,
    OutboxMessage,
    SurveyInvitation,
    WebhookSubscription,
)
from notifications.transports import TransientDeliveryError
from tests.factories import make_request

pytestmark = pytest.mark.django_db

MARIA = Requester(first_name="Maria", email="maria@example.org", channel="email")
BOTH_SMS = Requester(first_name="Ana", email="ana@example.org", phone="+16085550111", channel="sms")
BOTH_EMAIL = Requester(
    first_name="Ana", email="ana@example.org", phone="+16085550111", channel="email"
)


@pytest.fixture
def worker(make_user: Callable[..., User], streets: Department) -> User:
    return make_user(Role.DEPARTMENT_STAFF, [streets])


def _supervisor(
    make_user: Callable[..., User], department: Department, email: str, *, active: bool = True
) -> User:
    user = make_user(Role.SUPERVISOR, [department])
    User.objects.filter(pk=user.pk).update(email=email, is_active=active)
    user.refresh_from_db()
    return user


def _addresses(service_request: ServiceRequest, kind: str = MessageKind.CREATED) -> list[Any]:
    return sorted(
        OutboxMessage.objects.filter(request=service_request, kind=kind).values_list(
            "channel", "recipient"
        )
    )


# Recipients: the channel the resident chose, and only if they gave that contact.


@pytest.mark.parametrize(
    ("requester", "expected"),
    [
        (BOTH_SMS, [("sms", "+16085550111")]),
        (BOTH_EMAIL, [("email", "ana@example.org")]),
        (Requester(email="ana@example.org", phone="+16085550111"), []),
    ],
    ids=["sms-chosen", "email-chosen", "none-chosen"],
)
def test_residents_hear_only_on_the_channel_they_chose(
    pothole: Service, requester: Requester, expected: list[tuple[str, str]]
) -> None:
    created = make_request(pothole, requester=requester)
    assert _addresses(created) == expected


@pytest.mark.parametrize(
    ("channel", "cleared"), [("sms", "requester_phone"), ("email", "requester_email")]
)
def test_a_chosen_channel_whose_contact_was_removed_sends_nothing(
    pothole: Service, worker: User, channel: str, cleared: str
) -> None:
    # Intake refuses such a request; a stored one can still lose the contact (an edit).
    created = make_request(pothole, requester=BOTH_SMS if channel == "sms" else BOTH_EMAIL)
    ServiceRequest.objects.filter(pk=created.pk).update(**{cleared: ""})
    created.refresh_from_db()
    service_request_change_status(
        service_request=created, to_status=Status.IN_PROGRESS, actor=worker
    )
    assert _addresses(created, MessageKind.STATUS_CHANGED) == []


def test_followers_are_greeted_without_a_name_and_by_email_before_phone(
    pothole: Service, worker: User
) -> None:
    created = make_request(pothole, requester=BOTH_SMS)
    Follower.objects.create(request=created, email="neighbour@example.org", phone="+16085550122")
    Follower.objects.create(request=created, phone="+16085550133", language="es")
    service_request_change_status(
        service_request=created, to_status=Status.IN_PROGRESS, actor=worker
    )
    messages = {
        m.recipient: m for m in OutboxMessage.objects.filter(kind=MessageKind.STATUS_CHANGED)
    }
    assert sorted((m.channel, r) for r, m in messages.items()) == [
        ("email", "neighbour@example.org"),
        ("sms", "+16085550111"),
        ("sms", "+16085550133"),
    ]
    assert messages["+16085550111"].body.startswith("Hello Ana,")
    assert messages["neighbour@example.org"].body.startswith("Hello,")
    assert messages["+16085550133"].body.startswith("Hola:")


def test_a_follower_with_the_reporters_address_in_other_case_hears_once_by_name(
    pothole: Service, worker: User
) -> None:
    created = make_request(pothole, requester=MARIA)
    Follower.objects.create(request=created, email="MARIA@Example.org")
    service_request_change_status(
        service_request=created, to_status=Status.IN_PROGRESS, actor=worker
    )
    (message,) = OutboxMessage.objects.filter(kind=MessageKind.STATUS_CHANGED)
    assert message.recipient == "maria@example.org"
    assert message.body.startswith("Hello Maria,")


# Webhook subscribers: only the services they named; none named means all.


def test_webhook_subscribers_get_the_services_they_named_or_all(
    pothole: Service, missed_trash: Service
) -> None:
    everything = WebhookSubscription.objects.create(
        name="all", url="http://127.0.0.1/a", secret="s"
    )
    potholes = WebhookSubscription.objects.create(
        name="potholes", url="http://127.0.0.1/p", secret="s", service_codes=["pothole"]
    )
    trash = WebhookSubscription.objects.create(
        name="trash", url="http://127.0.0.1/t", secret="s", service_codes=["missed-trash"]
    )
    WebhookSubscription.objects.create(
        name="off", url="http://127.0.0.1/o", secret="s", is_active=False
    )
    pothole_request = make_request(pothole)
    trash_request = make_request(missed_trash)
    assert _addresses(pothole_request) == sorted(
        [
            ("webhook", f"{everything.pk}:http://127.0.0.1/a"),
            ("webhook", f"{potholes.pk}:http://127.0.0.1/p"),
        ]
    )
    assert _addresses(trash_request) == sorted(
        [
            ("webhook", f"{everything.pk}:http://127.0.0.1/a"),
            ("webhook", f"{trash.pk}:http://127.0.0.1/t"),
        ]
    )


# Supervisors' alerts: the exact subject and the action asked of them.


@pytest.mark.parametrize(
    ("kind", "title", "action"),
    [
        (
            MessageKind.AT_RISK,
            "At risk",
            "Start the work, or give the resident a new date and the reason now.",
        ),
        (
            MessageKind.ESCALATED,
            "Not acknowledged",
            "Make sure someone owns it and acknowledge it today.",
        ),
    ],
)
def test_supervisors_read_the_exact_alert_subject_and_action(
    pothole: Service,
    streets: Department,
    sanitation: Department,
    make_user: Callable[..., User],
    kind: str,
    title: str,
    action: str,
) -> None:
    supervisor = _supervisor(make_user, streets, "lead@example.org")
    _supervisor(make_user, sanitation, "other@example.org")  # another department's
    _supervisor(make_user, streets, "gone@example.org", active=False)
    _supervisor(make_user, streets, "")  # nowhere to write to
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    User.objects.filter(pk=worker.pk).update(email="crew@example.org")  # not a supervisor
    created = make_request(pothole)
    event = RequestEvent.objects.filter(request=created).first()
    assert event is not None
    event.note = "Due tomorrow, not started."
    (message,) = outbox.outbox_enqueue_staff_alert(event=event, kind=kind)
    assert message.recipient == supervisor.email
    assert message.channel == "email"
    assert message.subject == f"{title}: request {created.public_id} (Pothole)"
    assert created.promised_at is not None
    promised = timezone.localtime(created.promised_at).strftime("%A %d %B %H:%M")
    assert message.body == (
        f"Due tomorrow, not started.\n\nRequest {created.public_id}, promised for {promised}"
        f"\n\n{action}"
    )


def test_an_alert_is_about_risk_unless_told_otherwise(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    _supervisor(make_user, streets, "lead@example.org")
    created = make_request(pothole)
    event = RequestEvent.objects.filter(request=created).first()
    assert event is not None
    (message,) = outbox.outbox_enqueue_staff_alert(event=event)
    assert message.kind == MessageKind.AT_RISK
    assert message.subject.startswith("At risk: ")


def test_an_alert_of_another_kind_or_without_a_promise_still_reads_plainly(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    _supervisor(make_user, streets, "lead@example.org")
    created = make_request(pothole)
    ServiceRequest.objects.filter(pk=created.pk).update(promised_at=None)
    event = RequestEvent.objects.filter(request=created).select_related("request").first()
    assert event is not None
    event.note = "Look at this one."
    (message,) = outbox.outbox_enqueue_staff_alert(event=event, kind=MessageKind.QA_ASSIGNED)
    assert message.subject == f"Alert: request {created.public_id} (Pothole)"
    assert message.body == "Look at this one.\n\n"


# Delivery: exactly eight tries, doubling waits, bounded stored text.


def test_a_message_is_given_up_after_exactly_eight_attempts(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=MARIA))

    def busy(self: Any, message: OutboxMessage) -> str:
        raise TransientDeliveryError("421 try later " + "x" * 3000)

    monkeypatch.setattr("notifications.transports.EmailTransport.send", busy)
    waits = []
    for _ in range(7):
        before = timezone.now()
        outcome = outbox.outbox_deliver(message_id=message.pk)
        assert outcome.status == "retry"
        waits.append(outcome.retry_in)
        message.refresh_from_db()
        assert message.status == MessageStatus.PENDING
        assert outcome.retry_in is not None
        wait = timedelta(seconds=outcome.retry_in)
        assert before + wait <= message.next_attempt_at <= timezone.now() + wait
    assert waits == [30, 60, 120, 240, 480, 960, 1920]
    assert message.attempts == 7
    assert len(message.last_error) == 2000
    given_up = outbox.outbox_deliver(message_id=message.pk)
    assert (given_up.status, given_up.retry_in) == ("failed", None)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 8)
    # Given up: nothing to retry, and nothing more happens to it.
    skipped = outbox.outbox_deliver(message_id=message.pk)
    assert (skipped.status, skipped.retry_in) == ("skipped", None)


def test_a_sent_message_keeps_a_bounded_provider_reference_and_clears_its_error(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = OutboxMessage.objects.get(request=make_request(pothole, requester=MARIA))
    OutboxMessage.objects.filter(pk=message.pk).update(last_error="421 earlier")
    monkeypatch.setattr(
        "notifications.transports.EmailTransport.send", lambda self, message: "r" * 300
    )
    sent = outbox.outbox_deliver(message_id=message.pk)
    assert (sent.status, sent.retry_in) == ("sent", None)
    message.refresh_from_db()
    assert message.provider_reference == "r" * 200
    assert message.last_error == ""
    assert message.sent_at is not None


def test_what_reached_a_resident_is_recorded_alerts_to_staff_are_not(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    _supervisor(make_user, streets, "lead@example.org")
    created = make_request(pothole, requester=MARIA)
    resident = OutboxMessage.objects.get(request=created)
    event = RequestEvent.objects.filter(request=created).first()
    assert event is not None
    (alert,) = outbox.outbox_enqueue_staff_alert(event=event)
    assert outbox.outbox_deliver(message_id=alert.pk).status == "sent"
    assert not Interaction.objects.exists()
    assert outbox.outbox_deliver(message_id=resident.pk).status == "sent"
    (recorded,) = Interaction.objects.all()
    assert recorded.kind == "email_sent"
    assert recorded.department_id == streets.pk


# Dispatch: claims in batches of 500, earliest due first; a broker outage stops the handing.


def _extra_messages(service_request: ServiceRequest, count: int, *, due_in: float = -60) -> None:
    due = timezone.now() + timedelta(seconds=due_in)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            request=service_request,
            kind=MessageKind.PUBLIC_NOTE,
            channel="email",
            recipient=f"r{i}@example.org",
            body="An update.",
            next_attempt_at=due,
        )
        for i in range(count)
    )


def test_a_dispatch_claims_at_most_five_hundred_at_a_time_earliest_first(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notifications.tasks import deliver_outbox_message

    created = make_request(pothole, requester=MARIA)  # due now: the latest of them
    first = OutboxMessage.objects.get(request=created)
    _extra_messages(created, 500)
    _extra_messages(created, 3, due_in=3600)  # not due yet
    claimed_when_handed: list[int] = []
    queued: list[int] = []

    def hand_over(message_id: int) -> None:
        if not queued:
            claimed_when_handed.append(OutboxMessage.objects.exclude(queued_at=None).count())
        queued.append(message_id)

    monkeypatch.setattr(deliver_outbox_message, "delay", hand_over)
    assert outbox.outbox_dispatch() == 501
    assert claimed_when_handed == [500]  # the first 500 were handed over before the 501st
    assert queued[-1] == first.pk
    assert len(set(queued)) == 501


def test_a_broker_outage_stops_the_dispatch_and_is_logged(
    pothole: Service, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from kombu.exceptions import OperationalError

    from notifications.tasks import deliver_outbox_message

    created = make_request(pothole, requester=MARIA)
    _extra_messages(created, 2)
    tries: list[int] = []

    def broker_down(message_id: int) -> None:
        tries.append(message_id)
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(deliver_outbox_message, "delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert outbox.outbox_dispatch() == 3
    assert len(tries) == 1  # no point trying the rest: the sweep sends them
    assert [r.getMessage() for r in caplog.records] == [
        f"outbox: could not queue message {tries[0]}; the sweep will"
    ]


def test_a_lost_wake_is_logged_and_does_not_hold_the_next_commit(
    pothole: Service,
    worker: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from kombu.exceptions import OperationalError

    from notifications.tasks import dispatch_outbox

    def broker_down() -> None:
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(dispatch_outbox, "delay", broker_down)
    with (
        caplog.at_level(logging.WARNING, logger="notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_request(pothole, requester=MARIA)
    assert [r.getMessage() for r in caplog.records] == [
        "outbox: could not queue a dispatch; the sweep will"
    ]
    assert cache.get(outbox.DISPATCH_WAKE_KEY) is None


def test_a_cache_outage_at_commit_leaves_the_change_and_its_messages(
    pothole: Service, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from redis.exceptions import ConnectionError as RedisDown

    def cache_down(*args: Any, **kwargs: Any) -> bool:
        raise RedisDown("Connection refused.")

    monkeypatch.setattr(cache, "add", cache_down)
    with django_capture_on_commit_callbacks(execute=True):
        created = make_request(pothole, requester=MARIA)
    assert ServiceRequest.objects.filter(pk=created.pk).exists()
    assert list(OutboxMessage.objects.values_list("status", flat=True)) == ["pending"]


def test_a_wake_holds_further_wakes_for_ten_seconds(
    pothole: Service, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from notifications.tasks import dispatch_outbox

    woken: list[str] = []
    monkeypatch.setattr(dispatch_outbox, "delay", lambda: woken.append("dispatch"))
    with django_capture_on_commit_callbacks(execute=True):
        make_request(pothole, requester=MARIA)
    assert woken == ["dispatch"]
    redis = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
    held_ms = redis.pttl(cache.make_key(outbox.DISPATCH_WAKE_KEY))
    assert 9000 < held_ms <= 10000


# The sweep: only what is overdue by the grace, at most 500 at a time.


def test_the_sweep_takes_what_waited_past_the_grace_at_most_five_hundred(
    pothole: Service, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from notifications.tasks import deliver_outbox_message

    settings.CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS = 60
    created = make_request(pothole, requester=MARIA)  # due now: within the grace
    _extra_messages(created, 501, due_in=-120)
    queued: list[int] = []
    monkeypatch.setattr(deliver_outbox_message, "delay", queued.append)
    assert outbox.outbox_sweep() == 500
    assert OutboxMessage.objects.get(request=created, kind=MessageKind.CREATED).pk not in queued
    assert outbox.outbox_sweep() == 1  # the rest; the ones just queued are within the grace
    assert len(set(queued)) == 501


# C10: a closure asks the reporter, and only the reporter, how we did.


@pytest.mark.parametrize(
    ("to_status", "surveyed"),
    [
        (Status.RESOLVED, True),
        (Status.CLOSED_NO_ACTION, True),
        (Status.IN_PROGRESS, False),
    ],
)
def test_closures_ask_the_reporter_how_we_did(
    pothole: Service, worker: User, to_status: str, surveyed: bool, settings: Any
) -> None:
    created = make_request(pothole, requester=BOTH_SMS)
    Follower.objects.create(request=created, email="neighbour@example.org")
    service_request_change_status(
        service_request=created, to_status=to_status, actor=worker, note="Reason given."
    )
    expected = [("sms", "+16085550111")] if surveyed else []
    assert _addresses(created, MessageKind.SURVEY) == expected
    if surveyed:
        invitation = SurveyInvitation.objects.get(request=created)
        message = OutboxMessage.objects.get(request=created, kind=MessageKind.SURVEY)
        survey_url = f"{settings.CIVIC311_PUBLIC_URL}/survey/{invitation.token}/"
        assert survey_url in message.body.splitlines()  # a line of its own, nothing around it


def test_followers_are_not_asked_when_the_reporter_cannot_be(
    pothole: Service, worker: User
) -> None:
    created = make_request(pothole)
    Follower.objects.create(request=created, email="neighbour@example.org")
    service_request_change_status(
        service_request=created, to_status=Status.RESOLVED, actor=worker, note="Patched."
    )
    assert _addresses(created, MessageKind.STATUS_CHANGED) == [("email", "neighbour@example.org")]
    assert _addresses(created, MessageKind.SURVEY) == []


# Outside tests, the active subscriptions are remembered for 30 seconds per process.


def test_subscriptions_are_remembered_for_thirty_seconds(
    pothole: Service, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.ENVIRONMENT = "production"
    clock = [1000.0]
    monkeypatch.setattr(outbox, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(outbox, "_subscriptions", None)
    assert _addresses(make_request(pothole)) == []
    hook = WebhookSubscription.objects.create(name="new", url="http://127.0.0.1/n", secret="s")
    clock[0] = 1029.5
    assert _addresses(make_request(pothole)) == []  # still the remembered (empty) list
    clock[0] = 1030.0
    assert _addresses(make_request(pothole)) == [("webhook", f"{hook.pk}:http://127.0.0.1/n")]


# Another worker holding a message (sending it, claiming it) is passed over, never waited for.


@pytest.mark.django_db(transaction=True)
def test_messages_another_worker_holds_are_passed_over_not_waited_for(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from django.db import connection, transaction

    from notifications.tasks import deliver_outbox_message

    created = make_request(pothole, requester=MARIA)
    held = OutboxMessage.objects.get(request=created)
    _extra_messages(created, 2)
    locked, done = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=held.pk)
                locked.set()
                done.wait(timeout=5)  # bounded: a waiting (wrong) caller gets it after this
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=5)
        assert outbox.outbox_deliver(message_id=held.pk) == outbox.DeliveryOutcome("skipped")
        queued: list[int] = []
        monkeypatch.setattr(deliver_outbox_message, "delay", queued.append)
        assert outbox.outbox_dispatch() == 2
        assert held.pk not in queued
    finally:
        done.set()
        thread.join(timeout=10)
