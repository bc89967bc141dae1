"""Open requests near the resident's pin for the same service: "Is this it? Follow it"."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.errors import InvalidInput
from frontend.residents.forms import ReportForm
from intake.commands import Location
from intake.models import Service, ServiceRequest
from intake.selectors import service_requests_possible_duplicates


def nearby(service: Service, lat: object, long: object) -> list[ServiceRequest]:
    try:
        point = Location.parse(lat=lat, long=long, required=False).point
    except InvalidInput:
        return []
    if point is None:
        return []
    return list(service_requests_possible_duplicates(service=service, location=point, limit=3))


def nearby_for_form(service: Service, form: ReportForm) -> list[ServiceRequest]:
    data = form.data if form.is_bound else {}
    return nearby(service, data.get("lat"), data.get("long"))


def nearby_partial(request: HttpRequest, code: str) -> HttpResponse:
    """htmx: the list under the map, refreshed whenever the pin moves."""
    service = get_object_or_404(Service, code=code, is_active=True)
    found = nearby(service, request.GET.get("lat"), request.GET.get("long"))
    return render(request, "residents/_nearby.html", {"nearby": found})
