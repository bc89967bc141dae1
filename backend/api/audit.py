"""The audit trail per request and per person, and the caller lookup, for staff clients."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api import serializers as s
from api.calls import CommitmentSerializer
from api.permissions import IsStaffMember, request_user
from api.validation import validated
from audit import policies as audit_policies
from audit import selectors as audit_selectors
from intake import policies
from intake.models import ServiceRequest
from interactions import selectors as interaction_selectors


class AuditEntrySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    origin = serializers.CharField(source="source", help_text="history, admin, api, staff")
    action = serializers.CharField()
    target = serializers.CharField()
    changes = serializers.DictField()
    note = serializers.CharField()
    public = serializers.BooleanField()


class UserAuditQuerySerializer(serializers.Serializer[dict[str, Any]]):
    since = serializers.DateTimeField(required=False, default=None)


class RequestAuditView(APIView):
    """Everything done to one request, newest first: its history and any admin edits."""

    permission_classes = [IsStaffMember]

    @extend_schema(responses=AuditEntrySerializer(many=True))
    def get(self, request: Request, id: str) -> Response:
        service_request = ServiceRequest.objects.filter(public_id=id).first()
        if service_request is None:
            raise NotFound("No request with this reference.")
        policies.ensure(
            audit_policies.can_read_request_audit(request_user(request), service_request),
            "Only supervisors of the owning department and administrators see the audit trail.",
        )
        entries = audit_selectors.audit_trail_for_request(service_request)
        return Response(AuditEntrySerializer(entries, many=True).data)


class UserAuditView(APIView):
    """Everything one member of staff changed, newest first."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=[UserAuditQuerySerializer], responses=AuditEntrySerializer(many=True))
    def get(self, request: Request, username: str) -> Response:
        query = validated(UserAuditQuerySerializer, request.query_params)
        subject = User.objects.filter(username=username).first()
        if subject is None:
            raise NotFound("No member of staff with this username.")
        policies.ensure(
            audit_policies.can_read_user_audit(request_user(request), subject),
            "Only their supervisors and administrators see a person's audit trail.",
        )
        entries = audit_selectors.audit_trail_for_user(subject, since=query["since"])
        return Response(AuditEntrySerializer(entries, many=True).data)


class CallerQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        max_length=200,
        help_text="A phone number in any format, a name, an email, an address or a reference.",
    )


class CallerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class CallerLookupSerializer(serializers.Serializer[Any]):
    query = serializers.CharField()
    searched_by = serializers.ListField(child=serializers.CharField())
    callers = CallerSerializer(many=True)
    open_requests = s.ServiceRequestSerializer(many=True)
    recent_requests = s.ServiceRequestSerializer(many=True)
    open_commitments = CommitmentSerializer(many=True)
    more_requests = serializers.BooleanField(
        help_text="More requests match than are listed (the most recent are): narrow the "
        "search with a first name, a phone number, an email or a reference."
    )


class CallerLookupView(APIView):
    """Find a caller: their open and recent requests and the promises still open to them."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=[CallerQuerySerializer], responses=CallerLookupSerializer)
    def get(self, request: Request) -> Response:
        query = validated(CallerQuerySerializer, request.query_params)
        found = interaction_selectors.caller_lookup(user=request_user(request), query=query["q"])
        return Response(CallerLookupSerializer(found).data)
