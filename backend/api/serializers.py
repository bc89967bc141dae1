"""Staff API serializers for service requests and the actions on them. The catalogue's are in
`api.catalogue`, the queue's in `api.queues`, supervisors' reports in `api.supervision`."""

from collections.abc import Mapping
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from api.fields import CourtesyOverrideReasonField, SlugLookupField, StrictCharField
from core.models import Department, WorkUnit
from intake.commands import IntakeCommand, Location, Requester
from intake.limits import MAX_DESCRIPTION, MAX_MEDIA_URLS, MAX_NOTE
from intake.models import Channel, ContactChannel, Priority, RequestEvent, Service, ServiceRequest
from intake.statuses import OPEN_STATUSES, Status
from notifications.models import OutboxMessage

# --- Service requests ---


class LocationSerializer(serializers.Serializer[Point]):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    long = serializers.FloatField(min_value=-180, max_value=180)


class RequesterSerializer(serializers.Serializer[dict[str, Any]]):
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=8, required=False, default="en")
    channel = serializers.ChoiceField(
        choices=ContactChannel.choices, required=False, default=ContactChannel.NONE
    )


class RequestEventSerializer(serializers.ModelSerializer[RequestEvent]):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = RequestEvent
        fields = ["kind", "at", "actor", "public", "note", "data"]


class ServiceRequestSerializer(serializers.ModelSerializer[ServiceRequest]):
    id = serializers.CharField(source="public_id", read_only=True)
    service: serializers.SlugRelatedField[Service] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    service_name = serializers.CharField(source="service.name", read_only=True)
    department: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    department_name = serializers.CharField(source="department.name", read_only=True)
    unit: serializers.SlugRelatedField[WorkUnit] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    assignee: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    duplicate_of: serializers.SlugRelatedField[ServiceRequest] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    location = serializers.SerializerMethodField()
    requester = serializers.SerializerMethodField()
    open311_status = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "service",
            "service_name",
            "status",
            "open311_status",
            "priority",
            "channel",
            "description",
            "attributes",
            "location",
            "address",
            "address_id",
            "zipcode",
            "media_urls",
            "requester",
            "department",
            "department_name",
            "unit",
            "assignee",
            "promised_at",
            "overdue",
            "created_at",
            "updated_at",
            "acknowledged_at",
            "closed_at",
            "duplicate_of",
        ]
        read_only_fields = fields

    @extend_schema_field(LocationSerializer(allow_null=True))
    def get_location(self, obj: ServiceRequest) -> dict[str, float] | None:
        if obj.location is None:
            return None
        return {"lat": obj.location.y, "long": obj.location.x}

    @extend_schema_field(RequesterSerializer)
    def get_requester(self, obj: ServiceRequest) -> dict[str, str]:
        return {
            "first_name": obj.requester_first_name,
            "last_name": obj.requester_last_name,
            "email": obj.requester_email,
            "phone": obj.requester_phone,
            "language": obj.requester_language,
            "channel": obj.requester_channel,
        }

    def get_overdue(self, obj: ServiceRequest) -> bool:
        return bool(
            obj.status in OPEN_STATUSES and obj.promised_at and obj.promised_at < timezone.now()
        )


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    timeline = RequestEventSerializer(source="events", many=True, read_only=True)
    deliveries = serializers.SerializerMethodField()

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "timeline", "deliveries"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_deliveries(self, obj: ServiceRequest) -> list[dict[str, Any]]:
        messages = OutboxMessage.objects.filter(request=obj).select_related("request")
        return list(DeliverySerializer(messages, many=True).data)


class ServiceRequestCreateSerializer(serializers.Serializer[dict[str, Any]]):
    """A request logged by staff on behalf of a caller."""

    service = SlugLookupField(slug_field="code", queryset=Service.objects.all())
    description = serializers.CharField(max_length=MAX_DESCRIPTION, allow_blank=True, default="")
    location = LocationSerializer(required=False, allow_null=True, default=None)
    address = serializers.CharField(max_length=300, allow_blank=True, default="")
    address_id = serializers.CharField(max_length=100, allow_blank=True, default="")
    zipcode = serializers.CharField(max_length=20, allow_blank=True, default="")
    attributes = serializers.DictField(required=False, default=dict)
    media_urls = serializers.ListField(
        child=serializers.URLField(max_length=500), max_length=MAX_MEDIA_URLS, default=list
    )
    requester = RequesterSerializer(required=False, default=dict)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


def intake_command(data: Mapping[str, Any], *, channel: str | None = None) -> IntakeCommand:
    """A validated request body (ServiceRequestCreateSerializer) as the intake command every
    channel builds."""
    point = data["location"] or {}
    return IntakeCommand(
        service=data["service"],
        channel=channel or data["channel"],
        location=Location.parse(
            lat=point.get("lat"),
            long=point.get("long"),
            address=data["address"],
            address_id=data["address_id"],
            zipcode=data["zipcode"],
            # The domain names a missing location; the body's shape was checked above.
            required=False,
        ),
        description=data["description"],
        attributes=data["attributes"],
        media_urls=tuple(data["media_urls"]),
        requester=Requester(**data["requester"]),
        priority=data["priority"],
    )


class StatusChangeSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=Status.choices)
    note = StrictCharField(max_length=MAX_NOTE, allow_blank=True, default="")
    courtesy_override_reason = CourtesyOverrideReasonField()

    def validate_status(self, value: str) -> str:
        if value == Status.CLOSED_DUPLICATE:
            raise serializers.ValidationError(
                "Link the request to its original with the duplicate action instead."
            )
        return value


class NoteSerializer(serializers.Serializer[dict[str, Any]]):
    text = StrictCharField(max_length=MAX_NOTE)
    public = serializers.BooleanField()
    courtesy_override_reason = CourtesyOverrideReasonField()


class AssignSerializer(serializers.Serializer[dict[str, Any]]):
    unit = serializers.SlugField(allow_null=True, required=False, default=None)
    assignee = serializers.CharField(allow_null=True, required=False, default=None, max_length=150)


class DuplicateSerializer(serializers.Serializer[dict[str, Any]]):
    duplicate_of = SlugLookupField(slug_field="public_id", queryset=ServiceRequest.objects.all())


class TransferSerializer(serializers.Serializer[dict[str, Any]]):
    reason = StrictCharField(max_length=MAX_NOTE)
    suggested_department = SlugLookupField(
        slug_field="slug",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    override = serializers.BooleanField(default=False)


class FollowSerializer(serializers.Serializer[dict[str, Any]]):
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=8, required=False, default="en")


class PossibleDuplicatesQuerySerializer(serializers.Serializer[dict[str, Any]]):
    service = SlugLookupField(slug_field="code", queryset=Service.objects.all())
    lat = serializers.FloatField(min_value=-90, max_value=90)
    long = serializers.FloatField(min_value=-180, max_value=180)


class PossibleDuplicateSerializer(serializers.ModelSerializer[ServiceRequest]):
    id = serializers.CharField(source="public_id", read_only=True)
    service = serializers.CharField(source="service.code", read_only=True)
    distance_m = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = ["id", "service", "status", "address", "created_at", "description", "distance_m"]
        read_only_fields = fields

    def get_distance_m(self, obj: ServiceRequest) -> float | None:
        distance = getattr(obj, "distance", None)
        return round(distance.m, 1) if distance is not None else None


class ServiceSuggestionQuerySerializer(serializers.Serializer[dict[str, Any]]):
    description = serializers.CharField(max_length=MAX_DESCRIPTION)


class ServiceSuggestionSerializer(serializers.Serializer[dict[str, Any]]):
    service = serializers.CharField()
    name = serializers.CharField()
    probability = serializers.FloatField()


class PromiseSerializer(serializers.Serializer[dict[str, Any]]):
    promised_at = serializers.DateTimeField()
    reason = StrictCharField(max_length=MAX_NOTE)


class DeliverySerializer(serializers.ModelSerializer[OutboxMessage]):
    """What was sent to whom, and whether it arrived; addresses shown partly (staff only)."""

    recipient = serializers.SerializerMethodField()
    request = serializers.CharField(source="request.public_id", read_only=True)

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "request",
            "kind",
            "channel",
            "recipient",
            "language",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields

    def get_recipient(self, obj: OutboxMessage) -> str:
        address = obj.recipient
        if obj.channel == "webhook":
            return address.split(":", 1)[-1]
        visible = 3
        return address[:visible] + "…" if len(address) > visible else "…"
