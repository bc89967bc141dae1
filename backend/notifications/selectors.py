"""Reads on the outbox."""

from datetime import timedelta

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from intake.models import ServiceRequest
from notifications.models import STAFF_KINDS, MessageStatus, OutboxMessage

STUCK_AFTER = timedelta(minutes=15)


def delivery_failures_visible_to(user: User) -> QuerySet[OutboxMessage]:
    """Messages that could not be delivered, or are long overdue, for the user's departments
    (every department for administrators), newest first: never silently dropped."""
    stuck = timezone.now() - STUCK_AFTER
    failing = OutboxMessage.objects.filter(
        Q(status=MessageStatus.FAILED) | Q(status=MessageStatus.PENDING, next_attempt_at__lt=stuck)
    ).select_related("request")
    if not user.is_city_admin:
        failing = failing.filter(request__department__in=user.departments.all())
    return failing.order_by("-created_at")


def resident_messages_about(
    service_request: ServiceRequest, *, limit: int = 10
) -> QuerySet[OutboxMessage]:
    """The messages sent to residents about a request (its requester and its followers, never
    the staff's alerts), newest first. Each says whether it went to the requester
    (`to_requester`): a follower's address is theirs, not the department's to read."""
    own = [c for c in (service_request.requester_email, service_request.requester_phone) if c]
    to_requester = (
        Case(When(recipient__in=own, then=Value(True)), default=Value(False))
        if own
        else Value(False, output_field=BooleanField())
    )
    return (
        OutboxMessage.objects.filter(request=service_request)
        .exclude(kind__in=STAFF_KINDS)
        .annotate(to_requester=to_requester)
        .order_by("-id")[:limit]
    )
