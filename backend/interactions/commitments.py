"""Promises made to residents (C7): made on a call or by staff, reminded, kept or broken."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidInput
from core.models import Department
from intake.models import ServiceRequest
from intake.policies import ensure
from interactions import policies
from interactions.models import (
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    Interaction,
)

MAX_TEXT = 4000


def clean_text(name: str, value: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput.field(name, "This is needed.")
    if len(value) > limit:
        raise InvalidInput.field(name, f"At most {limit} characters.")
    if "\x00" in value:
        raise InvalidInput.field(name, "Remove the invisible control characters.")
    return value


def commitment_make(
    *,
    kind: str,
    owner: User,
    made_by: User,
    due_at: datetime,
    description: str,
    department: Department | None = None,
    interaction: Interaction | None = None,
    service_request: ServiceRequest | None = None,
) -> Commitment:
    if kind not in CommitmentKind.values:
        raise InvalidInput.field("kind", f"Choose one of: {', '.join(CommitmentKind.values)}.")
    if due_at <= timezone.now() - timedelta(minutes=5):
        raise InvalidInput.field("due_at", "A promise is made for the future.")
    return Commitment.objects.create(
        kind=kind,
        owner=owner,
        made_by=made_by,
        department=department,
        due_at=due_at,
        description=clean_text("description", description, required=True, limit=500),
        interaction=interaction,
        service_request=service_request,
    )


def _resolve(commitment: Commitment, *, status: str, at: datetime, note: str = "") -> None:
    """The one place a commitment's status changes."""
    if commitment.status != CommitmentStatus.OPEN:
        raise InvalidInput.field(
            "status", f"This promise is already {commitment.get_status_display().lower()}."
        )
    commitment.status = status
    commitment.resolved_at = at
    commitment.resolution_note = note
    commitment.save(update_fields=["status", "resolved_at", "resolution_note"])


@transaction.atomic
def commitment_resolve(
    *, commitment: Commitment, actor: User, status: str, note: str = ""
) -> Commitment:
    """Kept (done), or cancelled (the resident no longer needs it). A promise kept after its
    time is broken: C7 counts the deadline, not good intentions."""
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    ensure(policies.can_resolve_commitment(actor, locked), "This promise is not yours.")
    if status not in (CommitmentStatus.KEPT, CommitmentStatus.CANCELLED):
        raise InvalidInput.field("status", "Mark the promise kept or cancelled.")
    note = clean_text("note", note, required=status == CommitmentStatus.CANCELLED, limit=1000)
    now = timezone.now()
    if status == CommitmentStatus.KEPT and now > locked.due_at:
        status = CommitmentStatus.BROKEN
        note = note or "Done after the promised time."
    _resolve(locked, status=status, at=now, note=note)
    return locked


@transaction.atomic
def commitments_mark_broken(*, now: datetime | None = None) -> int:
    """Open promises whose time has passed are broken, and counted (C7)."""
    now = now or timezone.now()
    overdue = Commitment.objects.select_for_update(skip_locked=True).filter(
        status=CommitmentStatus.OPEN, due_at__lt=now
    )
    count = 0
    for commitment in overdue:
        _resolve(commitment, status=CommitmentStatus.BROKEN, at=now, note="Not done in time.")
        count += 1
    return count


@transaction.atomic
def commitments_remind_due(*, within: timedelta, now: datetime | None = None) -> list[int]:
    """Promises falling due soon, not yet reminded: mark them, and send the reminders once
    the transaction commits."""
    now = now or timezone.now()
    due = list(
        Commitment.objects.select_for_update(skip_locked=True).filter(
            status=CommitmentStatus.OPEN,
            reminded_at__isnull=True,
            due_at__gte=now,
            due_at__lte=now + within,
        )
    )
    for commitment in due:
        commitment.reminded_at = now
        commitment.save(update_fields=["reminded_at"])
    ids = [c.pk for c in due]
    if ids:
        transaction.on_commit(lambda: _queue_reminders(ids), robust=True)
    return ids


def _queue_reminders(ids: list[int]) -> None:
    from interactions.tasks import send_commitment_reminder  # tasks import this module

    for commitment_id in ids:
        send_commitment_reminder.delay(commitment_id)


def commitment_send_reminder(*, commitment_id: int) -> bool:
    commitment = Commitment.objects.select_related("owner").get(pk=commitment_id)
    if commitment.status != CommitmentStatus.OPEN or not commitment.owner.email:
        return False
    due = timezone.localtime(commitment.due_at)
    send_mail(
        subject=f"Reminder: {commitment.get_kind_display().lower()} {due:%H:%M}",
        message=(
            f"You promised a resident: {commitment.description}\n"
            f"Due: {due:%A %d %B %H:%M}.\n\n"
            "If it will be missed, tell the resident before then, with the reason and a new "
            "time (C7)."
        ),
        from_email=None,
        recipient_list=[commitment.owner.email],
    )
    return True
