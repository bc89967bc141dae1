"""Filters for the staff request list. Malformed values fail form validation: a 400, never a 500."""

from typing import Any

import django_filters as filters
from django import forms
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import User
from core.models import Department, WorkUnit
from intake.commands import point_from
from intake.models import Channel, Priority, Service, ServiceRequest
from intake.selectors import service_requests_overdue
from intake.statuses import Status

MAX_NEAR_RADIUS_M = 50_000


def _floats(value: str, count: int, example: str) -> list[float]:
    parts = [p.strip() for p in value.split(",")]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise forms.ValidationError(f"Expected {count} numbers, like {example}.") from None
    if len(numbers) != count or any(n != n or n in (float("inf"), float("-inf")) for n in numbers):
        raise forms.ValidationError(f"Expected {count} numbers, like {example}.")
    return numbers


def _check_lat_lon(lat: float, lon: float) -> None:
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise forms.ValidationError("Latitude must be within ±90 and longitude within ±180.")


class BBoxField(forms.Field):
    """min_lon,min_lat,max_lon,max_lat in WGS84."""

    def to_python(self, value: Any) -> Polygon | None:
        text = str(value or "").strip()
        if not text:
            return None
        min_lon, min_lat, max_lon, max_lat = _floats(text, 4, "-89.5,43.0,-89.3,43.1")
        _check_lat_lon(min_lat, min_lon)
        _check_lat_lon(max_lat, max_lon)
        if min_lon >= max_lon or min_lat >= max_lat:
            raise forms.ValidationError("The box's minimum must be below its maximum.")
        polygon = Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))
        polygon.srid = 4326
        return polygon


class NearField(forms.Field):
    """lat,lon,radius in metres."""

    def to_python(self, value: Any) -> tuple[Point, float] | None:
        text = str(value or "").strip()
        if not text:
            return None
        lat, lon, radius = _floats(text, 3, "43.07,-89.40,250")
        _check_lat_lon(lat, lon)
        if not 0 < radius <= MAX_NEAR_RADIUS_M:
            raise forms.ValidationError(
                f"The radius must be between 0 and {MAX_NEAR_RADIUS_M} metres."
            )
        return point_from(lat, lon), radius


class BBoxFilter(filters.Filter):
    field_class = BBoxField


class NearFilter(filters.Filter):
    field_class = NearField


@extend_schema_field(OpenApiTypes.STR)
class SlugMultipleChoiceFilter(filters.ModelMultipleChoiceFilter):
    """Repeatable ?service=pothole&service=graffiti filter on a related object's slug or code."""


class ServiceRequestFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    service = SlugMultipleChoiceFilter(
        field_name="service__code", to_field_name="code", queryset=Service.objects.all()
    )
    department = SlugMultipleChoiceFilter(
        field_name="department__slug", to_field_name="slug", queryset=Department.objects.all()
    )
    unit = filters.ModelChoiceFilter(field_name="unit", queryset=WorkUnit.objects.all())
    assignee = filters.ModelChoiceFilter(
        field_name="assignee", to_field_name="username", queryset=User.objects.all()
    )
    channel = filters.MultipleChoiceFilter(choices=Channel.choices)
    priority = filters.MultipleChoiceFilter(choices=Priority.choices)
    created = filters.IsoDateTimeFromToRangeFilter(field_name="created_at")
    updated = filters.IsoDateTimeFromToRangeFilter(field_name="updated_at")
    # A strict choice: "overdue=maybe" is an error, not a silently ignored filter.
    overdue = filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda v: v == "true",
        method="filter_overdue",
        label="Open and past the promised date",
    )
    bbox = BBoxFilter(method="filter_bbox", label="min_lon,min_lat,max_lon,max_lat")
    near = NearFilter(method="filter_near", label="lat,lon,radius_in_metres")
    text = filters.CharFilter(
        method="filter_text",
        max_length=200,
        label="Words in the description or address, or a request id",
    )

    class Meta:
        model = ServiceRequest
        fields: list[str] = []

    def filter_overdue(
        self, queryset: QuerySet[ServiceRequest], name: str, value: bool
    ) -> QuerySet[ServiceRequest]:
        return service_requests_overdue(queryset, value)

    def filter_bbox(
        self, queryset: QuerySet[ServiceRequest], name: str, value: Polygon
    ) -> QuerySet[ServiceRequest]:
        return queryset.filter(location__coveredby=value)

    def filter_near(
        self, queryset: QuerySet[ServiceRequest], name: str, value: tuple[Point, float]
    ) -> QuerySet[ServiceRequest]:
        point, radius = value
        return queryset.filter(location__dwithin=(point, D(m=radius)))

    def filter_text(
        self, queryset: QuerySet[ServiceRequest], name: str, value: str
    ) -> QuerySet[ServiceRequest]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value) | Q(address__icontains=value) | Q(public_id=value)
        )
