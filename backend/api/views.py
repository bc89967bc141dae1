"""Staff API views on service requests: thin, they validate input and call the domain's services
and selectors. The catalogue, queues and supervisors' views are in their own modules."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from api import serializers as s
from api.filters import ServiceRequestFilter
from api.permissions import CanSeeServiceRequest, request_user
from api.validation import validated
from core.errors import InvalidInput
from core.models import WorkUnit
from intake import policies, selectors, services
from intake.commands import point_from
from intake.models import ServiceRequest
from routing_adapter import selectors as routing_selectors


class ServiceRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ServiceRequest]
):
    """Service requests. Department staff see and act on their own department's requests."""

    permission_classes = [CanSeeServiceRequest]
    filterset_class = ServiceRequestFilter
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[0-9A-Za-z-]+"

    def get_queryset(self) -> QuerySet[ServiceRequest]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ServiceRequest.objects.none()
        user = request_user(self.request)
        if self.action == "list":
            return selectors.service_requests_visible_to(user)
        # Single requests resolve across the city so that another department's request
        # answers 403 (it exists, it is not yours) rather than 404.
        queryset = ServiceRequest.objects.select_related(
            "service", "department", "unit", "assignee"
        )
        if self.action == "retrieve":
            return selectors.service_request_with_timeline(queryset)
        return queryset

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return s.ServiceRequestDetailSerializer
        if self.action == "create":
            return s.ServiceRequestCreateSerializer
        return s.ServiceRequestSerializer

    def _detail(self, public_id: str) -> Response:
        instance = selectors.service_request_with_timeline(
            ServiceRequest.objects.select_related("service", "department", "unit", "assignee")
        ).get(public_id=public_id)
        return Response(s.ServiceRequestDetailSerializer(instance).data)

    @extend_schema(
        request=s.ServiceRequestCreateSerializer, responses={201: s.ServiceRequestDetailSerializer}
    )
    def create(self, request: Request) -> Response:
        user = request_user(request)
        policies.ensure(policies.can_create_request(user), "You cannot log service requests.")
        data = validated(s.ServiceRequestCreateSerializer, request.data)
        created = services.service_request_submit(
            command=s.intake_command(data), actor=user
        ).service_request
        response = self._detail(created.public_id)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.StatusChangeSerializer, responses=s.ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.StatusChangeSerializer)
    def status(self, request: Request, id: str) -> Response:
        service_request = self.get_object()
        user = request_user(request)
        policies.ensure(
            policies.can_work_request(user, service_request),
            "Only the owning department can change this request's status.",
        )
        serializer = validated(s.StatusChangeSerializer, request.data)
        services.service_request_change_status(
            service_request=service_request,
            to_status=serializer["status"],
            note=serializer["note"],
            actor=user,
            courtesy_override_reason=serializer["courtesy_override_reason"],
        )
        return self._detail(service_request.public_id)

    @extend_schema(request=s.NoteSerializer, responses={201: s.ServiceRequestDetailSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.NoteSerializer)
    def notes(self, request: Request, id: str) -> Response:
        service_request = self.get_object()
        user = request_user(request)
        policies.ensure(
            policies.can_add_note(user, service_request), "You cannot add notes to this request."
        )
        serializer = validated(s.NoteSerializer, request.data)
        services.service_request_add_note(
            service_request=service_request,
            text=serializer["text"],
            public=serializer["public"],
            actor=user,
            courtesy_override_reason=serializer["courtesy_override_reason"],
        )
        response = self._detail(service_request.public_id)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.AssignSerializer, responses=s.ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.AssignSerializer)
    def assign(self, request: Request, id: str) -> Response:
        service_request = self.get_object()
        user = request_user(request)
        policies.ensure(
            policies.can_work_request(user, service_request),
            "Only the owning department can assign this request.",
        )
        serializer = validated(s.AssignSerializer, request.data)
        unit_slug, username = (
            serializer["unit"],
            serializer["assignee"],
        )
        errors: dict[str, list[str]] = {}
        unit = assignee = None
        if unit_slug:
            unit = WorkUnit.objects.filter(
                department=service_request.department, slug=unit_slug
            ).first()
            if unit is None:
                errors["unit"] = [f"{service_request.department.name} has no unit {unit_slug!r}."]
        if username:
            assignee = User.objects.filter(username=username, is_active=True).first()
            if assignee is None:
                errors["assignee"] = [f"No active staff member {username!r}."]
        if errors:
            raise InvalidInput(errors)
        services.service_request_assign(
            service_request=service_request, unit=unit, assignee=assignee, actor=user
        )
        return self._detail(service_request.public_id)

    @extend_schema(request=s.DuplicateSerializer, responses=s.ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.DuplicateSerializer)
    def duplicate(self, request: Request, id: str) -> Response:
        service_request = self.get_object()
        user = request_user(request)
        policies.ensure(
            policies.can_work_request(user, service_request),
            "Only the owning department can mark this request as a duplicate.",
        )
        serializer = validated(s.DuplicateSerializer, request.data)
        services.service_request_link_duplicate(
            service_request=service_request,
            duplicate_of=serializer["duplicate_of"],
            actor=user,
        )
        return self._detail(service_request.public_id)

    @extend_schema(request=s.TransferSerializer, responses=s.ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.TransferSerializer)
    def transfer(self, request: Request, id: str) -> Response:
        service_request = self.get_object()
        serializer = validated(s.TransferSerializer, request.data)
        services.service_request_transfer(
            service_request=service_request,
            actor=request_user(request),
            reason=serializer["reason"],
            suggested_department=serializer["suggested_department"],
            override=serializer["override"],
        )
        # The caller's department may no longer see the request; answer with what it did.
        return self._detail(service_request.public_id)

    @extend_schema(request=s.PromiseSerializer, responses=s.ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.PromiseSerializer)
    def promise(self, request: Request, id: str) -> Response:
        """C7: a new promised date with the reason, told to the resident before the old one."""
        service_request = self.get_object()
        body = validated(s.PromiseSerializer, request.data)
        services.service_request_change_promise(
            service_request=service_request,
            actor=request_user(request),
            promised_at=body["promised_at"],
            reason=body["reason"],
        )
        return self._detail(service_request.public_id)

    @extend_schema(request=s.FollowSerializer, responses={201: s.ServiceRequestDetailSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.FollowSerializer)
    def follow(self, request: Request, id: str) -> Response:
        service_request = self.get_object()
        serializer = validated(s.FollowSerializer, request.data)
        services.service_request_follow(
            service_request=service_request, actor=request_user(request), **serializer
        )
        response = self._detail(service_request.public_id)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        parameters=[s.PossibleDuplicatesQuerySerializer],
        responses=s.PossibleDuplicateSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="possible-duplicates", pagination_class=None)
    def possible_duplicates(self, request: Request) -> Response:
        """Open requests nearby for the same problem: check before logging a new one."""
        data = validated(s.PossibleDuplicatesQuerySerializer, request.query_params)
        found = selectors.service_requests_possible_duplicates(
            service=data["service"],
            location=point_from(data["lat"], data["long"]),
            visible_to=request_user(request),
        )
        return Response(s.PossibleDuplicateSerializer(found, many=True).data)

    @extend_schema(
        parameters=[s.ServiceSuggestionQuerySerializer],
        responses=s.ServiceSuggestionSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="suggest-service", pagination_class=None)
    def suggest_service(self, request: Request) -> Response:
        """The routing classifier's top three services for a caller's own words."""
        query = validated(s.ServiceSuggestionQuerySerializer, request.query_params)
        return Response(routing_selectors.service_suggestions(description=query["description"]))
