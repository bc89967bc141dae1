"""The outbox: every message owed to a resident, written with the change that caused it."""

import secrets
import uuid

from django.db import models

from intake.models import RequestEvent, ServiceRequest


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    WEBHOOK = "webhook", "Webhook"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class MessageKind(models.TextChoices):
    CREATED = "created", "Request received"
    STATUS_CHANGED = "status_changed", "Status changed"
    PUBLIC_NOTE = "public_note", "Note from the city"
    TRANSFERRED = "transferred", "Passed to another department"
    STILL_ON_IT = "still_on_it", "Still on it"
    PROMISE_CHANGED = "promise_changed", "New expected date"
    SURVEY = "survey", "How did we do?"
    AT_RISK = "at_risk", "Promise at risk (to supervisors)"
    ESCALATED = "escalated", "Not acknowledged in time (to supervisors)"
    QA_ASSIGNED = "qa_assigned", "Review assigned (to a QA reviewer)"
    QA_SUBMITTED = "qa_submitted", "Evaluation ready (to the agent)"
    QA_DISPUTE_DECIDED = "qa_dispute_decided", "Dispute decided (to the agent)"
    SIGN_IN = "sign_in", "Sign-in link to my requests (to a resident)"


# Messages to staff about a request (alerts, QA), never to a resident.
STAFF_KINDS = frozenset(
    {
        MessageKind.AT_RISK,
        MessageKind.ESCALATED,
        MessageKind.QA_ASSIGNED,
        MessageKind.QA_SUBMITTED,
        MessageKind.QA_DISPUTE_DECIDED,
    }
)


class OutboxMessage(models.Model):
    """One message to one recipient. At most one per event, channel and recipient."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty only for messages to staff about QA, which belong to an evaluation instead.
    request = models.ForeignKey(
        ServiceRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox_messages",
    )
    event = models.ForeignKey(  # indexed by the unique constraint, which starts with it
        RequestEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox_messages",
        db_index=False,
    )
    evaluation = models.ForeignKey(  # indexed by the QA unique constraint, which starts with it
        "qa.Evaluation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=500)
    language = models.CharField(max_length=8, default="en")
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()  # indexed by outbox_due_idx (status, next_attempt_at)
    # When its delivery was last handed to a worker; empty until the dispatcher claims it.
    queued_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "channel", "recipient"],
                name="one_message_per_event_kind_recipient",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "kind", "recipient"],
                condition=models.Q(evaluation__isnull=False),
                name="one_qa_message_per_evaluation_kind_recipient",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.channel}:{self.recipient} ({self.status})"


class WebhookSubscription(models.Model):
    """An Open311 client (an app, a civic tool) that wants status updates pushed to it."""

    name = models.CharField(max_length=120)
    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=200, help_text="Signs each delivery (X-Civic311-Signature, HMAC-SHA256)."
    )
    service_codes = models.JSONField(
        default=list, blank=True, help_text="Only these services; empty means all."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SignInLink(models.Model):
    """A resident's one-time link to the requests made with their email address. Only the
    token's SHA-256 digest is stored: the link itself exists only in the message."""

    digest = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link for {self.email} ({self.created_at:%Y-%m-%d %H:%M})"


def _survey_token() -> str:
    return secrets.token_urlsafe(24)


class SurveyInvitation(models.Model):
    """C10: after closure, the resident is asked how we did, through an unguessable link."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="surveys")
    event = models.OneToOneField(RequestEvent, on_delete=models.PROTECT, related_name="survey")
    token = models.CharField(max_length=64, unique=True, default=_survey_token)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    courteous = models.BooleanField(null=True, blank=True)
    fixed = models.BooleanField(null=True, blank=True)
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"survey for {self.request_id}"


class RecoveryStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class ServiceRecoveryTask(models.Model):
    """C9: something went wrong for a resident; a supervisor contacts them and puts it right."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.PROTECT, related_name="recovery_tasks"
    )
    survey = models.ForeignKey(
        SurveyInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    status = models.CharField(
        max_length=8, choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["status", "created_at"]

    def __str__(self) -> str:
        return f"recovery for {self.request_id} ({self.status})"
