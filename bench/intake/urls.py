"""civic311's URLs plus two floors to compare intake against.

/bench/floor is the floor the issue names: a bare DRF create view (CreateAPIView with a
ModelSerializer) that validates the same form fields and inserts one row. /bench/floor-sql
is stricter still: a plain serializer and one hand-written INSERT, no model at all.
"""

from typing import Any

from django.db import connection
from django.urls import include, path
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.intake.models import FloorRequest

_TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_floor "
    "(id bigserial PRIMARY KEY, service_code text, description text, lat float8, long float8)"
)


class FloorModelSerializer(serializers.ModelSerializer[FloorRequest]):
    class Meta:
        model = FloorRequest
        fields = ["id", "service_code", "description", "lat", "long"]


class FloorCreateView(generics.CreateAPIView[FloorRequest]):
    """DRF's own create view: validate, insert one row, answer 201. No routing, no checks."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    serializer_class = FloorModelSerializer


class FloorSerializer(serializers.Serializer[dict[str, Any]]):
    service_code = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=4000, allow_blank=True, default="")
    lat = serializers.FloatField()
    long = serializers.FloatField()


class FloorSqlCreateView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    def post(self, request: Request) -> Response:
        serializer = FloorSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_floor (service_code, description, lat, long) "
                "VALUES (%s, %s, %s, %s) RETURNING id",
                [data["service_code"], data["description"], data["lat"], data["long"]],
            )
            (row_id,) = cursor.fetchone() or (0,)
        return Response({"id": row_id}, status=status.HTTP_201_CREATED)


def create_floor_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(_TABLE_SQL)


urlpatterns = [
    path("bench/floor", FloorCreateView.as_view()),
    path("bench/floor-sql", FloorSqlCreateView.as_view()),
    path("", include("civic311.urls")),
]
