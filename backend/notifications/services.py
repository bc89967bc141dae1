"""Writing messages into the outbox with the change that causes them, and delivering them.

After the change commits, the writer only wakes the dispatcher (one cache call); the
dispatcher claims every new message and queues one delivery task each. Many commits share
one dispatch, so a busy intake does not publish a broker message per resident message.

Delivery holds the message's row lock while it sends: if the worker dies mid-send, its
transaction dies with it, the message is still pending, and the next worker sends it.
A message is marked sent in the same transaction that sent it, so it is never sent twice
by two workers, and never silently dropped: what cannot be sent ends as `failed`, on the
staff dashboard.
"""

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from intake.models import RequestEvent, ServiceRequest
from intake.statuses import Status
from interactions.models import InteractionKind
from interactions.recording import interaction_record
from notifications.messages import message_kind, render, webhook_body
from notifications.models import (
    STAFF_KINDS,
    Channel,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    SurveyInvitation,
    WebhookSubscription,
)
from notifications.transports import (
    PermanentDeliveryError,
    TransientDeliveryError,
    transport_for,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
DISPATCH_BATCH = 500
# Set while a dispatch is queued and has not started: commits in between need not queue
# another. It expires, so a lost dispatch task holds nothing up for long (and the sweep
# catches up anyway).
DISPATCH_WAKE_KEY = "notifications:outbox:dispatch-queued"
DISPATCH_WAKE_SECONDS = 10
SURVEYED_CLOSURES = {Status.RESOLVED, Status.CLOSED_NO_ACTION}
STAFF_ALERT_TITLES: dict[str, str] = {
    MessageKind.AT_RISK: "At risk",
    MessageKind.ESCALATED: "Not acknowledged",
}
STAFF_ALERT_ACTIONS: dict[str, str] = {
    MessageKind.AT_RISK: "Start the work, or give the resident a new date and the reason now.",
    MessageKind.ESCALATED: "Make sure someone owns it and acknowledge it today.",
}


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str
    language: str
    first_name: str = ""


def _recipients(service_request: ServiceRequest, *, followers: bool = True) -> list[Recipient]:
    found: list[Recipient] = []
    preferred = service_request.requester_channel
    language = service_request.requester_language
    name = service_request.requester_first_name
    if preferred == "email" and service_request.requester_email:
        found.append(Recipient(Channel.EMAIL, service_request.requester_email, language, name))
    elif preferred == "sms" and service_request.requester_phone:
        found.append(Recipient(Channel.SMS, service_request.requester_phone, language, name))
    for follower in service_request.followers.all() if followers else []:
        if follower.email:
            found.append(Recipient(Channel.EMAIL, follower.email, follower.language))
        elif follower.phone:
            found.append(Recipient(Channel.SMS, follower.phone, follower.language))
    unique: dict[tuple[str, str], Recipient] = {}
    for recipient in found:
        unique.setdefault((recipient.channel, recipient.address.lower()), recipient)
    return list(unique.values())


def outbox_enqueue_for_event(
    *, event: RequestEvent, new_request: bool = False
) -> list[OutboxMessage]:
    """Write the messages a public event owes residents; call inside the event's transaction.

    Delivery is queued only after the transaction commits; if the broker is down then, the
    messages wait in the outbox and the sweep sends them when it is back.
    """
    kind = message_kind(event)
    if kind is None:
        return []
    service_request = event.request
    now = timezone.now()
    messages = []
    # A request created a moment ago has no followers yet: no need to ask the database.
    for recipient in _recipients(service_request, followers=not new_request):
        subject, body = render(
            kind=kind,
            service_request=service_request,
            event=event,
            language=recipient.language,
            first_name=recipient.first_name,
        )
        messages.append(
            OutboxMessage(
                request=service_request,
                event=event,
                kind=kind,
                channel=recipient.channel,
                recipient=recipient.address,
                language=recipient.language,
                subject=subject,
                body=body,
                next_attempt_at=now,
            )
        )
    for subscription in _active_subscriptions():
        codes = subscription.service_codes or []
        if codes and service_request.service.code not in codes:
            continue
        messages.append(
            OutboxMessage(
                request=service_request,
                event=event,
                kind=kind,
                channel=Channel.WEBHOOK,
                recipient=f"{subscription.pk}:{subscription.url}",
                body=webhook_body(kind, service_request, event),
                next_attempt_at=now,
            )
        )
    messages += _survey_messages(kind, service_request, event, now)
    return save_and_queue(messages)


_subscriptions: tuple[float, list[WebhookSubscription]] | None = None
SUBSCRIPTIONS_TTL_SECONDS = 30.0


def _active_subscriptions() -> list[WebhookSubscription]:
    """Active webhook subscriptions, remembered for a few seconds per process: every public
    change asks, and subscriptions change rarely."""
    global _subscriptions
    now = time.monotonic()
    ttl = SUBSCRIPTIONS_TTL_SECONDS if settings.ENVIRONMENT != "test" else 0
    if _subscriptions is None or now - _subscriptions[0] >= ttl:
        _subscriptions = (now, list(WebhookSubscription.objects.filter(is_active=True)))
    return _subscriptions[1]


def _survey_messages(
    kind: str, service_request: ServiceRequest, event: RequestEvent, now: datetime
) -> list[OutboxMessage]:
    """C10: a closure (not a merge into another request) asks the reporter how we did."""
    closed_to = (event.data or {}).get("to")
    if kind != MessageKind.STATUS_CHANGED or closed_to not in SURVEYED_CLOSURES:
        return []
    reporter = next(iter(_recipients(service_request, followers=False)), None)
    if reporter is None:
        return []
    invitation = SurveyInvitation.objects.create(
        request=service_request, event=event, language=reporter.language
    )
    subject, body = render(
        kind=MessageKind.SURVEY,
        service_request=service_request,
        event=event,
        language=reporter.language,
        first_name=reporter.first_name,
        extra={"survey_url": f"{settings.CIVIC311_PUBLIC_URL}/survey/{invitation.token}/"},
    )
    return [
        OutboxMessage(
            request=service_request,
            event=event,
            kind=MessageKind.SURVEY,
            channel=reporter.channel,
            recipient=reporter.address,
            language=reporter.language,
            subject=subject,
            body=body,
            next_attempt_at=now,
        )
    ]


def outbox_enqueue_staff_alert(
    *, event: RequestEvent, kind: str = MessageKind.AT_RISK
) -> list[OutboxMessage]:
    """Tell the owning department's supervisors (by email) about an internal alert."""
    service_request = event.request
    supervisors = User.objects.filter(
        role=Role.SUPERVISOR, is_active=True, departments=service_request.department_id
    ).exclude(email="")
    now = timezone.now()
    messages = [
        OutboxMessage(
            request=service_request,
            event=event,
            kind=kind,
            channel=Channel.EMAIL,
            recipient=user.email,
            subject=f"{STAFF_ALERT_TITLES.get(kind, 'Alert')}: request {service_request.public_id} "
            f"({service_request.service.name})",
            body=(
                f"{event.note}\n\nRequest {service_request.public_id}, promised for "
                f"{timezone.localtime(service_request.promised_at):%A %d %B %H:%M}"
                if service_request.promised_at
                else event.note
            )
            + "\n\n"
            + STAFF_ALERT_ACTIONS.get(kind, ""),
            next_attempt_at=now,
        )
        for user in supervisors
    ]
    return save_and_queue(messages)


def save_and_queue(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Store the messages now; wake the dispatcher once the transaction has committed."""
    created = OutboxMessage.objects.bulk_create(messages)
    if created:
        transaction.on_commit(_wake_dispatcher, robust=True)
    return created


def _wake_dispatcher() -> None:
    from notifications.tasks import dispatch_outbox  # tasks import this module

    if not cache.add(DISPATCH_WAKE_KEY, 1, timeout=DISPATCH_WAKE_SECONDS):
        return  # a dispatch is queued and has not started: it will claim these messages
    try:
        dispatch_outbox.delay()
    except Exception:  # broker down: the sweep will send them; the change is committed
        cache.delete(DISPATCH_WAKE_KEY)
        logger.warning("outbox: could not queue a dispatch; the sweep will")


def outbox_dispatch(*, batch: int = DISPATCH_BATCH) -> int:
    """Claim every new message that is due and queue its delivery; return how many."""
    # First, so a commit from now on queues another dispatch: nothing falls in between.
    cache.delete(DISPATCH_WAKE_KEY)
    total = 0
    while True:
        with transaction.atomic():
            now = timezone.now()
            ids = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=MessageStatus.PENDING, queued_at=None, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .values_list("pk", flat=True)[:batch]
            )
            OutboxMessage.objects.filter(pk__in=ids).update(queued_at=now)
        if ids:
            _queue(ids)
        total += len(ids)
        if len(ids) < batch:
            return total


def _queue(ids: list[int]) -> None:
    from notifications.tasks import deliver_outbox_message  # tasks import this module

    for message_id in ids:
        try:
            deliver_outbox_message.delay(message_id)
        except Exception:  # broker down: the sweep will send it; the change is committed
            logger.warning("outbox: could not queue message %s; the sweep will", message_id)
            return


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: float | None = None


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def outbox_deliver(*, message_id: int) -> DeliveryOutcome:
    """Send one message if it is due and nobody else is sending it."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("request")
            .filter(pk=message_id, status=MessageStatus.PENDING)
            .first()
        )
        if message is None:
            return DeliveryOutcome("skipped")  # already sent, failed, or being sent
        message.attempts += 1
        try:
            message.provider_reference = transport_for(message.channel).send(message)[:200]
        except TransientDeliveryError as exc:
            message.last_error = str(exc)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
                _forget_one_time_link(message)
                message.save()
                return DeliveryOutcome("failed")
            delay = _backoff(message.attempts)
            message.next_attempt_at = timezone.now() + delay
            message.save()
            return DeliveryOutcome("retry", retry_in=delay.total_seconds())
        except PermanentDeliveryError as exc:
            message.last_error = str(exc)[:2000]
            message.status = MessageStatus.FAILED
            _forget_one_time_link(message)
            message.save()
            return DeliveryOutcome("failed")
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        _forget_one_time_link(message)
        message.save()
        _record_sent(message)
        return DeliveryOutcome("sent")


# A resident's sign-in link is stored only as a digest (notifications.sign_in): once its
# message is sent or given up, the link leaves the stored body too.
ONE_TIME_LINK = re.compile(r"\S+/my-requests/sign-in/\S+")


def _forget_one_time_link(message: OutboxMessage) -> None:
    if message.kind == MessageKind.SIGN_IN:
        message.body = ONE_TIME_LINK.sub("[link removed once sent]", message.body)


RESIDENT_CHANNELS = {
    Channel.EMAIL: InteractionKind.EMAIL_SENT,
    Channel.SMS: InteractionKind.SMS_SENT,
}


def _record_sent(message: OutboxMessage) -> None:
    """What reached a resident is an interaction too (automatic: no agent to score)."""
    kind = RESIDENT_CHANNELS.get(message.channel)  # type: ignore[call-overload]
    if kind is None or message.kind in STAFF_KINDS or message.request is None:
        return
    interaction_record(
        kind=kind,
        at=message.sent_at or timezone.now(),
        department=message.request.department,
        requests=[message.request],
        text=message.body,
        language=message.language,
    )


def outbox_sweep(*, limit: int = 500) -> int:
    """Queue every due pending message again: after a broker outage, a dead worker, a retry."""
    grace = timezone.now() - timedelta(seconds=settings.CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.PENDING, next_attempt_at__lte=grace)
            .filter(Q(queued_at=None) | Q(queued_at__lte=grace))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=due).update(queued_at=timezone.now())
    if due:
        _queue(due)
    return len(due)
