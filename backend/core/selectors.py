"""Reads on the city's geography."""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Q, QuerySet

from core.models import Address
from core.services import address_search_text

# The nearest address to a pin is named only when it is this close.
NEAREST_ADDRESS_WITHIN_M = 150


def addresses_matching(*, text: str, limit: int = 8) -> QuerySet[Address]:
    """Type-ahead: addresses whose full text or street name starts with what was typed."""
    prefix = address_search_text(text)
    if len(prefix) < 2:
        return Address.objects.none()
    return Address.objects.filter(
        Q(search_text__startswith=prefix) | Q(street_search_text__startswith=prefix)
    ).order_by("search_text")[:limit]


def address_nearest(*, point: Point, within_m: float = NEAREST_ADDRESS_WITHIN_M) -> Address | None:
    """The closest address point to a pin, on the indexed geography column."""
    return (
        Address.objects.filter(location__dwithin=(point, D(m=within_m)))
        .annotate(distance=Distance("location", point))
        .order_by("distance")
        .first()
    )


def address_points(*, limit: int = 20000) -> QuerySet[Address]:
    """Address points for the city's own base map, where no tile server is configured."""
    return Address.objects.only("location")[:limit]
