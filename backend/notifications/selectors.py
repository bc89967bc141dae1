"""Reads on the outbox."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from notifications.models import MessageStatus, OutboxMessage

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
