"""Reads on the city's geography."""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import connection
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


# Street lines for maps without a tile server, drawn from the city's own address points:
# each street's points in house-number order, split where two neighbours are further apart
# than STREET_GAP_M (a street that leaves the city and comes back), simplified so the two
# sides of a street (odd and even numbers) make one line.
STREET_GAP_M = 600.0
STREET_SIMPLIFY_DEGREES = 0.0003  # ~30 m
STREET_LINES_SQL = """
WITH numbered AS (
    SELECT COALESCE(NULLIF(street, ''), regexp_replace(full_address, '^\\s*\\d+\\S*\\s+', ''))
               AS name,
           COALESCE(substring(full_address from '^\\s*(\\d{1,9})')::integer, 0) AS number,
           location::geometry AS point
    FROM core_address
), stepped AS (
    SELECT name, number, point,
           CASE WHEN ST_DistanceSphere(point, lag(point) OVER w) > %(gap)s THEN 1 ELSE 0 END
               AS gap
    FROM numbered
    WINDOW w AS (PARTITION BY name ORDER BY number, point)
), segmented AS (
    SELECT name, number, point,
           sum(gap) OVER (PARTITION BY name ORDER BY number, point ROWS UNBOUNDED PRECEDING)
               AS segment
    FROM stepped
)
SELECT name, ST_AsGeoJSON(
           ST_SimplifyPreserveTopology(ST_MakeLine(point ORDER BY number, point), %(tolerance)s),
           5)
FROM segmented
GROUP BY name, segment
HAVING count(*) > 1
ORDER BY name, segment
"""


def street_lines() -> list[tuple[str, str]]:
    """(street name, GeoJSON line) for every street with two or more address points."""
    with connection.cursor() as cursor:
        cursor.execute(
            STREET_LINES_SQL, {"gap": STREET_GAP_M, "tolerance": STREET_SIMPLIFY_DEGREES}
        )
        return [(str(name), str(line)) for name, line in cursor.fetchall()]
