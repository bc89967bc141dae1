"""Call logging and promises (C1-C3, C7, C11) for agents: the API walks the call step by step."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from api import serializers as s
from api.fields import SlugLookupField
from api.permissions import IsStaffMember
from api.permissions import request_user as _user
from api.validation import validated
from core.models import Department
from intake.commands import point_from
from intake.models import Channel, Service, ServiceRequest
from intake.policies import can_view_request, ensure
from intake.selectors import service_request_with_timeline, service_requests_possible_duplicates
from interactions import selectors, services
from interactions.models import (
    CallMessage,
    CallOutcome,
    Commitment,
    CommitmentStatus,
    Interaction,
    MessageKind,
)
from routing_adapter.selectors import service_suggestions


class CallMessageSerializer(serializers.ModelSerializer[CallMessage]):
    for_user: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    for_department: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    taken_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = CallMessage
        fields = [
            "kind",
            "for_user",
            "for_department",
            "caller_name",
            "name_spelling_confirmed",
            "organisation",
            "callback_number",
            "message",
            "callback_preference",
            "callback_by",
            "called_at",
            "taken_by",
        ]


class CallSerializer(serializers.ModelSerializer[Interaction]):
    agent: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    requests: serializers.SlugRelatedField[ServiceRequest] = serializers.SlugRelatedField(
        slug_field="public_id", many=True, read_only=True
    )
    message = CallMessageSerializer(source="call_message", read_only=True, allow_null=True)
    # Empty until the call ends: the schema lists "" with the outcomes.
    outcome = serializers.ChoiceField(choices=CallOutcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "agent",
            "started_at",
            "ended_at",
            "greeting",
            "caller_name",
            "caller_phone",
            "language",
            "caller_words",
            "paraphrase",
            "paraphrase_confirmed",
            "reason",
            "requests",
            "message",
            "outcome",
            "recap",
            "text",
            "flagged_c_ids",
            "flags",
            "courtesy_score",
        ]
        read_only_fields = fields


class CallStartSerializer(serializers.Serializer[dict[str, Any]]):
    greeting = serializers.CharField(
        max_length=500, allow_blank=True, default="", help_text="How the call was answered (C1)."
    )


class CallerSerializer(serializers.Serializer[dict[str, Any]]):
    caller_name = serializers.CharField(max_length=200, allow_blank=True, default="")
    caller_phone = serializers.CharField(max_length=40, allow_blank=True, default="")
    language = serializers.CharField(max_length=8, default="en")


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    caller_words = serializers.CharField(max_length=4000)
    paraphrase = serializers.CharField(max_length=4000)
    paraphrase_confirmed = serializers.BooleanField()
    reason = serializers.CharField(max_length=300, allow_blank=True, default="")


class DuplicateCheckSerializer(serializers.Serializer[dict[str, Any]]):
    service = SlugLookupField(slug_field="code", queryset=Service.objects.all())
    location = s.LocationSerializer()


class CallRequesterSerializer(s.RequesterSerializer):
    # Blank means "as the caller said at the caller step": the domain fills it in.
    language = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")


class CallRequestSerializer(s.ServiceRequestCreateSerializer):
    """The request opened on a call; the caller is the requester unless the agent says not."""

    requester = CallRequesterSerializer(required=False, default=lambda: {"language": ""})


class LinkSerializer(serializers.Serializer[dict[str, Any]]):
    request = SlugLookupField(slug_field="public_id", queryset=ServiceRequest.objects.all())


class MessageSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    for_user = SlugLookupField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False
    )
    for_department = SlugLookupField(
        slug_field="slug", queryset=Department.objects.all(), required=False
    )
    # Blank is let through so the service can list every missing C2 field at once.
    caller_name = serializers.CharField(max_length=200, allow_blank=True, default="")
    name_spelling_confirmed = serializers.BooleanField(default=False)
    organisation = serializers.CharField(max_length=200, allow_blank=True, default="")
    callback_number = serializers.CharField(max_length=40, allow_blank=True, default="")
    message = serializers.CharField(max_length=1000, allow_blank=True, default="")
    callback_preference = serializers.CharField(max_length=200, allow_blank=True, default="")
    callback_by = serializers.DateTimeField(required=False, allow_null=True, default=None)


class CallEndSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    recap = serializers.CharField(max_length=4000, allow_blank=True, default="")
    notes = serializers.CharField(max_length=4000, allow_blank=True, default="")


class CallViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Interaction]
):
    """A phone call, logged as it happens: start (greeting), caller, problem (with service
    suggestions), duplicate check, a request or a message/callback, end (recap)."""

    permission_classes = [IsStaffMember]
    serializer_class = CallSerializer

    def get_queryset(self) -> QuerySet[Interaction]:
        if getattr(self, "swagger_fake_view", False):
            return Interaction.objects.none()
        return selectors.calls_visible_to(_user(self.request)).prefetch_related("requests")

    def _call(self) -> Interaction:
        return self.get_object()

    def _answer(self, call: Interaction, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=call.pk)
        return Response(CallSerializer(fresh).data, status=code)

    @extend_schema(request=CallStartSerializer, responses={201: CallSerializer})
    def create(self, request: Request) -> Response:
        body = validated(CallStartSerializer, request.data)
        call = services.call_start(agent=_user(request), greeting=body["greeting"])
        return self._answer(call, status.HTTP_201_CREATED)

    @extend_schema(request=CallerSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"], serializer_class=CallerSerializer)
    def caller(self, request: Request, pk: str) -> Response:
        body = validated(CallerSerializer, request.data)
        call = services.call_record_caller(call=self._call(), agent=_user(request), **body)
        return self._answer(call)

    @extend_schema(
        request=ProblemSerializer,
        responses=inline_serializer(
            "CallProblemAnswer",
            {
                "call": CallSerializer(),
                "suggestions": serializers.ListField(child=serializers.DictField()),
            },
        ),
        description="Records C3 and answers the routing classifier's service suggestions.",
    )
    @action(detail=True, methods=["post"], serializer_class=ProblemSerializer)
    def problem(self, request: Request, pk: str) -> Response:
        body = validated(ProblemSerializer, request.data)
        call = services.call_record_problem(call=self._call(), agent=_user(request), **body)
        suggestions = service_suggestions(description=call.caller_words + "\n" + call.paraphrase)
        return Response({"call": CallSerializer(call).data, "suggestions": suggestions})

    @extend_schema(
        request=DuplicateCheckSerializer, responses=s.ServiceRequestSerializer(many=True)
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="duplicate-check",
        serializer_class=DuplicateCheckSerializer,
        pagination_class=None,
    )
    def duplicate_check(self, request: Request, pk: str) -> Response:
        self._call()
        body = validated(DuplicateCheckSerializer, request.data)
        location = body["location"]
        found = service_requests_possible_duplicates(
            service=body["service"],
            location=point_from(location["lat"], location["long"]),
            visible_to=_user(request),
        ).select_related("service", "department")
        return Response(s.ServiceRequestSerializer(found, many=True).data)

    @extend_schema(request=CallRequestSerializer, responses={201: s.ServiceRequestDetailSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="request",
        serializer_class=CallRequestSerializer,
    )
    def open_request(self, request: Request, pk: str) -> Response:
        call = self._call()
        data = validated(CallRequestSerializer, request.data)
        created = services.call_create_request(
            call=call, agent=_user(request), command=s.intake_command(data, channel=Channel.PHONE)
        )
        instance = service_request_with_timeline(
            ServiceRequest.objects.select_related("service", "department", "unit", "assignee")
        ).get(pk=created.pk)
        return Response(s.ServiceRequestDetailSerializer(instance).data, status=201)

    @extend_schema(request=LinkSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"], url_path="link", serializer_class=LinkSerializer)
    def link(self, request: Request, pk: str) -> Response:
        body = validated(LinkSerializer, request.data)
        user = _user(request)
        ensure(can_view_request(user, body["request"]), "Not your request.")
        call = services.call_link_request(
            call=self._call(), agent=user, service_request=body["request"]
        )
        return self._answer(call)

    @extend_schema(request=MessageSerializer, responses={201: CallSerializer})
    @action(detail=True, methods=["post"], serializer_class=MessageSerializer)
    def message(self, request: Request, pk: str) -> Response:
        body = validated(MessageSerializer, request.data)
        call = self._call()
        services.call_take_message(call=call, agent=_user(request), **body)
        return self._answer(call, status.HTTP_201_CREATED)

    @extend_schema(request=CallEndSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"], serializer_class=CallEndSerializer)
    def end(self, request: Request, pk: str) -> Response:
        body = validated(CallEndSerializer, request.data)
        call = services.call_end(call=self._call(), agent=_user(request), **body)
        return self._answer(call)


class CommitmentSerializer(serializers.ModelSerializer[Commitment]):
    owner: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    made_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    service_request: serializers.SlugRelatedField[ServiceRequest] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "kind",
            "status",
            "owner",
            "made_by",
            "interaction",
            "service_request",
            "description",
            "due_at",
            "reminded_at",
            "resolved_at",
            "resolution_note",
        ]
        read_only_fields = fields


class CommitmentResolveSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(
        choices=[(CommitmentStatus.KEPT, "Kept"), (CommitmentStatus.CANCELLED, "Cancelled")]
    )
    note = serializers.CharField(max_length=1000, allow_blank=True, default="")


class CommitmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Commitment]
):
    """Promises made to residents (C7): mine, or my department's for supervisors."""

    permission_classes = [IsStaffMember]
    serializer_class = CommitmentSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self) -> QuerySet[Commitment]:
        if getattr(self, "swagger_fake_view", False):
            return Commitment.objects.none()
        return selectors.commitments_visible_to(_user(self.request)).order_by("due_at", "pk")

    @extend_schema(request=CommitmentResolveSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"], serializer_class=CommitmentResolveSerializer)
    def resolve(self, request: Request, pk: str) -> Response:
        body = validated(CommitmentResolveSerializer, request.data)
        resolved = services.commitment_resolve(
            commitment=self.get_object(), actor=_user(request), **body
        )
        return Response(CommitmentSerializer(resolved).data)
