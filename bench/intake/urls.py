"""civic311's URLs plus /bench/floor: the cheapest DRF create there is, to compare against."""

from typing import Any

from django.db import connection
from django.urls import include, path
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

_TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_floor "
    "(id bigserial PRIMARY KEY, service text, description text, lat float8, long float8)"
)


class FloorSerializer(serializers.Serializer[dict[str, Any]]):
    service_code = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=4000, allow_blank=True, default="")
    lat = serializers.FloatField()
    long = serializers.FloatField()


class FloorCreateView(APIView):
    """Validate the same form fields and insert one row: no routing, no history, no checks."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    def post(self, request: Request) -> Response:
        serializer = FloorSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_floor (service, description, lat, long) "
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
    path("", include("civic311.urls")),
]
