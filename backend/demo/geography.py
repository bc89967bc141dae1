"""Riverton's shapes, made from a few coordinates so the demo needs no data files."""

from django.contrib.gis.geos import LineString, MultiPolygon, Polygon

CENTRE = (-89.40, 43.07)

CITY_LIMITS = Polygon(
    (
        (-89.485, 43.020),
        (-89.400, 43.012),
        (-89.318, 43.025),
        (-89.305, 43.080),
        (-89.330, 43.125),
        (-89.410, 43.132),
        (-89.478, 43.118),
        (-89.495, 43.070),
        (-89.485, 43.020),
    ),
    srid=4326,
)

# A state highway crossing the city: owned by the state DOT, not by Streets and Roads.
STATE_HIGHWAY = LineString(
    (-89.500, 43.045), (-89.430, 43.060), (-89.380, 43.072), (-89.300, 43.095), srid=4326
).buffer(0.0006)

COUNTY_PARK = Polygon(
    ((-89.350, 43.100), (-89.325, 43.100), (-89.325, 43.118), (-89.350, 43.118), (-89.350, 43.100)),
    srid=4326,
)


def council_districts() -> list[tuple[str, MultiPolygon]]:
    """Six districts: the city limits cut by a 3 × 2 grid."""
    min_lon, min_lat, max_lon, max_lat = CITY_LIMITS.extent
    columns, rows = 3, 2
    width, height = (max_lon - min_lon) / columns, (max_lat - min_lat) / rows
    districts = []
    number = 1
    for row in range(rows):
        for column in range(columns):
            cell = Polygon.from_bbox(
                (
                    min_lon + column * width,
                    min_lat + row * height,
                    min_lon + (column + 1) * width,
                    min_lat + (row + 1) * height,
                )
            )
            cell.srid = 4326
            piece = CITY_LIMITS.intersection(cell)
            shape = piece if isinstance(piece, MultiPolygon) else MultiPolygon(piece, srid=4326)
            districts.append((f"Council District {number}", shape))
            number += 1
    return districts
