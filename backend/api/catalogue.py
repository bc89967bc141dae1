"""The service catalogue over the staff API: departments and their units, services and their
attributes, areas. Staff read it; city administrators edit it (audited)."""

from typing import Any

from django.contrib.gis.geos import MultiPolygon, Polygon
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.pagination import LimitOffsetPagination
from rest_framework_gis.fields import GeometryField

from api.audited import AuditedWritesMixin
from api.fields import SlugLookupField
from api.permissions import ReadForStaffWriteForAdmins
from core.models import Area, Department, WorkUnit, calendar_errors
from intake.models import MAX_SERVICE_TARGET, Service, ServiceAttribute


class WorkUnitSerializer(serializers.ModelSerializer[WorkUnit]):
    class Meta:
        model = WorkUnit
        fields = ["id", "slug", "name", "is_active"]


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    units = WorkUnitSerializer(many=True, read_only=True)

    class Meta:
        model = Department
        fields = [
            "slug",
            "name",
            "public_name",
            "email",
            "phone",
            "working_days",
            "day_starts_at",
            "day_ends_at",
            "is_active",
            "units",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A partial update is checked against the values it leaves as they are.
        def value(name: str) -> Any:
            if name in attrs:
                return attrs[name]
            if self.instance is not None:
                return getattr(self.instance, name)
            return getattr(Department(), name)  # the model's default

        errors = calendar_errors(
            working_days=value("working_days"),
            day_starts_at=value("day_starts_at"),
            day_ends_at=value("day_ends_at"),
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ServiceAttributeSerializer(serializers.ModelSerializer[ServiceAttribute]):
    class Meta:
        model = ServiceAttribute
        fields = [
            "code",
            "description",
            "datatype",
            "datatype_description",
            "required",
            "variable",
            "order",
            "values",
        ]


# "Service" + the request-body suffix would collide with ServiceRequest in the schema.
@extend_schema_serializer(component_name="CatalogueService")
class ServiceSerializer(serializers.ModelSerializer[Service]):
    attributes = ServiceAttributeSerializer(many=True, read_only=True)
    default_department = SlugLookupField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "description",
            "group",
            "keywords",
            "type",
            "default_department",
            "target_value",
            "target_unit",
            "is_active",
            "attributes",
        ]
        extra_kwargs = {"target_value": {"max_value": MAX_SERVICE_TARGET}}


class AreaSerializer(serializers.ModelSerializer[Area]):
    geometry = GeometryField()

    class Meta:
        model = Area
        fields = ["id", "slug", "name", "kind", "agency", "geometry"]

    def validate_geometry(self, value: Any) -> Any:
        if isinstance(value, Polygon):
            value = MultiPolygon(value, srid=value.srid)
        if not isinstance(value, MultiPolygon):
            raise serializers.ValidationError("Give a Polygon or MultiPolygon.")
        if value.srid in (None, 0):
            value.srid = 4326
        if not value.valid:
            raise serializers.ValidationError(f"Invalid geometry: {value.valid_reason}.")
        return value


class ServiceViewSet(AuditedWritesMixin, viewsets.ModelViewSet[Service]):
    """The service catalogue. Attributes are edited in the admin."""

    permission_classes = [ReadForStaffWriteForAdmins]
    serializer_class = ServiceSerializer
    lookup_field = "code"
    pagination_class = None
    queryset = Service.objects.select_related("default_department").prefetch_related("attributes")
    filterset_fields = ["group", "is_active"]


class DepartmentViewSet(AuditedWritesMixin, viewsets.ModelViewSet[Department]):
    permission_classes = [ReadForStaffWriteForAdmins]
    serializer_class = DepartmentSerializer
    lookup_field = "slug"
    pagination_class = None
    queryset = Department.objects.prefetch_related("units")
    filterset_fields = ["is_active"]


class AreaViewSet(AuditedWritesMixin, viewsets.ModelViewSet[Area]):
    permission_classes = [ReadForStaffWriteForAdmins]
    serializer_class = AreaSerializer
    pagination_class = LimitOffsetPagination
    queryset = Area.objects.all()
    filterset_fields = ["kind"]
