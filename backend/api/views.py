"""Staff API views: thin, they validate input and call the domain's services and selectors."""

from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.models import User
from api import serializers as s
from api.audited import AuditedWritesMixin
from api.filters import ServiceRequestFilter
from api.permissions import CanSeeServiceRequest, IsSupervisorOrAdmin, ReadForStaffWriteForAdmins
from api.validation import validated
from core.dbrouter import reading_from_replica
from core.errors import InvalidInput
from core.models import Area, Department, WorkUnit
from intake import policies, selectors, services
from intake.commands import point_from
from intake.models import Service, ServiceRequest
from notifications import selectors as notification_selectors
from notifications.models import OutboxMessage, ServiceRecoveryTask
from routing_adapter import selectors as routing_selectors
from work import reports as work_reports
from work import selectors as work_selectors
from work import services as work_services


def _staff_user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the permission classes
    return user


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
        user = _staff_user(self.request)
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
        user = _staff_user(request)
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
        user = _staff_user(request)
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
        user = _staff_user(request)
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
        user = _staff_user(request)
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
        user = _staff_user(request)
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
            actor=_staff_user(request),
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
            actor=_staff_user(request),
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
            service_request=service_request, actor=_staff_user(request), **serializer
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
            visible_to=_staff_user(request),
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


def _queue_scope(request: Request, department_slug: str, unit_slug: str | None) -> Any:
    user = _staff_user(request)
    department = Department.objects.filter(slug=department_slug).first()
    if department is None:
        raise NotFound(f"No department {department_slug!r}.")
    if not policies.works_for(user, department.pk):
        raise DRFPermissionDenied("This queue belongs to another department.")
    unit = None
    if unit_slug:
        unit = WorkUnit.objects.filter(department=department, slug=unit_slug).first()
        if unit is None:
            raise InvalidInput.field("unit", f"{department.name} has no unit {unit_slug!r}.")
    return user, department, unit


class QueueView(generics.GenericAPIView[ServiceRequest]):
    """A department's (or unit's) open requests, most urgent first, with counts."""

    serializer_class = s.QueueItemSerializer
    pagination_class = LimitOffsetPagination
    queryset = ServiceRequest.objects.none()  # the queue is built per department in get()

    @extend_schema(
        parameters=[OpenApiParameter("unit", str, description="Work unit slug")],
        responses=inline_serializer(
            "Queue",
            {
                "counts": s.QueueCountsSerializer(),
                "count": serializers.IntegerField(),
                "results": s.QueueItemSerializer(many=True),
            },
        ),
    )
    def get(self, request: Request, department: str) -> Response:
        _, scope, unit = _queue_scope(request, department, request.query_params.get("unit"))
        counts = work_selectors.queue_counts(department=scope, unit=unit)
        page = self.paginate_queryset(work_selectors.queue_requests(department=scope, unit=unit))
        return Response(
            {
                "counts": s.QueueCountsSerializer(counts).data,
                "count": counts.total,
                "results": s.QueueItemSerializer(page, many=True).data,
            }
        )


class ClaimNextView(APIView):
    @extend_schema(
        request=s.ClaimNextSerializer,
        responses={200: s.ServiceRequestDetailSerializer, 204: None},
    )
    def post(self, request: Request, department: str) -> Response:
        body = validated(s.ClaimNextSerializer, request.data)
        user, scope, unit = _queue_scope(request, department, body["unit"])
        claimed = work_services.queue_claim_next(actor=user, department=scope, unit=unit)
        if claimed is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        instance = selectors.service_request_with_timeline(
            ServiceRequest.objects.select_related("service", "department", "unit", "assignee")
        ).get(pk=claimed.pk)
        return Response(s.ServiceRequestDetailSerializer(instance).data)


class BulkStatusView(APIView):
    @extend_schema(request=s.BulkStatusSerializer, responses=s.ServiceRequestSerializer(many=True))
    def post(self, request: Request) -> Response:
        body = validated(s.BulkStatusSerializer, request.data)
        changed = work_services.requests_bulk_change_status(
            actor=_staff_user(request),
            public_ids=body["requests"],
            to_status=body["status"],
            note=body["note"],
            courtesy_override_reason=body["courtesy_override_reason"],
        )
        return Response(s.ServiceRequestSerializer(changed, many=True).data)


def _scoped_to_user(user: User, queryset: Any, department_field: str) -> Any:
    if user.is_city_admin:
        return queryset
    return queryset.filter(**{f"{department_field}__in": user.departments.all()})


class DeliveryFailuresView(generics.ListAPIView[OutboxMessage]):
    """Messages that could not be delivered, or are long overdue: never silently dropped."""

    permission_classes = [IsSupervisorOrAdmin]
    serializer_class = s.DeliverySerializer
    pagination_class = LimitOffsetPagination
    queryset = OutboxMessage.objects.none()

    def get_queryset(self) -> Any:
        return notification_selectors.delivery_failures_visible_to(_staff_user(self.request))


class RecoveryTaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ServiceRecoveryTask]):
    """C9: service-recovery contacts a supervisor owes residents."""

    permission_classes = [IsSupervisorOrAdmin]
    serializer_class = s.RecoveryTaskSerializer
    queryset = ServiceRecoveryTask.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self) -> Any:
        tasks = ServiceRecoveryTask.objects.select_related("request", "request__department")
        return _scoped_to_user(_staff_user(self.request), tasks, "request__department")

    @extend_schema(request=s.RecoveryDoneSerializer, responses=s.RecoveryTaskSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.RecoveryDoneSerializer)
    def done(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        body = validated(s.RecoveryDoneSerializer, request.data)
        finished = work_services.recovery_task_complete(
            task=task, actor=_staff_user(request), outcome=body["outcome"]
        )
        return Response(s.RecoveryTaskSerializer(finished).data)


class PerformanceReportView(APIView):
    """Volume, times to acknowledge and resolve, promises kept, transfers, reopenings,
    satisfaction and delivery failures, by department or service, for a period."""

    permission_classes = [IsSupervisorOrAdmin]

    @extend_schema(
        parameters=[s.ReportQuerySerializer],
        responses=s.PerformanceRowSerializer(many=True),
    )
    @reading_from_replica()
    def get(self, request: Request) -> Response:
        query = validated(s.ReportQuerySerializer, request.query_params)
        return Response(work_reports.performance_report(**query))


class PerformanceReportCsvView(APIView):
    """The performance report as a CSV file, same query and numbers."""

    permission_classes = [IsSupervisorOrAdmin]

    @extend_schema(parameters=[s.ReportQuerySerializer], responses={(200, "text/csv"): str})
    def get(self, request: Request) -> HttpResponse:
        query = validated(s.ReportQuerySerializer, request.query_params)
        rows = work_reports.performance_report(**query)
        body = work_reports.performance_report_csv(rows, group_by=query["group_by"])
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        filename = f"performance-by-{query['group_by']}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class MisroutesView(generics.ListAPIView[Any]):
    """Routing rules whose requests were transferred away, most transfers first."""

    permission_classes = [IsSupervisorOrAdmin]
    serializer_class = s.MisrouteSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return routing_selectors.misroutes_by_rule()


class RoutingProposalsView(APIView):
    """New owners proposed by transfers (the other side of the misroutes report), with their
    evidence and the rules adopted from them."""

    permission_classes = [IsSupervisorOrAdmin]

    @extend_schema(responses=s.RoutingProposalSerializer(many=True))
    def get(self, request: Request) -> Response:
        proposals = routing_selectors.routing_proposals()
        return Response(s.RoutingProposalSerializer(cast(Any, proposals), many=True).data)


class ServiceViewSet(AuditedWritesMixin, viewsets.ModelViewSet[Service]):
    """The service catalogue. Attributes are edited in the admin."""

    permission_classes = [ReadForStaffWriteForAdmins]
    serializer_class = s.ServiceSerializer
    lookup_field = "code"
    pagination_class = None
    queryset = Service.objects.select_related("default_department").prefetch_related("attributes")
    filterset_fields = ["group", "is_active"]


class DepartmentViewSet(AuditedWritesMixin, viewsets.ModelViewSet[Department]):
    permission_classes = [ReadForStaffWriteForAdmins]
    serializer_class = s.DepartmentSerializer
    lookup_field = "slug"
    pagination_class = None
    queryset = Department.objects.prefetch_related("units")
    filterset_fields = ["is_active"]


class AreaViewSet(AuditedWritesMixin, viewsets.ModelViewSet[Area]):
    permission_classes = [ReadForStaffWriteForAdmins]
    serializer_class = s.AreaSerializer
    pagination_class = LimitOffsetPagination
    queryset = Area.objects.all()
    filterset_fields = ["kind"]
