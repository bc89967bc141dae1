"""Open311 GeoReport v2 endpoints. Thin: parse, call the domain, shape the spec's fields."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    ValidationError,
)
from django.core.validators import URLValidator
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dbrouter import reading_from_replica
from core.errors import InvalidInput, RateLimited
from core.parsers import JSONObjectParser
from intake.commands import IntakeCommand, Location, LocationFields, Requester
from intake.limits import MAX_DESCRIPTION
from intake.models import Channel, ContactChannel, ServiceRequest, ServiceType
from intake.services import service_request_submit
from open311 import params, selectors
from open311.models import ApiKey
from open311.renderers import Open311JSONRenderer, Open311Negotiation, Open311XMLRenderer
from open311.services import api_key_find, api_key_touch
from open311.throttles import Open311ClientThrottle
from routing_adapter.router import current_directory

MAX_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint last changed what it answers (discovery tells clients to look again).
CHANGESET = "2026-11-30T00:00:00Z"
OPEN311_LOCATION = LocationFields(address="address_string", address_id="address_id")
MEDIA_URL = URLValidator(schemes=["http", "https"])


# The intake command's field names, as an Open311 client sent them.
OPEN311_FIELDS = {
    "attributes": "attribute",
    "service": "service_code",
    "media_urls": "media_url",
    "requester_email": "email",
    "requester_phone": "phone",
}


def _messages(errors: Any, prefix: str = "") -> list[str]:
    if isinstance(errors, dict):
        found: list[str] = []
        for name, value in errors.items():
            named = f"{prefix}[{name}]" if prefix else OPEN311_FIELDS.get(name, str(name))
            found += _messages(value, named)
        return found
    if isinstance(errors, list):
        return [m for item in errors for m in _messages(item, prefix)]
    return [f"{prefix}: {errors}" if prefix else str(errors)]


def _errors(code: int, descriptions: list[str]) -> list[dict[str, Any]]:
    return [{"code": code, "description": d} for d in descriptions]


# Open311 is documented by its own specification, not in the staff API's OpenAPI schema.
@extend_schema(exclude=True)
class Open311View(APIView):
    """Errors in the spec's shape, in the requested format; no sessions, no CSRF."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    renderer_classes = [Open311XMLRenderer, Open311JSONRenderer]
    content_negotiation_class = Open311Negotiation
    parser_classes = [FormParser, MultiPartParser, JSONObjectParser]
    throttle_classes = [Open311ClientThrottle]
    xml_root = "response"

    def check_jurisdiction(self, request: Request) -> None:
        given = params.text(request.query_params, "jurisdiction_id", max_length=200)
        if request.method == "POST" and not given:
            given = params.text(request.data, "jurisdiction_id", max_length=200)
        given = given.strip()
        if given and given != settings.CIVIC311_OPEN311_JURISDICTION:
            raise Http404(f"jurisdiction_id {given!r} not found")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.check_jurisdiction(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, InvalidInput):
            return self._error(status.HTTP_400_BAD_REQUEST, _messages(exc.errors))
        if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
            return self._error(status.HTTP_400_BAD_REQUEST, ["The request is too large."])
        if isinstance(exc, exceptions.ValidationError | exceptions.ParseError):
            return self._error(status.HTTP_400_BAD_REQUEST, _messages(exc.detail))
        if isinstance(exc, Http404 | exceptions.NotFound):
            return self._error(status.HTTP_404_NOT_FOUND, [str(exc) or "Not found."])
        if isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
            return self._error(status.HTTP_403_FORBIDDEN, [str(exc) or "Forbidden."])
        if isinstance(exc, exceptions.Throttled | RateLimited):
            wait = max(1, int(getattr(exc, "wait", None) or 1))
            response = self._error(
                status.HTTP_429_TOO_MANY_REQUESTS,
                [f"Too many requests: try again in {wait} seconds."],
            )
            response["Retry-After"] = str(wait)
            return response
        if isinstance(exc, exceptions.APIException):
            return self._error(exc.status_code, _messages(exc.detail))
        return super().handle_exception(exc)

    def _error(self, code: int, descriptions: list[str]) -> Response:
        return Response(_errors(code, descriptions), status=code)


class DiscoveryView(Open311View):
    xml_root = "discovery"

    def get(self, request: Request, format: str | None = None) -> Response:
        return Response(
            {
                "changeset": CHANGESET,
                "contact": settings.CIVIC311_OPEN311_CONTACT,
                "key_service": settings.CIVIC311_OPEN311_KEY_SERVICE,
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": request.build_absolute_uri("/open311/v2"),
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": ["text/xml", "application/json"],
                    }
                ],
            }
        )


class ServiceListView(Open311View):
    xml_root = "services"

    def get(self, request: Request, format: str | None = None) -> Response:
        return Response([selectors.service_as_open311(s) for s in selectors.services_public()])


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    def get(self, request: Request, service_code: str, format: str | None = None) -> Response:
        service = selectors.services_public().filter(code=service_code).first()
        if service is None:
            raise Http404(f"service_code {service_code!r} not found")
        return Response(selectors.service_definition_as_open311(service))


class RequestListView(Open311View):
    xml_root = "service_requests"

    @reading_from_replica()
    def get(self, request: Request, format: str | None = None) -> Response:
        query = request.query_params
        extensions = params.text(query, "extensions").lower() == "true"
        requests = selectors.requests_public(extensions=extensions)
        ids = params.comma_list(query, "service_request_id")
        if ids:
            # The spec: a list of ids overrides every other filter.
            found = requests.filter(public_id__in=ids).order_by("-created_at", "-id")
            return Response([selectors.request_as_open311(r, extensions=extensions) for r in found])
        requests = self._filter(requests, query)
        page = params.integer(query, "page", 1, 1, 100_000)
        page_size = params.integer(query, "page_size", MAX_RESULTS, 1, MAX_RESULTS)
        window = requests.order_by("-created_at", "-id")[(page - 1) * page_size : page * page_size]
        return Response([selectors.request_as_open311(r, extensions=extensions) for r in window])

    def _filter(self, requests: Any, query: Any) -> Any:
        codes = params.comma_list(query, "service_code")
        if codes:
            requests = requests.filter(service__code__in=codes)
        statuses = {s.lower() for s in params.comma_list(query, "status")}
        if statuses - {"open", "closed"}:
            raise InvalidInput.field("status", "Use open, closed or open,closed.")
        if statuses:
            requests = selectors.requests_with_status(requests, statuses)
        start = params.moment(query, "start_date")
        end = params.moment(query, "end_date", whole_day=True)
        if start and end and start > end:
            raise InvalidInput.field("end_date", "Must not be before start_date.")
        # The span is the dates as given: a date-only end_date is widened to its whole day
        # only after, so 90 days from a date to a date stays allowed.
        given_end = params.moment(query, "end_date")
        if start and given_end and given_end - start > MAX_WINDOW:
            raise InvalidInput.field("end_date", "The range may not span more than 90 days.")
        if end is None:
            end = start + MAX_WINDOW if start else timezone.now()
        if start is None:
            start = end - MAX_WINDOW
        requests = requests.filter(created_at__gte=start, created_at__lte=end)
        return selectors.requests_updated_between(
            requests,
            after=params.moment(query, "updated_after"),
            before=params.moment(query, "updated_before"),
        )

    def post(self, request: Request, format: str | None = None) -> Response:
        data = request.data
        key = params.text(data, "api_key", max_length=200)
        api_key = getattr(request, "open311_api_key", None) or api_key_find(key)
        if api_key is None:
            raise PermissionDenied("A valid api_key is required to submit requests.")
        api_key_touch(api_key=api_key)
        command = self._command(data, api_key)
        submitted = service_request_submit(command=command, actor=None)
        created = submitted.service_request
        # 200, not 201: published clients test for the status the spec's examples show.
        return Response([self._answer(created, command)], status=status.HTTP_200_OK)

    @staticmethod
    def _answer(created: ServiceRequest, command: IntakeCommand) -> dict[str, Any]:
        """GeoReport v2 by the service's type: realtime answers the id, batch a token instead
        ("should not be returned if service_request_id is returned"), blackbox neither."""
        answer: dict[str, Any] = {}
        if command.service.type == ServiceType.REALTIME:
            answer["service_request_id"] = created.public_id
        elif command.service.type == ServiceType.BATCH:
            answer["token"] = created.token
        answer["service_notice"] = selectors.service_notice(created) or None
        answer["account_id"] = command.account_id or None
        return answer

    def _command(self, data: Any, api_key: ApiKey) -> IntakeCommand:
        code = params.text(data, "service_code", max_length=64)
        if not code:
            raise InvalidInput.field("service_code", "This field is required.")
        service = current_directory().services.get(code)
        if service is None:
            # GeoReport v2 lists "404 - service_code ... was not found" for this call.
            raise Http404(f"service_code: No service {code!r}.")
        location = Location.parse(
            lat=params.text(data, "lat", max_length=40),
            long=params.text(data, "long", max_length=40),
            address=params.text(data, "address_string", max_length=255),
            address_id=params.text(data, "address_id", max_length=100),
            zipcode=params.text(data, "zipcode", max_length=12),
            names=OPEN311_LOCATION,
        )
        email = params.text(data, "email", max_length=254)
        phone = params.text(data, "phone", max_length=40)
        device_id = params.text(data, "device_id", max_length=200)
        media_url = self._media_url(data)
        return IntakeCommand(
            service=service,
            channel=Channel.APP,
            location=location,
            description=params.text(data, "description", max_length=MAX_DESCRIPTION),
            attributes=params.attributes(data),
            media_urls=(media_url,) if media_url else (),
            requester=Requester(
                first_name=params.text(data, "first_name", max_length=100),
                last_name=params.text(data, "last_name", max_length=100),
                email=email,
                phone=phone,
                channel=(
                    ContactChannel.EMAIL
                    if email
                    else ContactChannel.SMS
                    if phone
                    else ContactChannel.NONE
                ),
            ),
            device_id=device_id,
            account_id=params.text(data, "account_id", max_length=200),
            # A retry from the same device with the same content is the same attempt.
            idempotency_key=f"open311:{api_key.pk}:{device_id}" if device_id else "",
        )

    @staticmethod
    def _media_url(data: Any) -> str:
        url = params.text(data, "media_url", max_length=2000)
        if url:
            try:
                MEDIA_URL(url)
            except ValidationError:
                raise InvalidInput.field("media_url", "Give an http(s) URL.") from None
        return url


class RequestDetailView(Open311View):
    xml_root = "service_requests"

    @reading_from_replica()
    def get(self, request: Request, service_request_id: str, format: str | None = None) -> Response:
        extensions = params.text(request.query_params, "extensions").lower() == "true"
        found = (
            selectors.requests_public(extensions=extensions)
            .filter(public_id=service_request_id)
            .first()
        )
        if found is None:
            raise Http404(f"service_request_id {service_request_id!r} not found")
        return Response([selectors.request_as_open311(found, extensions=extensions)])


class TokenView(Open311View):
    xml_root = "service_requests"

    def get(self, request: Request, token: str, format: str | None = None) -> Response:
        found = ServiceRequest.objects.filter(token=token).values_list("public_id", flat=True)
        public_id = found.first()
        if public_id is None:
            raise Http404("token not found")
        return Response([{"service_request_id": public_id, "token": token}])


class NotFoundView(Open311View):
    """Any other URL under the endpoint: the spec's 404, in the format its suffix names."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise Http404("No such Open311 resource.")
