"""Every contact with a resident is an interaction (COURTESY.md, "What follows"): calls, web and
app submissions, written updates, email/SMS sent and survey answers. QA samples and reviews
them; commitments made in them (C7) are tracked until kept or broken."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class InteractionKind(models.TextChoices):
    PHONE_CALL = "phone_call", "Phone call"
    WEB_SUBMISSION = "web_submission", "Web submission"
    APP_SUBMISSION = "app_submission", "App submission (Open311)"
    PUBLIC_NOTE = "public_note", "Public note"
    INTERNAL_NOTE = "internal_note", "Internal note"
    EMAIL_SENT = "email_sent", "Email sent"
    SMS_SENT = "sms_sent", "SMS sent"
    SURVEY_ANSWER = "survey_answer", "Survey answer"


class CallOutcome(models.TextChoices):
    INFORMATION_GIVEN = "information_given", "Information given"
    REQUEST_CREATED = "request_created", "Request created"
    TRANSFERRED = "transferred", "Transferred"
    MESSAGE_TAKEN = "message_taken", "Message taken"
    CALLBACK_PROMISED = "callback_promised", "Callback promised"


class Interaction(models.Model):
    # A random id: the QA sample is a keyed hash of it, so it must not be guessable or ordered.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=InteractionKind.choices)
    agent = models.ForeignKey(  # indexed by interaction_agent_idx (agent, started_at)
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
        db_index=False,
        help_text="The member of staff who spoke or wrote; empty for automatic messages.",
    )
    department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "intake.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requests = models.ManyToManyField(
        "intake.ServiceRequest", blank=True, related_name="interactions"
    )
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, default="en")
    caller_name = models.CharField(max_length=200, blank=True)
    caller_phone = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices, blank=True)
    # The walk of a call: C1 greeting, C3 the caller's words and the agent's paraphrase,
    # C11 recap.
    greeting = models.TextField(blank=True)
    caller_words = models.TextField(blank=True)
    paraphrase = models.TextField(blank=True)
    paraphrase_confirmed = models.BooleanField(null=True, blank=True)
    recap = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="Notes, transcript or the text sent.")
    # What the courtesy screener found in the text (C4, C5, C1, C11) and the writer's reason
    # for sending a flagged public note anyway.
    flagged_c_ids = ArrayField(models.CharField(max_length=4), default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    courtesy_score = models.FloatField(null=True, blank=True)
    screener_version = models.CharField(max_length=40, blank=True)
    override_reason = models.TextField(blank=True)
    # Survey answers (C10) and complaints (C9) about how the resident was treated.
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    courteous = models.BooleanField(null=True, blank=True)
    courtesy_complaint = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["agent", "started_at"], name="interaction_agent_idx"),
            models.Index(fields=["kind", "started_at"], name="interaction_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class MessageKind(models.TextChoices):
    MESSAGE = "message", "Message for someone"
    CALLBACK = "callback", "Callback"


class CallMessage(models.Model):
    """A message or callback taken on a call, with every C2 field."""

    interaction = models.OneToOneField(
        Interaction, on_delete=models.PROTECT, related_name="call_message"
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages_for_me",
    )
    for_department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    caller_name = models.CharField(max_length=200)
    name_spelling_confirmed = models.BooleanField()
    organisation = models.CharField(max_length=200, blank=True)
    callback_number = models.CharField(max_length=40)
    message = models.CharField(max_length=1000)
    callback_preference = models.CharField(
        max_length=200, help_text="When the caller wants the call returned, in their words."
    )
    callback_by = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_taken"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.caller_name}"


class CommitmentKind(models.TextChoices):
    CALL_BACK = "call_back", "Call back by"
    UPDATE = "update", "Update by"
    FIX = "fix", "Fix by"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    BROKEN = "broken", "Broken"
    CANCELLED = "cancelled", "Cancelled"


class Commitment(models.Model):
    """A promise made to a resident (C7), tracked until kept or broken."""

    kind = models.CharField(max_length=10, choices=CommitmentKind.choices)
    status = models.CharField(
        max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments"
    )
    department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments_made"
    )
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    service_request = models.ForeignKey(
        "intake.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    description = models.CharField(max_length=500)
    due_at = models.DateTimeField(db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="commitment_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M} ({self.status})"
