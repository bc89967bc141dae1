"""The map's own data: address type-ahead, the nearest address to a pin, and the city's
layers (limits, districts, parks, address points) for maps without a tile server."""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from core.errors import InvalidInput
from core.models import Area
from core.selectors import address_nearest, address_points, addresses_matching, street_lines
from frontend.residents.report import outside_city_message
from intake.commands import Location
from routing_adapter.selectors import location_in_city

CITY_LAYER_KINDS = ("city-limits", "council-district", "county-park", "state-highway")
SIMPLIFY_DEGREES = 0.0002  # ~20 m: enough for a phone screen, a fraction of the bytes


def map_layer(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A map layer: read-only, compressed (public data, no secret in it: nothing for a
    compression attack to learn) and cached by browsers and proxies for an hour."""
    return require_GET(gzip_page(cache_control(public=True, max_age=3600)(view)))


@require_GET
def address_suggestions(request: HttpRequest) -> HttpResponse:
    """htmx: <option>s for the address box's datalist."""
    text = request.GET.get("address", request.GET.get("q", ""))[:200]
    return render(
        request, "residents/_address_options.html", {"addresses": addresses_matching(text=text)}
    )


@require_GET
def address_reverse(request: HttpRequest) -> JsonResponse:
    """The nearest address to a pin, and whether the pin is inside the city."""
    try:
        point = Location.parse(lat=request.GET.get("lat"), long=request.GET.get("long")).point
    except InvalidInput as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    if point is None:
        return JsonResponse({"errors": {"lat": ["Give lat and long."]}}, status=400)
    if not location_in_city(point):
        return JsonResponse({"inside": False, "message": outside_city_message()})
    found = address_nearest(point=point)
    return JsonResponse(
        {
            "inside": True,
            "address": found.full_address if found else "",
            "address_id": found.address_id if found else "",
        }
    )


@map_layer
def city_layers(request: HttpRequest) -> JsonResponse:
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(
                area.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True).geojson
            ),
            "properties": {"kind": area.kind, "name": area.name},
        }
        for area in Area.objects.filter(kind__in=CITY_LAYER_KINDS)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@map_layer
def address_layer(request: HttpRequest) -> JsonResponse:
    coordinates = [[round(a.location.x, 5), round(a.location.y, 5)] for a in address_points()]
    return JsonResponse(
        {
            "type": "Feature",
            "geometry": {"type": "MultiPoint", "coordinates": coordinates},
            "properties": {"kind": "addresses"},
        }
    )


@map_layer
def street_layer(request: HttpRequest) -> JsonResponse:
    """The streets, drawn from the address points, for maps without a tile server."""
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(line),
            "properties": {"kind": "street", "name": name},
        }
        for name, line in street_lines()
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
