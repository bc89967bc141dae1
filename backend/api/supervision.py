"""What supervisors watch over the staff API: failed deliveries, service-recovery tasks (C9),
the performance report, and routing's misroutes and proposals."""

from typing import Any, cast

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.permissions import IsSupervisorOrAdmin, request_user
from api.serializers import DeliverySerializer
from api.validation import validated
from core.dbrouter import reading_from_replica
from intake.limits import MAX_NOTE
from notifications import selectors as notification_selectors
from notifications.models import OutboxMessage, ServiceRecoveryTask
from routing_adapter import selectors as routing_selectors
from work import reports as work_reports
from work import services as work_services


class MisrouteSerializer(serializers.Serializer[dict[str, Any]]):
    rule = serializers.CharField(source="routed_by_rule")
    department = serializers.CharField(source="from_department__slug")
    transfers = serializers.IntegerField()
    requests = serializers.IntegerField()


class RoutingProposalSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    service = serializers.CharField()
    department = serializers.CharField()
    when = serializers.DictField(child=serializers.CharField())
    outcomes = serializers.IntegerField()
    contradictions = serializers.IntegerField()
    first_outcome_at = serializers.DateTimeField(allow_null=True)
    last_outcome_at = serializers.DateTimeField(allow_null=True)
    adopted_rules = serializers.ListField(child=serializers.CharField())


class RecoveryTaskSerializer(serializers.ModelSerializer[ServiceRecoveryTask]):
    request = serializers.CharField(source="request.public_id", read_only=True)
    department = serializers.CharField(source="request.department.slug", read_only=True)

    class Meta:
        model = ServiceRecoveryTask
        fields = [
            "id",
            "request",
            "department",
            "reason",
            "status",
            "created_at",
            "done_at",
            "outcome",
        ]
        read_only_fields = fields


class RecoveryDoneSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.CharField(max_length=MAX_NOTE)


class ReportQuerySerializer(serializers.Serializer[dict[str, Any]]):
    group_by = serializers.ChoiceField(choices=["department", "service"], default="department")
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": "Must be after since."})
        return attrs


class PerformanceRowSerializer(serializers.Serializer[dict[str, Any]]):
    department = serializers.CharField(required=False)
    service = serializers.CharField(required=False)
    volume = serializers.IntegerField()
    acknowledge_median_hours = serializers.FloatField(allow_null=True)
    acknowledge_p90_hours = serializers.FloatField(allow_null=True)
    resolve_median_hours = serializers.FloatField(allow_null=True)
    resolve_p90_hours = serializers.FloatField(allow_null=True)
    within_promise_share = serializers.FloatField(allow_null=True)
    broken_promises = serializers.IntegerField()
    transfers_per_request = serializers.FloatField(allow_null=True)
    reopen_rate = serializers.FloatField(allow_null=True)
    satisfaction_mean = serializers.FloatField(allow_null=True)
    survey_answers = serializers.IntegerField()
    not_courteous = serializers.IntegerField()
    delivery_failures = serializers.IntegerField()


def _scoped_to_user(user: User, queryset: Any, department_field: str) -> Any:
    if user.is_city_admin:
        return queryset
    return queryset.filter(**{f"{department_field}__in": user.departments.all()})


class DeliveryFailuresView(generics.ListAPIView[OutboxMessage]):
    """Messages that could not be delivered, or are long overdue: never silently dropped."""

    permission_classes = [IsSupervisorOrAdmin]
    serializer_class = DeliverySerializer
    pagination_class = LimitOffsetPagination
    queryset = OutboxMessage.objects.none()

    def get_queryset(self) -> Any:
        return notification_selectors.delivery_failures_visible_to(request_user(self.request))


class RecoveryTaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ServiceRecoveryTask]):
    """C9: service-recovery contacts a supervisor owes residents."""

    permission_classes = [IsSupervisorOrAdmin]
    serializer_class = RecoveryTaskSerializer
    queryset = ServiceRecoveryTask.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self) -> Any:
        tasks = ServiceRecoveryTask.objects.select_related("request", "request__department")
        return _scoped_to_user(request_user(self.request), tasks, "request__department")

    @extend_schema(request=RecoveryDoneSerializer, responses=RecoveryTaskSerializer)
    @action(detail=True, methods=["post"], serializer_class=RecoveryDoneSerializer)
    def done(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        body = validated(RecoveryDoneSerializer, request.data)
        finished = work_services.recovery_task_complete(
            task=task, actor=request_user(request), outcome=body["outcome"]
        )
        return Response(RecoveryTaskSerializer(finished).data)


class PerformanceReportView(APIView):
    """Volume, times to acknowledge and resolve, promises kept, transfers, reopenings,
    satisfaction and delivery failures, by department or service, for a period."""

    permission_classes = [IsSupervisorOrAdmin]

    @extend_schema(
        parameters=[ReportQuerySerializer],
        responses=PerformanceRowSerializer(many=True),
    )
    @reading_from_replica()
    def get(self, request: Request) -> Response:
        query = validated(ReportQuerySerializer, request.query_params)
        return Response(work_reports.performance_report(**query))


class PerformanceReportCsvView(APIView):
    """The performance report as a CSV file, same query and numbers."""

    permission_classes = [IsSupervisorOrAdmin]

    @extend_schema(parameters=[ReportQuerySerializer], responses={(200, "text/csv"): str})
    def get(self, request: Request) -> HttpResponse:
        query = validated(ReportQuerySerializer, request.query_params)
        rows = work_reports.performance_report(**query)
        body = work_reports.performance_report_csv(rows, group_by=query["group_by"])
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        filename = f"performance-by-{query['group_by']}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class MisroutesView(generics.ListAPIView[Any]):
    """Routing rules whose requests were transferred away, most transfers first."""

    permission_classes = [IsSupervisorOrAdmin]
    serializer_class = MisrouteSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return routing_selectors.misroutes_by_rule()


class RoutingProposalsView(APIView):
    """New owners proposed by transfers (the other side of the misroutes report), with their
    evidence and the rules adopted from them."""

    permission_classes = [IsSupervisorOrAdmin]

    @extend_schema(responses=RoutingProposalSerializer(many=True))
    def get(self, request: Request) -> Response:
        proposals = routing_selectors.routing_proposals()
        return Response(RoutingProposalSerializer(cast(Any, proposals), many=True).data)
