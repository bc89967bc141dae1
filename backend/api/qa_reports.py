"""QA reports and reference for staff: scorecards, C12 patterns, sample sizes, the rubric's
wording, checking a text before sending it, reviewer workload."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsStaffMember
from api.permissions import request_user as _user
from api.validation import validated
from core.dbrouter import reading_from_replica
from qa import policies, selectors, statistics, workspace
from qa.screener import screen


class ReportParams(serializers.Serializer[dict[str, Any]]):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    by = serializers.ChoiceField(
        choices=["agent", "department", "service", "month"], default="agent"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        end: date = attrs.get("end") or timezone.localdate()
        start: date = attrs.get("start") or end - timedelta(days=90)
        if start > end:
            raise serializers.ValidationError({"start": "Start must be before end."})
        return {**attrs, "start": start, "end": end}


REPORT_PARAMS = [
    OpenApiParameter("start", str, description="First day (default: 90 days ago)"),
    OpenApiParameter("end", str, description="Last day (default: today)"),
    OpenApiParameter(
        "by",
        str,
        description="agent | department (scorecards); service | department | month (patterns)",
    ),
]


def _report_params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = validated(ReportParams, request.query_params)
    return params


class ScorecardView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(parameters=REPORT_PARAMS, responses=OpenApiTypes.OBJECT)
    @reading_from_replica()
    def get(self, request: Request) -> Response:
        user = _user(request)
        params = _report_params(request)
        by = params["by"] if params["by"] in ("agent", "department") else "agent"
        cards = selectors.scorecards_visible_to(
            user, start=params["start"], end=params["end"], by=by
        )
        trend = selectors.pass_rate_trend(start=params["start"], end=params["end"])
        return Response(
            {
                "start": params["start"],
                "end": params["end"],
                "by": by,
                "scorecards": cards,
                "trend": trend if policies.sees_team_reports(user) else [],
            }
        )


class PatternView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(parameters=REPORT_PARAMS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        user = _user(request)
        if not policies.sees_team_reports(user):
            raise PermissionDenied("Pattern reports are for supervisors and QA.")
        params = _report_params(request)
        by = params["by"] if params["by"] in ("service", "department", "month") else "service"
        return Response(
            {
                "by": by,
                "rows": selectors.pattern_report(start=params["start"], end=params["end"], by=by),
            }
        )


class SampleSizeParams(serializers.Serializer[dict[str, Any]]):
    margin = serializers.FloatField(min_value=0.005, max_value=0.5)
    population = serializers.IntegerField(min_value=1, required=False)
    confidence = serializers.FloatField(min_value=0.5, max_value=0.999, default=0.95)


class SampleSizeView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("margin", float, required=True),
            OpenApiParameter("population", int),
            OpenApiParameter("confidence", float),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        params = validated(SampleSizeParams, request.query_params)
        return Response(
            {
                **params,
                "reviews_needed": statistics.sample_size(**params),
            }
        )


class RubricParams(serializers.Serializer[dict[str, Any]]):
    version = serializers.CharField(max_length=40, required=False)


class RubricView(APIView):
    """The rubric's wording: every item with its C-id, scale, weight and critical flag."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        parameters=[OpenApiParameter("version", str, description="Default: the active one")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        params = validated(RubricParams, request.query_params)
        return Response(workspace.rubric_as_dict(params.get("version")))


class ScreenSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(max_length=20000, trim_whitespace=False)
    kind = serializers.ChoiceField(
        choices=["public_note", "internal_note", "call_notes", "message"], default="public_note"
    )


class ScreenView(APIView):
    """Check a text before sending it: the flags with suggestions, the politeness (0-1) and,
    when it reads as curt, a hint. Nothing is stored."""

    permission_classes = [IsStaffMember]

    @extend_schema(request=ScreenSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        body = validated(ScreenSerializer, request.data)
        return Response(screen(body["text"], kind=body["kind"]).as_dict())


class WorkloadView(APIView):
    """Reviewer workload: open, overdue, drafts, submitted in 30 days, disputed."""

    permission_classes = [IsStaffMember]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        if not policies.sees_team_reports(_user(request)):
            raise PermissionDenied("The workload report is for supervisors and QA.")
        return Response({"reviewers": workspace.reviewer_workload()})
