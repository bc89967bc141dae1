"""Services the city offers, the requests residents make, and each request's history."""

import secrets
from typing import Any

from django.conf import settings
from django.contrib.gis.db import models as gis
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from core.models import Department, WorkUnit
from intake.statuses import Status, open311_status


class ServiceType(models.TextChoices):
    REALTIME = "realtime", "Realtime"
    BATCH = "batch", "Batch"
    BLACKBOX = "blackbox", "Blackbox"


class TargetUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "Working days"
    WORKING_HOURS = "working_hours", "Working hours"


# The longest service-level target, in working days or working hours.
MAX_SERVICE_TARGET = 1000


class Service(models.Model):
    """An Open311 service: what a resident can ask the city for."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=100, blank=True)
    keywords = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    type = models.CharField(
        max_length=16, choices=ServiceType.choices, default=ServiceType.REALTIME
    )
    default_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
        help_text="Owner when no routing rule says otherwise; empty sends it to triage.",
    )
    target_value = models.PositiveIntegerField(default=5, help_text="Service-level target.")
    target_unit = models.CharField(
        max_length=16, choices=TargetUnit.choices, default=TargetUnit.WORKING_DAYS
    )
    duplicate_radius_m = models.PositiveIntegerField(
        default=50,
        help_text="Open requests of this service (or group) this close are possible duplicates.",
    )
    duplicate_window_days = models.PositiveIntegerField(
        default=30, help_text="How far back to look for possible duplicates."
    )
    still_on_it_days = models.PositiveIntegerField(
        default=7,
        help_text='Days without public news before a "still on it" update goes out (C8).',
    )
    is_active = models.BooleanField(default=True)
    allows_anonymous = models.BooleanField(
        default=True, help_text="Residents may report it without giving any contact."
    )
    is_sensitive = models.BooleanField(
        default=False,
        help_text="Public maps and lists show only the block, never the point.",
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per language: {"es": {"name": "...", "description": "...", "group": "..."}}.',
    )

    class Meta:
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        # A target of millions of working days would keep the promised-date loop busy for
        # minutes (and past the calendar's last year): refuse it where it is written.
        if self.target_value is not None and self.target_value > MAX_SERVICE_TARGET:
            raise ValidationError({"target_value": [f"At most {MAX_SERVICE_TARGET}."]})


class AttributeDatatype(models.TextChoices):
    STRING = "string", "String"
    NUMBER = "number", "Number"
    DATETIME = "datetime", "Date and time"
    TEXT = "text", "Text"
    SINGLEVALUELIST = "singlevaluelist", "Single value list"
    MULTIVALUELIST = "multivaluelist", "Multiple value list"


class ServiceAttribute(models.Model):
    """An extra question asked for a service (Open311 service definition attribute)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(max_length=64)
    description = models.CharField(max_length=300, help_text="The question asked.")
    datatype = models.CharField(max_length=20, choices=AttributeDatatype.choices)
    datatype_description = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    variable = models.BooleanField(default=True, help_text="False: informational, no answer.")
    order = models.PositiveSmallIntegerField(default=1)
    values = models.JSONField(
        default=list, blank=True, help_text='For list types: [{"key": "...", "name": "..."}].'
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per language: {"es": {"description": "...", "values": {"key": "name"}}}.',
    )

    class Meta:
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], name="unique_attribute_code_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code}.{self.code}"

    def value_keys(self) -> set[str]:
        return {str(v["key"]) for v in self.values if isinstance(v, dict) and "key" in v}


class Channel(models.TextChoices):
    WEB = "web", "Web"
    APP = "app", "Mobile app / Open311"
    PHONE = "phone", "Phone (3-1-1)"
    EMAIL = "email", "Email"
    WALK_IN = "walk_in", "Walk-in"
    STAFF = "staff", "City staff in the field"


class ContactChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"
    NONE = "none", "No updates"


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


def new_photo_key() -> str:
    return secrets.token_urlsafe(18)


def new_request_token() -> str:
    """The secret an Open311 client holds for its request until it has a public id."""
    return secrets.token_urlsafe(24)


class ServiceRequest(models.Model):
    # "26-001234": short enough to read over the phone (C11), unique through a sequence; the
    # database fills it in on insert (intake_next_public_id) and returns it, one round trip.
    public_id = models.CharField(
        max_length=32,
        unique=True,
        editable=False,
        db_default=models.Func(function="intake_next_public_id", output_field=models.CharField()),
    )
    token = models.CharField(max_length=64, unique=True, editable=False, default=new_request_token)
    # No index of its own on service or department: the composite indexes below start with
    # them, and every index is one more write on each intake.
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="requests", db_index=False
    )
    attributes = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)
    location = gis.PointField(geography=True, srid=4326, null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    zipcode = models.CharField(max_length=20, blank=True)
    media_urls = ArrayField(models.URLField(max_length=500), default=list, blank=True)

    requester_first_name = models.CharField(max_length=100, blank=True)
    requester_last_name = models.CharField(max_length=100, blank=True)
    requester_email = models.EmailField(blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    requester_language = models.CharField(max_length=8, default="en")
    requester_channel = models.CharField(
        max_length=8, choices=ContactChannel.choices, default=ContactChannel.NONE
    )

    channel = models.CharField(max_length=16, choices=Channel.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="requests", db_index=False
    )
    unit = models.ForeignKey(
        WorkUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="logged_requests",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    promised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    last_public_update_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the resident last heard from us."
    )
    at_risk_alerted_at = models.DateTimeField(null=True, blank=True)
    promise_changes = models.PositiveSmallIntegerField(default=0)
    promise_broken = models.BooleanField(
        default=False, help_text="Closed after the promised date, or re-dated after it passed."
    )
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was escalated for being left unacknowledged."
    )
    routing_rule = models.CharField(
        max_length=300, blank=True, help_text="The routing rule behind the current owner."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Department queues and claim-next read only open requests, most urgent first.
            models.Index(
                "department",
                models.F("promised_at").asc(nulls_last=True),
                models.F("priority").desc(),
                "created_at",
                "id",
                name="request_open_queue_idx",
                condition=models.Q(status__in=["new", "acknowledged", "in_progress", "on_hold"]),
            ),
            models.Index(fields=["routing_rule"], name="request_routing_rule_idx"),
            models.Index(fields=["department", "status", "promised_at"], name="request_queue_idx"),
            models.Index(fields=["status", "created_at"], name="request_status_created_idx"),
            models.Index(fields=["service", "created_at"], name="request_service_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.service.name}"

    @property
    def open311_status(self) -> str:
        return open311_status(self.status)


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    ROUTED = "routed", "Routed"
    TRANSFERRED = "transferred", "Transferred"
    ASSIGNED = "assigned", "Assigned"
    STATUS_CHANGED = "status_changed", "Status changed"
    PUBLIC_NOTE = "public_note", "Public note"
    INTERNAL_NOTE = "internal_note", "Internal note"
    DUPLICATE_LINKED = "duplicate_linked", "Duplicate linked"
    REOPENED = "reopened", "Reopened"
    ESCALATED = "escalated", "Escalated"
    PROMISE_CHANGED = "promise_changed", "Promised date changed"
    AT_RISK = "at_risk", "Promise at risk"
    SURVEY_ANSWERED = "survey_answered", "Survey answered"


class AppendOnlyError(RuntimeError):
    pass


class RequestEvent(models.Model):
    """One line of a request's history. Append-only (also enforced by a database trigger)."""

    # Indexed by event_request_at_idx (request, at).
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request_events",
    )
    public = models.BooleanField(help_text="Visible to the resident.")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="event_request_at_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("request history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("request history is append-only")


class Transfer(models.Model):
    """A department handing a request it does not own to another, with its reason."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="transfers")
    from_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="transfers_out"
    )
    from_unit = models.ForeignKey(
        WorkUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="transfers_in"
    )
    to_unit = models.ForeignKey(
        WorkUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    routed_by_rule = models.CharField(
        max_length=300, blank=True, help_text="The rule that had sent the request to the decliner."
    )
    override = models.BooleanField(
        default=False, help_text="A supervisor sent it back to a department that had declined it."
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_department_id} → {self.to_department_id}"


class Follower(models.Model):
    """Someone who gets a request's public updates: a merged duplicate's reporter, a neighbour."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, default="en")
    from_request = models.ForeignKey(
        ServiceRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="", phone=""), name="follower_has_contact"
            ),
        ]
        # "My requests" finds what an address follows in any case (email__iexact, which
        # compares UPPER(email)): without it, a sequential scan of every follower.
        indexes = [models.Index(Upper("email"), name="follower_email_upper_idx")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.email or self.phone}"


def photo_path(photo: "RequestPhoto", filename: str) -> str:
    return f"requests/{photo.created_at:%Y/%m}/{photo.key}-{filename}"


class RequestPhoto(models.Model):
    """A resident's photo of the problem: re-encoded, without EXIF (no GPS), with a thumbnail.

    Stored before the request exists (so a form sent back for a fix keeps its photos), under
    the key of the form attempt that uploaded it; attached when the request is created."""

    key = models.CharField(max_length=40, unique=True, default=new_photo_key, editable=False)
    upload_key = models.CharField(max_length=64, db_index=True)
    request = models.ForeignKey(
        ServiceRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(upload_to=photo_path, max_length=300)
    thumbnail = models.FileField(upload_to=photo_path, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.key
