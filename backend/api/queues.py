"""A department's work queue over the staff API: the queue with its counts, claiming the next
request, and changing the status of several requests at once."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import CourtesyOverrideReasonField, StrictCharField
from api.permissions import request_user
from api.serializers import ServiceRequestDetailSerializer, ServiceRequestSerializer
from api.validation import validated
from core.errors import InvalidInput
from core.models import Department, WorkUnit
from intake import policies, selectors
from intake.limits import MAX_NOTE
from intake.models import ServiceRequest
from intake.statuses import Status
from work import selectors as work_selectors
from work import services as work_services


class QueueCountsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    overdue = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    unassigned = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())


class QueueItemSerializer(ServiceRequestSerializer):
    at_risk = serializers.SerializerMethodField()

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "at_risk"]
        read_only_fields = fields

    def get_at_risk(self, obj: ServiceRequest) -> bool:
        return bool(getattr(obj, "at_risk", False))  # annotated by the queue selector


class ClaimNextSerializer(serializers.Serializer[dict[str, Any]]):
    unit = serializers.SlugField(required=False, allow_null=True, default=None)


class BulkStatusSerializer(serializers.Serializer[dict[str, Any]]):
    requests = serializers.ListField(child=serializers.CharField(max_length=20), max_length=200)
    status = serializers.ChoiceField(choices=Status.choices)
    note = StrictCharField(max_length=MAX_NOTE, allow_blank=True, default="")
    courtesy_override_reason = CourtesyOverrideReasonField()


def _queue_scope(request: Request, department_slug: str, unit_slug: str | None) -> Any:
    user = request_user(request)
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

    serializer_class = QueueItemSerializer
    pagination_class = LimitOffsetPagination
    queryset = ServiceRequest.objects.none()  # the queue is built per department in get()

    @extend_schema(
        parameters=[OpenApiParameter("unit", str, description="Work unit slug")],
        responses=inline_serializer(
            "Queue",
            {
                "counts": QueueCountsSerializer(),
                "count": serializers.IntegerField(),
                "results": QueueItemSerializer(many=True),
            },
        ),
    )
    def get(self, request: Request, department: str) -> Response:
        _, scope, unit = _queue_scope(request, department, request.query_params.get("unit"))
        counts = work_selectors.queue_counts(department=scope, unit=unit)
        page = self.paginate_queryset(work_selectors.queue_requests(department=scope, unit=unit))
        return Response(
            {
                "counts": QueueCountsSerializer(counts).data,
                "count": counts.total,
                "results": QueueItemSerializer(page, many=True).data,
            }
        )


class ClaimNextView(APIView):
    @extend_schema(
        request=ClaimNextSerializer,
        responses={200: ServiceRequestDetailSerializer, 204: None},
    )
    def post(self, request: Request, department: str) -> Response:
        body = validated(ClaimNextSerializer, request.data)
        user, scope, unit = _queue_scope(request, department, body["unit"])
        claimed = work_services.queue_claim_next(actor=user, department=scope, unit=unit)
        if claimed is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        instance = selectors.service_request_with_timeline(
            ServiceRequest.objects.select_related("service", "department", "unit", "assignee")
        ).get(pk=claimed.pk)
        return Response(ServiceRequestDetailSerializer(instance).data)


class BulkStatusView(APIView):
    @extend_schema(request=BulkStatusSerializer, responses=ServiceRequestSerializer(many=True))
    def post(self, request: Request) -> Response:
        body = validated(BulkStatusSerializer, request.data)
        changed = work_services.requests_bulk_change_status(
            actor=request_user(request),
            public_ids=body["requests"],
            to_status=body["status"],
            note=body["note"],
            courtesy_override_reason=body["courtesy_override_reason"],
        )
        return Response(ServiceRequestSerializer(changed, many=True).data)
